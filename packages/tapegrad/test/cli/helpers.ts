/**
 * Test helpers for the CLI: an IO double that records what is written, and a small strict XML parser
 * (enough of XML 1.0 for SVG: prolog, elements, attributes, text, the five predefined entities and
 * numeric character references) so tests can check that the SVG files are well-formed.
 */
import type { CliIO } from '../../src/cli/main';

export interface Captured extends CliIO {
  out: () => string;
  err: () => string;
}

/** An IO whose stdout/stderr are strings; `tty` makes stdout look like a terminal. */
export function captureIO(tty = false): Captured {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => { out += s; return true; }, isTTY: tty, columns: tty ? 120 : undefined },
    stderr: { write: (s: string) => { err += s; return true; }, isTTY: false },
    now: () => new Date(2024, 0, 2, 3, 4, 5),
    out: () => out,
    err: () => err,
  };
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

function decodeEntities(s: string, where: number): string {
  return s.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`XML: bare '&' near offset ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body];
    if (/^#\d+$/.test(body)) return String.fromCodePoint(Number(body.slice(1)));
    if (/^#x[0-9a-fA-F]+$/.test(body)) return String.fromCodePoint(parseInt(body.slice(2), 16));
    throw new Error(`XML: unknown entity '&${body};' near offset ${where}`);
  });
}

/** Parses a whole document and returns its root element; throws on anything malformed. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const skipWs = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipWs();
      if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i);
        if (end < 0) throw new Error('XML: unterminated processing instruction');
        i = end + 2;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) throw new Error('XML: unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const parseElement = (): XmlElement => {
    if (src[i] !== '<') throw new Error(`XML: expected '<' at offset ${i}`);
    i++;
    const m = NAME.exec(src.slice(i));
    if (!m) throw new Error(`XML: bad element name at offset ${i}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      const before = i;
      skipWs();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`XML: expected whitespace before attribute at offset ${i}`);
      const a = NAME.exec(src.slice(i));
      if (!a) throw new Error(`XML: bad attribute name at offset ${i}`);
      i += a[0].length;
      if (src[i] !== '=') throw new Error(`XML: expected '=' after attribute ${a[0]} at offset ${i}`);
      i++;
      const q = src[i];
      if (q !== '"' && q !== "'") throw new Error(`XML: attribute ${a[0]} value must be quoted (offset ${i})`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) throw new Error(`XML: unterminated attribute ${a[0]}`);
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`XML: '<' inside attribute ${a[0]}`);
      if (a[0] in el.attrs) throw new Error(`XML: duplicate attribute ${a[0]} on <${el.name}>`);
      el.attrs[a[0]] = decodeEntities(raw, i);
      i = end + 1;
    }
    for (;;) {
      if (i >= src.length) throw new Error(`XML: <${el.name}> is never closed`);
      if (src.startsWith('</', i)) {
        const end = src.indexOf('>', i);
        const name = src.slice(i + 2, end).trim();
        if (name !== el.name) throw new Error(`XML: </${name}> closes <${el.name}> at offset ${i}`);
        i = end + 1;
        return el;
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        i = end + 3;
        continue;
      }
      if (src[i] === '<') {
        el.children.push(parseElement());
        continue;
      }
      const next = src.indexOf('<', i);
      const chunk = src.slice(i, next < 0 ? src.length : next);
      if (chunk.includes('>') && chunk.includes(']]>')) throw new Error("XML: ']]>' in text");
      el.text += decodeEntities(chunk, i);
      i = next < 0 ? src.length : next;
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== src.length) throw new Error(`XML: content after the root element at offset ${i}`);
  return root;
}

/** All descendants (and the element itself) named `name`. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
