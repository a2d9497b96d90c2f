// A long table is drawn in pieces (cli-table3's layout is quadratic in rows): the text must be the
// same as one cli-table3 table's, whatever the cells hold (wide characters, emoji, empty cells,
// control characters, cells wider or narrower than the header) and however the columns align.
import { describe, expect, it } from 'vitest';
import { tableText } from '../../src/cli/render.js';

const SAMPLES = [
  '',
  'a',
  'loss',
  '0.123',
  '1.5e-7',
  'mlx-community/Qwen3-4B-Instruct-2507-4bit',
  '日本語のモデル',
  '🚀 run',
  'e\u0301cole', // a combining accent
  'tab\there',
  'line\nbreak',
  '\x1b[31mred\x1b[0m',
  '-',
  '  padded  ',
];

/** A small deterministic generator (mulberry32): the same tables on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Each column draws its cells from one pool, so that some columns are as wide as their widest
 * cell by display width (not by .length), and one can be empty throughout.
 */
const POOLS = [SAMPLES, ['a', '日本語のモデル', '-'], ['🚀 run', 'x'], [''], ['e\u0301cole', 'ab'], ['tab\there', 'z']];

function table(seed: number, rows: number, cols: number) {
  const next = random(seed);
  const pickFrom = (pool: string[]) => pool[Math.floor(next() * pool.length)]!;
  const pools = Array.from({ length: cols }, (_, i) => POOLS[(seed + i) % POOLS.length]!);
  const header = pools.map((pool, i) => (pool.length === 1 ? '' : next() < 0.3 ? pickFrom(pool) : `c${i}`));
  const body = Array.from({ length: rows }, () => pools.map(pickFrom));
  const aligns = header.map(() => (next() < 0.5 ? ('left' as const) : ('right' as const)));
  return { header, body, aligns };
}

describe('tableText in pieces', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('is the text of one table (random table %i)', async (seed) => {
    const { header, body, aligns } = table(seed, 120 + seed * 7, 2 + (seed % 5));
    const whole = await tableText(header, body, aligns, Infinity);
    for (const rowsPerPiece of [1, 7, 50, 119]) {
      expect(await tableText(header, body, aligns, rowsPerPiece)).toBe(whole);
    }
    expect(whole.split('\n')).toHaveLength(body.length + 1);
  });

  it('keeps the widest cell of any piece for the whole column (a wide cell in the last piece)', async () => {
    // The wide cell is in the first column, so its width shows in every row before the second.
    const body = Array.from({ length: 30 }, (_, i) => ['x', String(i)]);
    body[29] = ['a wider cell', '29'];
    const whole = await tableText(['v', 'n'], body, ['left', 'right'], Infinity);
    const pieces = await tableText(['v', 'n'], body, ['left', 'right'], 10);
    expect(pieces).toBe(whole);
    const lines = pieces.split('\n');
    // 12 wide, two spaces, then n right-aligned in 2.
    expect(lines[0]).toBe(`v${' '.repeat(14)}n`);
    expect(lines[1]).toBe(`x${' '.repeat(14)}0`);
    expect(lines[30]).toBe('a wider cell  29');
  });

  it('uses pieces by default for long tables: the same text as one table', async () => {
    const { header, body, aligns } = table(99, 450, 4);
    expect(await tableText(header, body, aligns)).toBe(await tableText(header, body, aligns, Infinity));
  });
});
