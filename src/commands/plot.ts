// runs plot RUN...: metric curves per run, ready for the chart renderer.
import type { Context } from './context.js';
import { UsageError } from '../core/errors.js';
import type { MetricRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { lineageOf } from '../storage/lineage.js';
import { joinCurves } from '../core/curves.js';

export const PLOT_METRICS = [
  'loss',
  'learning_rate',
  'tokens_per_sec',
  'it_per_sec',
  'peak_mem_gb',
  'trained_tokens',
] as const;
export type PlotMetric = (typeof PLOT_METRICS)[number];

export interface PlotSeries {
  runId: string;
  split: 'train' | 'val';
  points: { x: number; y: number }[];
}

export interface PlotData {
  /** A metrics column, or the name of an extra metric (`metric_values.name`, e.g. `margin`). */
  metric: string;
  series: PlotSeries[];
  width?: number;
  height?: number;
}

export async function plotRuns(
  ctx: Context,
  refs: string[],
  opts: { metric?: string; width?: number; height?: number },
): Promise<PlotData> {
  const metric = opts.metric ?? 'loss';
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
      // (The team database has no parent links: there a run is its own curve.)
      const parts = ctx.team()
        ? [{ metrics: rows, shift: 0, upTo: null }]
        : await lineageOf(ctx.locations().root, reader, run);
      for (const split of column === 'loss' ? (['train', 'val'] as const) : (['train'] as const)) {
        series.push({
          runId: run.id,
          split,
          points: joinCurves(
            parts.map((p) => ({ points: curve(p.metrics, split, column), shift: p.shift, upTo: p.upTo })),
          ),
        });
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
      if (splits.has(split) || splits.size === 0)
        series.push({ runId: run.id, split, points: curve(rows, split, (r) => bySeq.get(r.seq) ?? null) });
    }
  }
  return { metric, series, width: opts.width, height: opts.height };
}

/**
 * Points of one split. A resumed run restarts its iteration counter; later segments are shifted
 * to continue after the previous one so the curve reads left to right in training order.
 */
export function curve(
  rows: readonly MetricRow[],
  split: 'train' | 'val',
  metric: PlotMetric | ((row: MetricRow) => number | null),
): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  let segment = 0;
  let shift = 0;
  let segmentMax = 0;
  for (const r of rows) {
    if (r.iter === null) continue;
    if (r.segment !== segment) {
      shift += segmentMax;
      segment = r.segment;
      segmentMax = 0;
    }
    segmentMax = Math.max(segmentMax, r.iter);
    if (r.split !== split) continue;
    const y = typeof metric === 'function' ? metric(r) : r[metric];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    points.push({ x: r.iter + shift, y });
  }
  return points;
}
