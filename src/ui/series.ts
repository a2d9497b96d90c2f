// Metric rows → chart series, shared by the server (first load, downsampled) and the page (rows
// that arrive live are appended with the same rules, so a live chart equals a reloaded one).
// Pure: no DOM, no Node.

/** Metric columns a chart can show (what `metrics` rows carry besides loss). */
export const CHART_METRICS = [
  'loss',
  'learning_rate',
  'tokens_per_sec',
  'it_per_sec',
  'peak_mem_gb',
  'trained_tokens',
  'val_time_s',
  'test_ppl',
] as const;
export type ChartMetric = (typeof CHART_METRICS)[number];

/** The parts of a `metrics` row the chart needs (JSON API field names). */
export interface ChartRow {
  seq: number;
  segment: number;
  iter: number | null;
  split: string;
  trained_tokens: number | null;
  [metric: string]: number | string | null;
}

/** Where each resumed segment starts on the x axis: segment N continues after segment N-1. */
export interface AxisState {
  segment: number;
  /** x offset of each segment seen so far (index = segment). */
  offsets: number[];
  segmentMaxIter: number;
  /** Last trained_tokens seen (val rows carry none: they take the train row's before them). */
  tokens: number | null;
  lastSeq: number;
}

export interface SplitSeries {
  /** Iteration, with resumed segments laid after each other. */
  x: number[];
  /** Trained tokens at that point (null when the trainer did not say). */
  tok: (number | null)[];
  y: number[];
}

export interface RunChart {
  id: string;
  metric: string;
  splits: Record<string, SplitSeries>;
  /** x of each periodic checkpoint. */
  checkpoints: number[];
  axis: AxisState;
}

export function newAxisState(): AxisState {
  return { segment: 0, offsets: [0], segmentMaxIter: 0, tokens: null, lastSeq: -1 };
}

export function emptyChart(id: string, metric: string): RunChart {
  return { id, metric, splits: {}, checkpoints: [], axis: newAxisState() };
}

/** One metric row as a tuple: [seq, segment, iter, split, trained_tokens, value]. */
export type ChartTuple = [number, number, number | null, string, number | null, number | null];

/** Appends rows (in seq order, after chart.axis.lastSeq) to the chart; returns how many points were added. */
export function appendRows(chart: RunChart, rows: readonly ChartRow[]): number {
  const m = chart.metric;
  return appendTuples(
    chart,
    rows.map((r) => [
      r.seq,
      r.segment,
      r.iter,
      r.split,
      r.trained_tokens,
      typeof r[m] === 'number' ? (r[m] as number) : null,
    ]),
  );
}

/** appendRows for tuples (what the server reads: no object per row). */
export function appendTuples(chart: RunChart, rows: readonly ChartTuple[]): number {
  const a = chart.axis;
  let added = 0;
  for (const [seq, segment, iter, split, tokens, v] of rows) {
    if (seq <= a.lastSeq) continue;
    a.lastSeq = seq;
    if (segment > a.segment) {
      for (let s = a.segment + 1; s <= segment; s++) a.offsets[s] = (a.offsets[s - 1] ?? 0) + a.segmentMaxIter;
      a.segment = segment;
      a.segmentMaxIter = 0;
    }
    if (tokens !== null && tokens !== undefined) a.tokens = tokens;
    if (iter === null) continue; // a test result: no place on an iteration axis
    if (iter > a.segmentMaxIter) a.segmentMaxIter = iter;
    if (v === null || !Number.isFinite(v)) continue;
    const s = (chart.splits[split] ??= { x: [], tok: [], y: [] });
    s.x.push((a.offsets[segment] ?? 0) + iter);
    s.tok.push(a.tokens);
    s.y.push(v);
    added++;
  }
  return added;
}

/** x of a checkpoint (segment, iter), on the same axis as the chart's points. */
export function checkpointX(axis: AxisState, segment: number, iter: number): number {
  return (axis.offsets[segment] ?? axis.offsets[axis.offsets.length - 1] ?? 0) + iter;
}

/** Lowest val point of a loss chart (the best val loss, marked on the chart). */
export function bestPoint(chart: RunChart): { x: number; y: number } | null {
  const val = chart.splits.val;
  if (!val || val.y.length === 0) return null;
  let best = 0;
  for (let i = 1; i < val.y.length; i++) if (val.y[i]! < val.y[best]!) best = i;
  return { x: val.x[best]!, y: val.y[best]! };
}
