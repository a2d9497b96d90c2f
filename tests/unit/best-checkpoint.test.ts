import { describe, expect, it } from 'vitest';
import { chooseBestCheckpoint, valMeasuresBeforeStep } from '../../src/core/best-checkpoint.js';

const val = (...pairs: [number, number | null][]) => pairs.map(([iter, loss]) => ({ iter, loss }));

describe('chooseBestCheckpoint', () => {
  it.each([
    // [case, val points, checkpoint iters, val before step?, expected]
    [
      'val before the step, no checkpoint at N-1: the one saved at N, one step later',
      val([1, 2.0], [200, 1.5], [400, 1.2], [600, 1.3]),
      [200, 400, 600],
      true,
      { ok: true, iter: 400, valIter: 400, valLoss: 1.2, offBy: 1 },
    ],
    [
      'val before the step, a checkpoint at N-1 holds exactly the measured weights',
      val([1, 2.0], [101, 1.1], [200, 1.3]),
      [100, 101, 200],
      true,
      { ok: true, iter: 100, valIter: 101, valLoss: 1.1, offBy: 0 },
    ],
    [
      'val after the step (lora.py, old mlx_lm): the checkpoint at N is exact',
      val([1, 2.0], [150, 1.158], [200, 1.163]),
      [50, 100, 150, 200],
      false,
      { ok: true, iter: 150, valIter: 150, valLoss: 1.158, offBy: 0 },
    ],
    [
      'NaN never wins; ties go to the first',
      val([100, null], [200, 1.0], [300, 1.0]),
      [200, 300],
      true,
      { ok: true, iter: 200, valIter: 200, valLoss: 1.0, offBy: 1 },
    ],
  ])('%s', (_name, points, iters, before, expected) => {
    expect(chooseBestCheckpoint(points, iters, before)).toEqual(expected);
  });

  it.each([
    ['no finite val', val([1, null]), [100], true, /no finite val loss/],
    [
      'best at Iter 1 before any step: the base model',
      val([1, 1.0], [100, 2.0]),
      [100],
      true,
      /before any training step: the base model was best/,
    ],
    [
      'no checkpoint near the best val',
      val([1, 2.0], [150, 1.0], [200, 1.5]),
      [100, 200],
      true,
      /no checkpoint was saved at its best val iteration \(150, val loss 1\); checkpoints exist at 100, 200/,
    ],
    ['no periodic checkpoints at all', val([1, 2.0], [150, 1.0]), [], false, /it has no periodic checkpoints/],
  ])('%s: not ok', (_name, points, iters, before, reason) => {
    const r = chooseBestCheckpoint(points, iters, before);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it.each([
    ['mlx_lm-0.19+', true],
    ['mlx_lm-rich-ui', true],
    ['lora.py-2023', false],
    ['mlx_lm-0.3-0.5', false],
    [null, true],
  ])('%s validates before the step: %s', (era, expected) => {
    expect(valMeasuresBeforeStep(era)).toBe(expected);
  });
});
