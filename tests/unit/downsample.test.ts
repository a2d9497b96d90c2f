import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/core/downsample.js';

describe('downsampleMinMax', () => {
  it.each([
    ['short series unchanged', [3, 1, 2], 10, [0, 1, 2]],
    ['one spike kept', [1, 1, 1, 9, 1, 1, 1, 1, 1, 1], 6, [0, 1, 3, 5, 9]],
    ['one dip kept', [5, 5, 5, 5, 5, 5, 0, 5, 5, 5], 6, [0, 1, 5, 6, 9]],
  ])('%s', (_name, ys, max, expected) => {
    expect(downsampleMinMax(ys, max)).toEqual(expected);
  });

  it('never returns more than maxPoints, keeps first, last, global min and max, in order', () => {
    const ys = Array.from(
      { length: 10_000 },
      (_, i) => Math.sin(i / 37) + (i === 4321 ? 50 : 0) - (i === 777 ? 50 : 0),
    );
    const keep = downsampleMinMax(ys, 500);
    expect(keep.length).toBeLessThanOrEqual(500);
    expect(keep[0]).toBe(0);
    expect(keep.at(-1)).toBe(9_999);
    expect(keep).toContain(4321);
    expect(keep).toContain(777);
    expect([...keep].sort((a, b) => a - b)).toEqual(keep);
    expect(new Set(keep).size).toBe(keep.length);
  });
});
