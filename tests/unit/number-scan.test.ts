// The line parser's hand-written number scanner against Number(): every number text mlx-lm and
// the fork trainers print (shared/mlx-lm-formats.md §3: `{x:.3f}`, `.2f`, `.4f`, `.8f`, `.12f`,
// `.0f`, `{lr:.3e}`, `.2e`, `.4e`, plain `{n}` integers and float reprs; `nan`/`inf`/`-inf`,
// stored as null) must scan to exactly Number(text), also inside a line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, scanNumber, type NumberScan } from '../../src/parse/mlx-line/numbers.js';

/** Python's `{x:.Ne}`: the exponent has a sign and at least two digits (`1.000e-05`). */
function pythonExp(x: number, digits: number): string {
  return x.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's float repr differs from String() in the exponent only (`1e-05`, `1e+16`). */
function pythonRepr(x: number): string {
  const s = String(x);
  return /[e.]/.test(s) ? s.replace(/e([+-])(\d)$/, 'e$10$2') : `${s}.0`;
}

const FIXED_DIGITS = [0, 2, 3, 4, 8, 12] as const;
const EXP_DIGITS = [2, 3, 4] as const;

// toFixed switches to exponent form from 1e21 on; Python's `f` never does, and no trainer prints
// a loss or a rate that large with `f`.
const fixedRange = fc.double({ min: -1e20, max: 1e20, noNaN: true });
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });
const smallMagnitude = fc.double({ min: -1e-3, max: 1e-3, noNaN: true });

const printed: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.oneof(fixedRange, smallMagnitude), fc.constantFrom(...FIXED_DIGITS)).map(([x, d]) => x.toFixed(d)),
  fc.tuple(anyFinite, fc.constantFrom(...EXP_DIGITS)).map(([x, d]) => pythonExp(x, d)),
  fc.oneof(fc.integer(), fc.maxSafeInteger()).map(String),
  anyFinite.map(pythonRepr),
);

function scratch(): NumberScan {
  return { numberEnd: -1 };
}

/** What the parser stores for a printed value: the number, or null for nan/inf (README rule 5). */
function expected(text: string): number | null {
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

describe('scanNumber / parseNumber', () => {
  it('scans every printed format to exactly Number(text)', () => {
    fc.assert(
      fc.property(printed, (text) => {
        const st = scratch();
        expect(parseNumber(st, text, 0, text.length)).toBe(expected(text));
        expect(st.numberEnd).toBe(text.length);
      }),
      { numRuns: 20000 },
    );
  });

  it('reads the same number inside a line and stops where it ends', () => {
    fc.assert(
      fc.property(printed, fc.constantFrom(', It/sec 1.0', 's', ' GB', ',', ''), (text, after) => {
        const line = `Iter 10: Train loss ${text}${after}`;
        const a = 'Iter 10: Train loss '.length;
        const st = scratch();
        expect(scanNumber(st, line, a, line.length)).toBe(expected(text));
        expect(st.numberEnd).toBe(a + text.length);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['nan', null],
    ['inf', null],
    ['-inf', null],
    ['+1.500', 1.5],
    ['-0.000', -0],
    ['1.000e-05', 1e-5],
    ['2.5E+03', 2500],
    ['12345678901234567890', 1.2345678901234567e19],
    ['0.1234567890123456789', 0.12345678901234568],
    ['1e400', null],
  ])('%j scans to %j', (text, value) => {
    expect(parseNumber(scratch(), text, 0, text.length)).toBe(value);
  });

  it.each([[''], ['-'], ['.5'], ['1.'], ['1e'], ['1e+'], ['1.5x'], ['na'], ['1,5'], [' 1']])(
    '%j is not exactly a number',
    (text) => {
      expect(parseNumber(scratch(), text, 0, text.length)).toBeUndefined();
    },
  );
});
