// runs plot through the bundle, without colour (NO_COLOR, stdout a pipe): every curve has its own
// mark, the legend wraps by whole entries, --split / --x, short runs visible.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, makeTree, type Tree } from '../helpers/tree.js';
import { MARK_PAIRS } from '../../src/cli/chart.js';

let tree: Tree;
const SEVEN = Array.from({ length: 7 }, (_, i) => `2026-11-2${i}_10-00-00`);
const LONG = '2026-11-30_10-00-00_a-very-long-experiment-name-for-the-learning-rate-sweep';
const ONE_POINT = '2026-12-01_10-00-00';
const NO_TOKENS = '2026-12-02_10-00-00';

/**
 * An mlx_lm-style log: val at 1 and every 50 iterations, train every 10. Run `band` sits in its own
 * y band (train at 10·band, val 5 above) so no curve covers another's marks.
 */
function log(iters: number, band: number, tokens = true): string {
  const lines = [`Iter 1: Val loss ${(10 * band + 6).toFixed(3)}, Val took 1.0s`];
  for (let it = 10; it <= iters; it += 10) {
    const tok = tokens ? `, Trained Tokens ${it * 300}` : '';
    lines.push(
      `Iter ${it}: Train loss ${(10 * band + 1 - it / iters).toFixed(3)}, Learning Rate 1.000e-05, It/sec 10.0, Tokens/sec 3000.0${tok}, Peak mem 1.4 GB`,
    );
    if (it % 50 === 0) lines.push(`Iter ${it}: Val loss ${(10 * band + 6 - it / iters).toFixed(3)}, Val took 1.0s`);
  }
  return `${lines.join('\n')}\n`;
}

const plot = (...argv: string[]) => runBundle([...tree.flags, 'plot', ...argv], { env: { NO_COLOR: '1' } });
/** The chart's grid rows (between the y label and the x axis), without the y tick labels. */
const gridOf = (stdout: string) => {
  const lines = stdout.split('\n');
  const axis = lines.findIndex((l) => l.includes('└'));
  return lines.slice(1, axis).map((l) => l.slice(l.indexOf('┤') + 1));
};
const legendOf = (stdout: string) => {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(lines.findIndex((l) => l.includes('└')) + 2);
};

