// Line charts on a character grid (pure: series in, lines of text out). Used by `runs plot` and
// `runs show`. Each series gets its own mark; where two meet, the later one wins.

import { escapeControlChars } from '../core/terminal-text.js';
export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Marks per series, in order. */
  marks?: string[];
  /** Wrap each series' mark (e.g. in ANSI colour); identity when colour is off. */
  paint?: (text: string, seriesIndex: number) => string;
  yLabel?: string;
  xLabel?: string;
}

export const DEFAULT_MARKS = ['●', '○', '◆', '◇', '■', '□', '▲', '△', '+', 'x'];

function formatTick(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(1);
  if (abs >= 1000) return v.toFixed(0);
  return v.toFixed(3);
}

export function renderChart(series: readonly Series[], opts: ChartOptions): string[] {
  const marks = opts.marks ?? DEFAULT_MARKS;
  const paint = opts.paint ?? ((t: string) => t);
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (all.length === 0) return ['(no data to plot)'];
  const minX = Math.min(...all.map((p) => p.x));
  let maxX = Math.max(...all.map((p) => p.x));
  let minY = Math.min(...all.map((p) => p.y));
  let maxY = Math.max(...all.map((p) => p.y));
  if (minX === maxX) maxX = minX + 1;
  if (minY === maxY) {
    minY -= 0.5;
    maxY += 0.5;
  }
  const labelWidth = Math.max(formatTick(maxY).length, formatTick(minY).length);
  const plotWidth = Math.max(10, opts.width - labelWidth - 2);
  const height = Math.max(4, opts.height);
  const grid: (number | null)[][] = Array.from({ length: height }, () => Array<number | null>(plotWidth).fill(null));

  series.forEach((s, si) => {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      const col = Math.round(((p.x - minX) / (maxX - minX)) * (plotWidth - 1));
      const row = height - 1 - Math.round(((p.y - minY) / (maxY - minY)) * (height - 1));
      grid[row]![col] = si;
    }
  });

  const lines: string[] = [];
  if (opts.yLabel) lines.push(opts.yLabel);
  for (let r = 0; r < height; r++) {
    const yValue = maxY - (r / (height - 1)) * (maxY - minY);
    const label = r === 0 || r === height - 1 || r === Math.floor(height / 2) ? formatTick(yValue) : '';
    const cells = grid[r]!.map((si) => (si === null ? ' ' : paint(marks[si % marks.length]!, si))).join('');
    lines.push(`${label.padStart(labelWidth)} ┤${cells}`.replace(/\s+$/, ''));
  }
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(plotWidth)}`);
  const left = String(Math.round(minX));
  const right = String(Math.round(maxX));
  const gap = Math.max(1, plotWidth - left.length - right.length);
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${' '.repeat(gap)}${right}${opts.xLabel ? `  ${opts.xLabel}` : ''}`);
  lines.push(
    series.map((s, si) => `${paint(marks[si % marks.length]!, si)} ${escapeControlChars(s.label)}`).join('   '),
  );
  return lines;
}
