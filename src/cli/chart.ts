// Line charts on a character grid (pure: series in, lines of text out). Used by `runs plot` and
// `runs show`. Each series has its own mark, so a chart reads the same without colour.

import { escapeControlChars } from '../core/terminal-text.js';
export interface Series {
  label: string;
  points: { x: number; y: number }[];
  /** Its mark (default: DEFAULT_MARKS by position). */
  mark?: string;
  /** Passed to `paint` (default: its position): series of one run share a colour. */
  colour?: number;
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Wrap a series' mark (e.g. in ANSI colour); identity when colour is off. */
  paint?: (text: string, colour: number) => string;
  yLabel?: string;
  xLabel?: string;
  /** x tick text (default: the rounded number). */
  formatX?: (x: number) => string;
}

export const DEFAULT_MARKS = ['●', '○', '◆', '◇', '■', '□', '▲', '△', '+', 'x'];

/**
 * One mark pair per run: the filled shape for train, the hollow one for val, so both splits of a
 * run and every run read apart without colour. After the shapes, letters (train A, val a).
 */
export const MARK_PAIRS: readonly (readonly [train: string, val: string])[] = [
  ['●', '○'],
  ['◆', '◇'],
  ['■', '□'],
  ['▲', '△'],
  ['▼', '▽'],
  ['★', '☆'],
  ['♥', '♡'],
  ['♠', '♤'],
  ['♣', '♧'],
  ...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ', (c) => [c, c.toLowerCase()] as const),
];

/**
 * The mark of each (run, split), runs numbered in order of first appearance. `repeated` when there
 * are more runs than pairs: marks then repeat and the caller must say so.
 */
export function assignMarks(series: readonly { runId: string; split: string }[]): {
  marks: string[];
  colours: number[];
  repeated: boolean;
} {
  const runs = [...new Set(series.map((s) => s.runId))];
  const colours = series.map((s) => runs.indexOf(s.runId));
  const marks = series.map((s, i) => MARK_PAIRS[colours[i]! % MARK_PAIRS.length]![s.split === 'val' ? 1 : 0]);
  return { marks, colours, repeated: runs.length > MARK_PAIRS.length };
}

function formatTick(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(1);
  if (abs >= 1000) return v.toFixed(0);
  return v.toFixed(3);
}

/**
 * The y range drawn: the data's, or for a flat line (one value) a band around it, so the line sits
 * in the middle of the chart and not on its border.
 */
export function yRange(ys: readonly number[]): [number, number] {
  const min = Math.min(...ys);
  const max = Math.max(...ys);
  if (min !== max) return [min, max];
  const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

/** Legend entries on lines of at most `width` columns, broken between entries, never inside one. */
export function wrapEntries(entries: readonly string[], width: number, gap = '   '): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const e of entries) {
    const w = [...stripAnsi(e)].length;
    if (line !== '' && lineWidth + gap.length + w > width) {
      lines.push(line);
      line = '';
      lineWidth = 0;
    }
    line = line === '' ? e : `${line}${gap}${e}`;
    lineWidth += (lineWidth === 0 ? 0 : gap.length) + w;
  }
  if (line !== '') lines.push(line);
  return lines;
}

// eslint-disable-next-line no-control-regex -- colour codes
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

export function renderChart(series: readonly Series[], opts: ChartOptions): string[] {
  const paint = opts.paint ?? ((t: string) => t);
  const formatX = opts.formatX ?? ((x: number) => String(Math.round(x)));
  const markOf = (s: Series, i: number) => s.mark ?? DEFAULT_MARKS[i % DEFAULT_MARKS.length]!;
  const colourOf = (s: Series, i: number) => s.colour ?? i;
  const finite = (p: { x: number; y: number }) => Number.isFinite(p.x) && Number.isFinite(p.y);
  const all = series.flatMap((s) => s.points).filter(finite);
  if (all.length === 0) return ['(no data to plot)'];
  const xs = all.map((p) => p.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const [minY, maxY] = yRange(all.map((p) => p.y));
  const labelWidth = Math.max(formatTick(maxY).length, formatTick(minY).length);
  const plotWidth = Math.max(10, opts.width - labelWidth - 2);
  const height = Math.max(4, opts.height);
  const grid: (number | null)[][] = Array.from({ length: height }, () => Array<number | null>(plotWidth).fill(null));
  // One x value (a single point, or runs that all report once): in the middle, not on the y axis.
  const column = (x: number) =>
    minX === maxX ? Math.floor((plotWidth - 1) / 2) : Math.round(((x - minX) / (maxX - minX)) * (plotWidth - 1));

  // Where two series meet, the one with fewer points wins: a short run drawn over a long one stays
  // visible (its few marks would otherwise vanish under the long run's line).
  const order = series.map((_, i) => i).sort((a, b) => series[b]!.points.length - series[a]!.points.length);
  for (const si of order) {
    for (const p of series[si]!.points) {
      if (!finite(p)) continue;
      const row = height - 1 - Math.round(((p.y - minY) / (maxY - minY)) * (height - 1));
      grid[row]![column(p.x)] = si;
    }
  }

  const lines: string[] = [];
  if (opts.yLabel) lines.push(opts.yLabel);
  for (let r = 0; r < height; r++) {
    const yValue = maxY - (r / (height - 1)) * (maxY - minY);
    const label = r === 0 || r === height - 1 || r === Math.floor(height / 2) ? formatTick(yValue) : '';
    const cells = grid[r]!.map((si) =>
      si === null ? ' ' : paint(markOf(series[si]!, si), colourOf(series[si]!, si)),
    ).join('');
    lines.push(`${label.padStart(labelWidth)} ┤${cells}`.replace(/\s+$/, ''));
  }
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(plotWidth)}`);
  const xLabel = opts.xLabel ? `  ${opts.xLabel}` : '';
  if (minX === maxX) {
    const tick = formatX(minX);
    const at = Math.max(0, column(minX) - Math.floor(tick.length / 2));
    lines.push(`${' '.repeat(labelWidth + 2 + at)}${tick}${xLabel}`);
  } else {
    const left = formatX(minX);
    const right = formatX(maxX);
    const gap = Math.max(1, plotWidth - left.length - right.length);
    lines.push(`${' '.repeat(labelWidth + 2)}${left}${' '.repeat(gap)}${right}${xLabel}`);
  }
  const entries = series.map((s, si) => `${paint(markOf(s, si), colourOf(s, si))} ${escapeControlChars(s.label)}`);
  lines.push(...wrapEntries(entries, opts.width));
  return lines;
}