beforeAll(async () => {
  tree = makeTree();
  SEVEN.forEach((id, band) => addRun(tree, id, { log: Buffer.from(log(100, band)) }));
  addRun(tree, LONG, { log: Buffer.from(log(1000, 0)) });
  addRun(tree, ONE_POINT, {
    log: Buffer.from(
      'Iter 5: Train loss 0.500, Learning Rate 1.000e-05, It/sec 10.0, Tokens/sec 3000.0, Trained Tokens 1500, Peak mem 1.4 GB\n',
    ),
  });
  addRun(tree, NO_TOKENS, { log: Buffer.from(log(100, 0, false)) });
  expect((await runBundle([...tree.flags, 'index'])).exitCode).toBe(0);
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('runs plot marks and legend', () => {
  it('7 runs without colour: 14 distinct marks, all drawn; train filled, val hollow; each id once per split', async () => {
    const r = await plot(...SEVEN, '--width', '70', '--height', '30');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    const legend = legendOf(r.stdout);
    const entries = legend.flatMap((l) => l.split('   '));
    expect(entries).toHaveLength(14);
    const marks = entries.map((e) => e.split(' ')[0]!);
    expect(new Set(marks).size).toBe(14);
    SEVEN.forEach((id, i) => {
      expect(entries).toContain(`${MARK_PAIRS[i]![0]} ${id} train`);
      expect(entries).toContain(`${MARK_PAIRS[i]![1]} ${id} val`);
    });
    // Every mark is on the chart (each run is in its own band, nothing hides it).
    const grid = gridOf(r.stdout).join('\n');
    for (const m of marks) expect(grid).toContain(m);
    expect(r.stderr).toBe('');
  });

  it('the legend wraps to --width between entries: no line longer, every id whole', async () => {
    for (const width of [40, 57, 80, 120]) {
      const r = await plot(...SEVEN, '--width', String(width), '--height', '8');
      expect(r.exitCode).toBe(0);
      const legend = legendOf(r.stdout);
      for (const line of legend) expect([...line].length).toBeLessThanOrEqual(width);
      for (const id of SEVEN) {
        expect(legend.some((l) => l.includes(`${id} train`))).toBe(true);
        expect(legend.some((l) => l.includes(`${id} val`))).toBe(true);
      }
    }
    // An entry longer than the width is shown whole on its own line, never cut.
    const r = await plot(LONG, SEVEN[0]!, '--width', '50', '--height', '8');
    const legend = legendOf(r.stdout);
    expect(legend).toContain(`● ${LONG} train`);
    expect(legend).toContain(`○ ${LONG} val`);
    for (const line of legend) if (!line.includes(LONG)) expect([...line].length).toBeLessThanOrEqual(50);
  });

  it('--help says what the marks mean', async () => {
    const r = await runBundle(['plot', '--help']);
    expect(r.stdout).toMatch(/filled for train and hollow for val/);
    expect(r.stdout).toMatch(/--split <split>/);
    expect(r.stdout).toMatch(/--x <axis>/);
  });
});

describe('runs plot --split and --x', () => {
  it('--split val draws only the val marks, --split train only the train ones', async () => {
    const val = await plot(SEVEN[0]!, SEVEN[1]!, '--split', 'val', '--width', '60', '--height', '12');
    expect(val.exitCode).toBe(0);
    const valGrid = gridOf(val.stdout).join('');
    expect(valGrid).toContain('○');
    expect(valGrid).toContain('◇');
    expect(valGrid).not.toMatch(/[●◆]/);
    expect(legendOf(val.stdout).join('   ')).toBe(`○ ${SEVEN[0]} val   ◇ ${SEVEN[1]} val`);
    const train = await plot(SEVEN[0]!, '--split', 'train', '--width', '60', '--height', '12');
    expect(gridOf(train.stdout).join('')).not.toContain('○');
    expect(gridOf(train.stdout).join('')).toContain('●');
    const json = JSON.parse((await plot(SEVEN[0]!, '--split', 'val', '--json')).stdout) as { split: string }[];
    expect(json.length).toBe(3);
    expect(new Set(json.map((p) => p.split))).toEqual(new Set(['val']));
    expect((await plot(SEVEN[0]!, '--split', 'test')).exitCode).toBe(2);
  });

  it('--x tokens: the axis is trained tokens (val at the tokens trained before it); --json has them', async () => {
    const r = await plot(SEVEN[0]!, '--x', 'tokens', '--width', '60', '--height', '8');
    expect(r.exitCode, r.stderr).toBe(0);
    const ticks = r.stdout.split('\n').find((l) => l.trimEnd().endsWith('tokens'))!;
    // Val at Iter 1 is before any training (0 tokens); the last train report at 100 has 30,000.
    expect(ticks.trim().split(/\s+/)).toEqual(['0', '30,000', 'tokens']);
    const rows = JSON.parse((await plot(SEVEN[0]!, '--x', 'tokens', '--json')).stdout) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(['run_id', 'split', 'iter', 'trained_tokens', 'loss']);
    expect(rows.find((p) => p.split === 'train' && p.iter === 50)!.trained_tokens).toBe(15000);
    expect(rows.find((p) => p.split === 'val' && p.iter === 50)!.trained_tokens).toBe(15000);
    const csv = (await plot(SEVEN[0]!, '--x', 'tokens', '--csv')).stdout.split('\n')[0];
    expect(csv).toBe('run_id,split,iter,trained_tokens,loss');
    // The iteration axis keeps its shape.
    const iter = JSON.parse((await plot(SEVEN[0]!, '--json')).stdout) as Record<string, unknown>[];
    expect(Object.keys(iter[0]!)).toEqual(['run_id', 'split', 'iter', 'loss']);
  });

  it('--x tokens on runs without tokens: exit 1 saying so; with one that has them, the others are left out', async () => {
    const r = await plot(NO_TOKENS, '--x', 'tokens');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`no trained tokens in ${NO_TOKENS}`);
    expect(r.stdout).toBe('');
    const mixed = JSON.parse((await plot(NO_TOKENS, SEVEN[0]!, '--x', 'tokens', '--json')).stdout) as {
      run_id: string;
    }[];
    expect(new Set(mixed.map((p) => p.run_id))).toEqual(new Set([SEVEN[0]]));
  });
});

describe('runs plot short runs', () => {
  it('a 1-point run alone is drawn in the middle, its value inside the y range, its iteration under it', async () => {
    const r = await plot(ONE_POINT, '--width', '60', '--height', '9');
    expect(r.exitCode).toBe(0);
    const grid = gridOf(r.stdout);
    const row = grid.findIndex((l) => l.includes('●'));
    // Not on the border rows, not on the y axis.
    expect(row).toBeGreaterThan(0);
    expect(row).toBeLessThan(grid.length - 1);
    const col = grid[row]!.indexOf('●');
    const plotWidth = r.stdout
      .split('\n')
      .find((l) => l.includes('└'))!
      .split('└')[1]!.length;
    expect(Math.abs(col - plotWidth / 2)).toBeLessThanOrEqual(1);
    const ticks = r.stdout.split('\n').find((l) => l.trimEnd().endsWith('iter'))!;
    expect(ticks.trim().split(/\s+/)).toEqual(['5', 'iter']);
    expect(ticks.indexOf('5')).toBe(r.stdout.split('\n')[row + 1]!.indexOf('●'));
  });

  it('a 1-point run and a 10-report run beside a 1000-iteration one stay visible over it', async () => {
    const r = await plot(LONG, ONE_POINT, SEVEN[0]!, '--split', 'train', '--width', '60', '--height', '10');
    expect(r.exitCode).toBe(0);
    const grid = gridOf(r.stdout).join('\n');
    // The long run is ●, the short ones ◆ and ■, drawn last (fewer points) where they meet it.
    expect(grid).toContain('●');
    expect(grid).toContain('◆');
    expect(grid).toContain('■');
    // The x axis starts where the data starts (Iter 5), not at 0.
    const ticks = r.stdout.split('\n').find((l) => l.trimEnd().endsWith('iter'))!;
    expect(ticks.trim().split(/\s+/)).toEqual(['5', '1000', 'iter']);
  });
});

describe('runs plot with more runs than marks', () => {
  it('says once on stderr that marks repeat; up to the pairs there are, every mark is distinct and nothing is said', async () => {
    const many = makeTree();
    try {
      const ids = Array.from(
        { length: MARK_PAIRS.length + 1 },
        (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}_10-00-00`,
      );
      for (const id of ids) addRun(many, id, { log: Buffer.from(log(20, 0)) });
      const run = (list: string[]) =>
        runBundle([...many.flags, 'plot', ...list, '--split', 'train', '--width', '200'], { env: { NO_COLOR: '1' } });
      const fits = await run(ids.slice(0, MARK_PAIRS.length));
      expect(fits.exitCode).toBe(0);
      expect(fits.stderr).not.toContain('warning');
      const marks = legendOf(fits.stdout).flatMap((l) => l.split('   ').map((e) => e.split(' ')[0]));
      expect(new Set(marks).size).toBe(MARK_PAIRS.length);
      const over = await run(ids);
      expect(over.exitCode).toBe(0);
      expect(over.stderr.match(/warning: .*share a mark/g)).toHaveLength(1);
    } finally {
      fs.rmSync(many.dir, { recursive: true, force: true });
    }
  });
});
