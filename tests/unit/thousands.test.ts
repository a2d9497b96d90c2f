// core/thousands.ts against what it replaces: toLocaleString('en-US') of the rounded count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thousands } from '../../src/core/thousands.js';

// `+ 0`: toLocaleString writes -0 as `-0`; a count of zero is `0`.
const locale = (n: number) => (Math.round(n) + 0).toLocaleString('en-US');

describe('thousands', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [10_000, '10,000'],
    [1_120_000, '1,120,000'],
    [-1234567, '-1,234,567'],
    [1234.6, '1,235'],
    [-0.4, '0'],
  ])('%d → %s', (n, text) => {
    expect(thousands(n)).toBe(text);
  });

  it('writes every count as toLocaleString("en-US") does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ min: -1e15, max: 1e15, noNaN: true })),
        (n) => {
          expect(thousands(n)).toBe(locale(n));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('leaves what is not a count as String() writes it', () => {
    expect(thousands(Number.NaN)).toBe('NaN');
    expect(thousands(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
