/**
 * Minimal base64 decoder, so the embedded wasm bytes decode synchronously everywhere
 * (Node, browsers, workers) without relying on Buffer or atob.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes standard base64 (with or without '=' padding) to bytes.
 * @example decodeBase64('AGFzbQ==') // Uint8Array [0, 97, 115, 109]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const lookup = new Uint8Array(128).fill(255);
  for (let i = 0; i < ALPHABET.length; i++) lookup[ALPHABET.charCodeAt(i)] = i;
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  const out = new Uint8Array(new ArrayBuffer(Math.floor((end * 3) / 4)));
  let bits = 0;
  let nbits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? lookup[c] : 255;
    if (v === 255) throw new Error(`decodeBase64: invalid character '${text[i]}' at position ${i}`);
    bits = (bits << 6) | v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out[o++] = (bits >> nbits) & 0xff;
    }
  }
  return out;
}
