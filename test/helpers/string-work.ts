// Counts the work a piece of code does on strings, to assert it is linear or capped: never by the clock.

type StringMethod = (this: string, ...args: unknown[]) => unknown;

/** Methods that cost the length of the string they are called on. */
const WHOLE_STRING = [
  'normalize',
  'replace',
  'replaceAll',
  'match',
  'matchAll',
  'split',
  'trim',
  'trimStart',
  'trimEnd',
  'toLowerCase',
  'toUpperCase',
  'includes',
  'indexOf',
  'startsWith',
  'endsWith',
] as const;
/** Methods that cost the length of what they return. */
const RESULT = ['slice', 'substring', 'padStart', 'repeat'] as const;
/** Methods that cost one unit per call. */
const SINGLE = ['charCodeAt', 'codePointAt', 'charAt', 'at'] as const;

/**
 * Runs `fn` with String.prototype's methods (and RegExp.prototype.test) counting: a whole-string method
 * costs the length of the string, slicing the length of the slice, a character read one. A loop reading a
 * growing output again and again, or a regex run over a megabyte, shows in the count; a cap checked before
 * any work keeps it flat however long the input.
 */
export function stringWork<T>(fn: () => T): { result: T; work: number } {
  let work = 0;
  const prototype = String.prototype as unknown as Record<string, StringMethod>;
  const saved = new Map<string, StringMethod>();
  const wrap = (name: string, cost: (self: string, result: unknown) => number) => {
    const original = prototype[name] as StringMethod;
    saved.set(name, original);
    prototype[name] = function (this: string, ...args: unknown[]) {
      const result = original.apply(this, args);
      work += cost(String(this), result);
      return result;
    };
  };
  for (const name of WHOLE_STRING) wrap(name, (self) => self.length);
  for (const name of RESULT) wrap(name, (_self, result) => (typeof result === 'string' ? result.length : 0));
  for (const name of SINGLE) wrap(name, () => 1);
  const test = RegExp.prototype.test;
  RegExp.prototype.test = function (this: RegExp, input: string) {
    work += String(input).length;
    return test.call(this, input);
  };
  try {
    return { result: fn(), work };
  } finally {
    for (const [name, original] of saved) prototype[name] = original;
    RegExp.prototype.test = test;
  }
}
