/** Reading examples/README.md's run commands and output templates, and matching output against them. */

export interface DocumentedExample {
  /** The command in the section's `sh` block. */
  command: string;
  /** The section's `text` block: what the example prints. */
  output: string;
}

/**
 * The `## <file>.ts` sections of examples/README.md, each with its first `sh` block (the run command) and
 * the first `text` block after it (the output). Sections lacking either are left out (and so reported as
 * undocumented).
 */
export function documentedExamples(markdown: string): Map<string, DocumentedExample> {
  const out = new Map<string, DocumentedExample>();
  for (const section of markdown.split(/^## /m).slice(1)) {
    const name = section.slice(0, section.indexOf('\n')).trim();
    const sh = /```sh\n([\s\S]*?)\n```/.exec(section);
    if (!sh) continue;
    const text = /```text\n([\s\S]*?)\n```/.exec(section.slice(sh.index + sh[0].length));
    if (!text) continue;
    out.set(name, { command: sh[1].trim(), output: text[1] });
  }
  return out;
}

const ELLIPSIS = '…';

function lineMatches(line: string, pattern: string): boolean {
  const re = pattern.split(ELLIPSIS).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${re}$`).test(line);
}

/**
 * Matches `stdout` against a template: each template line must equal an output line, in order, where `…`
 * inside a line matches any text and a line holding only `…` matches any number of lines. Trailing blank
 * lines and trailing spaces are ignored. Returns null on a match, else what went wrong.
 */
export function matchOutput(stdout: string, template: string): string | null {
  const norm = (s: string): string[] => {
    const lines = s.replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  };
  const out = norm(stdout);
  const tpl = norm(template);
  // Backtracking over `…` lines; templates are short, so plain recursion is fine.
  const from = (i: number, j: number): string | null => {
    if (j === tpl.length) return i === out.length ? null : `more output than the README shows, from line ${i + 1}: "${out[i]}"`;
    if (tpl[j] === ELLIPSIS) {
      let first: string | null = null;
      for (let k = i; k <= out.length; k++) {
        const r = from(k, j + 1);
        if (r === null) return null;
        first ??= r;
      }
      return first;
    }
    if (i >= out.length) return `output ended before the README's line "${tpl[j]}"`;
    if (!lineMatches(out[i], tpl[j])) return `line ${i + 1}: got "${out[i]}", the README shows "${tpl[j]}"`;
    return from(i + 1, j + 1);
  };
  return from(0, 0);
}
