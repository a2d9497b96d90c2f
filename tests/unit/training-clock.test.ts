// The training-time axis of the dashboard: seconds as the log tells them (issue 13, x-axis "wall
// time"). mlx-lm prints It/sec = steps_per_report / train_time (also on a shorter last window)
// and `Val took` seconds; the clock adds those up, report by report.
import { describe, expect, it } from 'vitest';
import { appendRows, emptyChart, newClock, tickClock, trainingTimes, type ChartRow } from '../../src/ui/series.js';

type Row = [segment: number, iter: number | null, split: string, itPerSec: number | null, valTime: number | null];

const times = (rows: Row[]) => {
  const c = newClock();
  return rows.map(([segment, iter, split, ips, vt]) => tickClock(c, segment, iter, split, ips, vt));
};

describe('training clock', () => {
  it.each<[string, Row[], (number | null)[]]>([
    [
      'train windows of 10 steps',
      [
        [0, 10, 'train', 1, null],
        [0, 20, 'train', 2, null],
      ],
      [10, 15],
    ],
    [
      'val adds its seconds',
      [
        [0, 1, 'val', null, 3],
        [0, 10, 'train', 0.5, null],
        [0, 10, 'val', null, 2.5],
      ],
      [3, 23, 25.5],
    ],
    // --iters 25 with steps_per_report 10: the last window is 5 steps, It/sec still counts 10.
    [
      'a shorter last window keeps the regular window',
      [
        [0, 10, 'train', 1, null],
        [0, 20, 'train', 1, null],
        [0, 25, 'train', 2, null],
      ],
      [10, 20, 25],
    ],
    // A resumed segment: iterations restart at 1, the clock goes on.
    [
      'a resumed segment continues the clock',
      [
        [0, 10, 'train', 1, null],
        [1, 5, 'train', 1, null],
        [1, 10, 'train', 1, null],
      ],
      [10, 15, 20],
    ],
    [
      'no It/sec: unknown from there on',
      [
        [0, 10, 'train', 1, null],
        [0, 20, 'train', null, null],
        [0, 20, 'val', null, 1],
        [0, 30, 'train', 1, null],
      ],
      [10, null, null, null],
    ],
    [
      'a test row leaves the clock as it is',
      [
        [0, 10, 'train', 2, null],
        [0, null, 'test', null, null],
      ],
      [5, 5],
    ],
  ])('%s', (_name, rows, expected) => {
    expect(times(rows)).toEqual(expected);
  });

  it('trainingTimes over two column reads equals ticking row by row, and leaves the clock at the end', () => {
    const rows: Row[] = [
      [0, 1, 'val', null, 2],
      [0, 10, 'train', 1, null],
      [0, 10, 'val', null, 2],
      [0, 20, 'train', 4, null],
    ];
    const ips = rows.map(([s, i, sp, v], seq) => [seq, s, i, sp, null, v] as const);
    const vt = rows.map(([s, i, sp, , v], seq) => [seq, s, i, sp, null, v] as const);
    const clock = newClock();
    const bySeq = trainingTimes(ips, vt, clock);
    expect([...bySeq.values()]).toEqual(times(rows));
    expect(clock.seconds).toBe(2 + 10 + 2 + 2.5);
  });

  it('a chart grown row by row has the same times as one built at once', () => {
    const rows: ChartRow[] = [
      { seq: 0, segment: 0, iter: 1, split: 'val', trained_tokens: null, loss: 2, it_per_sec: null, val_time_s: 1.5 },
      {
        seq: 1,
        segment: 0,
        iter: 10,
        split: 'train',
        trained_tokens: 100,
        loss: 1.8,
        it_per_sec: 0.5,
        val_time_s: null,
      },
      {
        seq: 2,
        segment: 0,
        iter: 10,
        split: 'val',
        trained_tokens: null,
        loss: 1.7,
        it_per_sec: null,
        val_time_s: 1.5,
      },
      {
        seq: 3,
        segment: 0,
        iter: 20,
        split: 'train',
        trained_tokens: 200,
        loss: 1.6,
        it_per_sec: 0.5,
        val_time_s: null,
      },
    ];
    const once = emptyChart('r', 'loss');
    appendRows(once, rows);
    const grown = emptyChart('r', 'loss');
    for (const r of rows) appendRows(grown, [r]);
    expect(grown.splits).toEqual(once.splits);
    expect(once.splits.val!.t).toEqual([1.5, 23]);
    expect(once.splits.train!.t).toEqual([21.5, 43]);
  });
});
