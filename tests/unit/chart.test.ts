// The pure pieces of the terminal chart (src/cli/chart.ts) and the continued axes it is fed
// (src/core/curves.ts).
import { describe, expect, it } from 'vitest';
import { assignMarks, MARK_PAIRS, renderChart, wrapEntries, yRange } from '../../src/cli/chart.js';
import { continuedAxes, joinAxisCurves, tokensAt } from '../../src/core/curves.js';

describe('assignMarks', () => {
  it('one pair per run: train filled, val hollow; every (run, split) distinct up to the pairs there are', () => {
    const series = Array.from({ length: MARK_PAIRS.length }, (_, i) => [
      { runId: `r${i}`, split: 'train' },
      { runId: `r${i}`, split: 'val' },
    ]).flat();
    const { marks, colours, repeated } = assignMarks(series);
    expect(new Set(marks).size).toBe(series.length);
    expect(repeated).toBe(false);
    expect(marks.slice(0, 4)).toEqual(['●', '○', '◆', '◇']);
    // Letters after the shapes: A for train, a for val.
    expect(marks.slice(18, 20)).toEqual(['A', 'a']);
    // Both splits of a run share its colour.
    expect(colours.slice(0, 4)).toEqual([0, 0, 1, 1]);
  });

  it('a run with only val gets its hollow mark; more runs than pairs says so', () => {
    expect(assignMarks([{ runId: 'a', split: 'val' }]).marks).toEqual(['○']);
    const many = Array.from({ length: MARK_PAIRS.length + 1 }, (_, i) => ({ runId: `r${i}`, split: 'train' }));
    expect(assignMarks(many).repeated).toBe(true);
  });
});

describe('wrapEntries', () => {
  it('breaks between entries only, each line within the width', () => {
    const entries = ['● aaaa train', '○ aaaa val', '◆ bbbb train', '◇ bbbb val'];
    expect(wrapEntries(entries, 30)).toEqual(['● aaaa train   ○ aaaa val', '◆ bbbb train   ◇ bbbb val']);
    expect(wrapEntries(entries, 1000)).toEqual([entries.join('   ')]);
    expect(wrapEntries(entries, 5)).toEqual(entries);
  });

  it('an entry wider than the width is kept whole on its own line; colour codes take no width', () => {
    const long = `● ${'x'.repeat(60)}`;
    expect(wrapEntries(['● a', long, '○ b'], 20)).toEqual(['● a', long, '○ b']);
    const red = '\x1b[31m●\x1b[0m a';
    expect(wrapEntries([red, red], 9)).toEqual([`${red}   ${red}`]);
  });
});

describe('yRange', () => {
  it('a flat line gets a band around it (relative to its value), so it is not on the border', () => {
    expect(yRange([2, 2])).toEqual([1.8, 2.2]);
    expect(yRange([0])).toEqual([-1, 1]);
    expect(yRange([0.001, 0.001])[0]).toBeGreaterThan(0);
    expect(yRange([1, 3])).toEqual([1, 3]);
  });
});

describe('renderChart', () => {
  const body = (lines: string[]) =>
    lines.slice(
      0,
      lines.findIndex((l) => l.includes('└')),
    );
  it('the series with fewer points is drawn on top where curves meet', () => {
    const long = { label: 'long', points: Array.from({ length: 50 }, (_, i) => ({ x: i, y: 1 })), mark: '●' };
    const short = { label: 'short', points: [{ x: 0, y: 1 }], mark: '◆' };
    for (const order of [
      [long, short],
      [short, long],
    ]) {
      const lines = renderChart(order, { width: 40, height: 5 });
      expect(body(lines).join('\n')).toContain('◆');
    }
  });

  it('one x value: the point in the middle and its one tick under it', () => {
    const lines = renderChart([{ label: 'one', points: [{ x: 100, y: 1.5 }] }], { width: 42, height: 5 });
    const row = body(lines).find((l) => l.includes('●'))!;
    const ticks = lines[lines.findIndex((l) => l.includes('└')) + 1]!;
    expect(ticks.trim()).toBe('100');
    expect(ticks.indexOf('100') + 1).toBe(row.indexOf('●'));
    const plotWidth = lines.find((l) => l.includes('└'))!.split('└')[1]!.length;
    expect(Math.abs(row.indexOf('●') - row.indexOf('┤') - 1 - plotWidth / 2)).toBeLessThanOrEqual(1);
  });

  it('formatX writes the x ticks', () => {
    const lines = renderChart(
      [
        {
          label: 's',
          points: [
            { x: 0, y: 1 },
            { x: 12345, y: 2 },
          ],
        },
      ],
      {
        width: 40,
        height: 4,
        xLabel: 'tokens',
        formatX: (x) => x.toLocaleString('en-US'),
      },
    );
    expect(
      lines
        .find((l) => l.endsWith('tokens'))!
        .trim()
        .split(/\s+/),
    ).toEqual(['0', '12,345', 'tokens']);
  });
});

describe('continued axes', () => {
  const row = (segment: number, iter: number | null, split: string, tokens: number | null) => ({
    segment,
    iter,
    split,
    trained_tokens: tokens,
  });
  it('a resumed segment continues iterations and tokens; val takes the tokens trained before it', () => {
    const rows = [
      row(0, 1, 'val', null),
      row(0, 10, 'train', 1000),
      row(0, 20, 'train', 2000),
      row(0, 20, 'val', null),
      row(1, 1, 'val', null),
      row(1, 10, 'train', 900),
      row(1, null, 'test', null),
    ];
    expect(continuedAxes(rows).map((a) => [a.row.split, a.iter, a.tokens])).toEqual([
      ['val', 1, 0],
      ['train', 10, 1000],
      ['train', 20, 2000],
      ['val', 20, 2000],
      ['val', 21, 2000],
      ['train', 30, 2900],
    ]);
    expect(tokensAt(rows, 20)).toBe(2000);
    expect(tokensAt(rows, null)).toBe(2900);
  });

  it('a log without tokens has none (null), not zeros', () => {
    expect(continuedAxes([row(0, 10, 'train', null)]).map((a) => a.tokens)).toEqual([null]);
    expect(tokensAt([row(0, 10, 'train', null)], null)).toBeNull();
  });

  it('joinAxisCurves: the child continues after the parent on both axes', () => {
    const parent = [
      { iter: 10, tokens: 1000, y: 2 },
      { iter: 20, tokens: 2000, y: 1.5 },
      { iter: 30, tokens: 3000, y: 1.4 },
    ];
    const child = [{ iter: 10, tokens: 1100, y: 1.3 }];
    const joined = joinAxisCurves([
      { points: parent, shift: 0, upTo: 20, tokensAtUpTo: 2000 },
      { points: child, shift: 20, upTo: null, tokensAtUpTo: 1100 },
    ]);
    expect(joined).toEqual([
      { iter: 10, tokens: 1000, y: 2 },
      { iter: 20, tokens: 2000, y: 1.5 },
      { iter: 30, tokens: 3100, y: 1.3 },
    ]);
  });
});
