// runs plot RUN...: metric curves per run, ready for the chart renderer.
import type { Context } from './context.js';
import { UsageError } from '../core/errors.js';
import type { MetricRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { lineageOf } from '../storage/lineage.js';
import { continuedAxes, joinAxisCurves, tokensAt, type AxisPoint } from '../core/curves.js';
import { RunsError } from '../core/errors.js';

export const PLOT_METRICS = [
  'loss',
  'learning_rate',
  'tokens_per_sec',
  'it_per_sec',
  'peak_mem_gb',
  'trained_tokens',
] as const;
export type PlotMetric = (typeof PLOT_METRICS)[number];

export type PlotSplit = 'train' | 'val';
export type PlotAxis = 'iter' | 'tokens';

export interface PlotSeries {
  runId: string;
  split: PlotSplit;
  /** x: the iteration or the trained tokens (PlotData.x); iter: the iteration either way. */
  points: { x: number; y: number; iter: number }[];
}

export interface PlotData {
  /** A metrics column, or the name of an extra metric (`metric_values.name`, e.g. `margin`). */
  metric: string;
  /** What the x axis is. */
  x: PlotAxis;
  series: PlotSeries[];
  width?: number;
  height?: number;
}

export async function plotRuns(
  ctx: Context,
  refs: string[],
  opts: { metric?: string; width?: number; height?: number; split?: PlotSplit; x?: PlotAxis },
): Promise<PlotData> {
  const metric = opts.metric ?? 'loss';
  const axis = opts.x ?? 'iter';
  const wanted = (split: PlotSplit) => opts.split === undefined || opts.split === split;
  await refresh(ctx);
  const reader = await ctx.reader();
  // Extra metrics (metric_values) live in the local index only; the team database has the columns
  // (its reader names none).
  const extraNames = await reader.metricNames();
  const column = (PLOT_METRICS as readonly string[]).includes(metric) ? (metric as PlotMetric) : null;
  if (column === null && !extraNames.includes(metric)) {
    const extra = extraNames;
    throw new UsageError(
      `--metric must be one of ${PLOT_METRICS.join(', ')}${extra.length ? `, or an extra metric in the index: ${extra.join(', ')}` : ''} (got "${metric}")`,
    );
  }
  const series: PlotSeries[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const run = await resolveRun(ctx, ref);
    if (seen.has(run.id)) continue;
    seen.add(run.id);
    const rows = await reader.metricsOf(run.id);
    if (column !== null) {
      // A resumed run is drawn as one curve with the runs it continues (run.json parent + iter_offset).
      const parts = await lineageOf(reader, run);
      for (const split of column === 'loss' ? (['train', 'val'] as const) : (['train'] as const)) {
        if (!wanted(split)) continue;
        const joined = joinAxisCurves(
          parts.map((p) => ({
            points: curvePoints(p.metrics, split, column),
            shift: p.shift,
            upTo: p.upTo,
            tokensAtUpTo: tokensAt(p.metrics, p.upTo),
          })),
        );
        series.push({ runId: run.id, split, points: onAxis(joined, axis) });
      }
      continue;
    }
    // An extra metric: values keyed by the seq of their metrics row; train and val when both have it.
    const bySeq = new Map<number, number | null>();
    const splits = new Set<string>();
    for (const v of await reader.metricValuesOf(run.id, metric)) {
      bySeq.set(v.seq, v.value);
      splits.add(v.split);
    }
    for (const split of ['train', 'val'] as const) {
      if ((splits.has(split) || splits.size === 0) && wanted(split))
        series.push({
          runId: run.id,
          split,
          points: onAxis(
            curvePoints(rows, split, (r) => bySeq.get(r.seq) ?? null),
            axis,
          ),
        });
    }
  }
  // No point on the tokens axis: say why when it is that no run has tokens at all (an old
  // trainer), rather than the generic "nothing to plot".
  if (axis === 'tokens' && series.every((s) => s.points.length === 0) && !(await anyTokens(reader, [...seen])))
    throw new RunsError(
      `--x tokens: no trained tokens in ${[...seen].join(', ')} (its log has no "Trained Tokens"); use --x iter`,
    );
  return { metric, x: axis, series, width: opts.width, height: opts.height };
}

async function anyTokens(reader: { metricsOf(id: string): Promise<MetricRow[]> }, ids: string[]): Promise<boolean> {
  for (const id of ids) if ((await reader.metricsOf(id)).some((r) => r.trained_tokens !== null)) return true;
  return false;
}

/** The points on the chosen x axis; for tokens, the points with a tokens value. */
function onAxis(points: readonly AxisPoint[], axis: PlotAxis): PlotSeries['points'] {
  const out: PlotSeries['points'] = [];
  for (const p of points) {
    const x = axis === 'iter' ? p.iter : p.tokens;
    if (x !== null) out.push({ x, y: p.y, iter: p.iter });
  }
  return out;
}

/**
 * Points of one split on continued axes (a resumed segment restarts its counters; it is laid after
 * the previous one so the curve reads left to right in training order).
 */
export function curvePoints(
  rows: readonly MetricRow[],
  split: 'train' | 'val',
  metric: PlotMetric | ((row: MetricRow) => number | null),
): AxisPoint[] {
  const points: AxisPoint[] = [];
  for (const { row: r, iter, tokens } of continuedAxes(rows)) {
    if (r.split !== split) continue;
    const y = typeof metric === 'function' ? metric(r) : r[metric];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    points.push({ iter, tokens, y });
  }
  return points;
}

/** curvePoints on the iteration axis (what `runs show` draws). */
export function curve(
  rows: readonly MetricRow[],
  split: 'train' | 'val',
  metric: PlotMetric | ((row: MetricRow) => number | null),
): { x: number; y: number }[] {
  return curvePoints(rows, split, metric).map((p) => ({ x: p.iter, y: p.y }));
}
