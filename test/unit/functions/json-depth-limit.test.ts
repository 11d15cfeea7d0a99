import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestingExceeds } from '#functions/http/json-depth-limit.ts';

/** Nesting depth of a JSON value: scalars 0, each object or array one more than its deepest member. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const members = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...members.map(depthOf));
}

describe('jsonNestingExceeds', () => {
  it('agrees with the depth of any JSON value, whatever its strings contain', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        const depth = depthOf(value);
        expect(jsonNestingExceeds(text, depth)).toBe(false);
        if (depth > 0) expect(jsonNestingExceeds(text, depth - 1)).toBe(true);
      }),
    );
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds(JSON.stringify({ a: '[[[{{{\\"[[[', b: '"}}}]]]' }), 1)).toBe(false);
  });

  it('answers for 100,000 levels in one pass, without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonNestingExceeds(deep, 32)).toBe(true);
  });
});
