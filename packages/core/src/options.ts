/**
 * Options objects are PyTorch's keyword arguments in camelCase. A plain-JavaScript caller gets no type
 * checker, so a snake_case key (`requires_grad`) or a typo (`dtyp`) would otherwise be dropped by the
 * destructuring without a word; every entry point that takes options checks their keys here.
 */

/** snake_case → camelCase (`requires_grad` → `requiresGrad`). */
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate a mistyped name most likely meant: its camelCase spelling, a case-insensitive match, or
 * the nearest name within a third of its length (at least 2 edits); `undefined` when nothing is close.
 */
export function suggestName(word: string, candidates: readonly string[]): string | undefined {
  const c = camel(word);
  if (candidates.includes(c)) return c;
  const lower = word.toLowerCase().replace(/[_-]/g, '');
  const ci = candidates.find((k) => k.toLowerCase() === lower);
  if (ci) return ci;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of candidates) {
    const d = editDistance(word, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** `fn: unknown option 'requires_grad' (did you mean 'requiresGrad'?); expected one of …`. */
export function unknownOptionError(fn: string, key: string, known: readonly string[]): TypeError {
  const hint = suggestName(key, known);
  return new TypeError(
    `${fn}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of ${known.join(', ')} (options are PyTorch's keyword arguments in camelCase)`,
  );
}

/** Is it a plain `{ ... }` object (as opposed to a number, string, array, class instance)? */
export function isPlainOptions(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `opts` (if given) is a plain object whose keys are all in `known`; throws a TypeError naming
 * `fn`, the key, the likely intended key, and the accepted ones.
 */
export function checkOptionKeys(fn: string, opts: unknown, known: readonly string[]): void {
  if (opts === undefined) return;
  if (!isPlainOptions(opts)) {
    const what = opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts === 'object' ? 'an object that is not a plain { ... }' : `${typeof opts} ${String(opts)}`;
    throw new TypeError(`${fn}: expected an options object { ${known.join(', ')} }, got ${what}`);
  }
  for (const k of Object.keys(opts)) if (!known.includes(k)) throw unknownOptionError(fn, k, known);
}

/** `checkOptionKeys`, returning the options (`{}` for undefined or null) for destructuring. */
export function checkOptions<O extends object>(op: string, opts: O | undefined | null, known: readonly string[]): O {
  if (opts === undefined || opts === null) return {} as O;
  checkOptionKeys(op, opts, known);
  return opts;
}
