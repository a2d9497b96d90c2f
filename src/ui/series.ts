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

/**
 * Training time as the log tells it: a train report's window lasted `steps / It/sec` seconds
 * (mlx-lm computes It/sec as steps_per_report / train_time, also on a shorter last window, so
 * the steps are the regular window's), a val report adds its `Val took` seconds. Model loading
 * and anything the log does not time are not in it; a report without It/sec stops the clock.
 */
export interface TrainingClock {
  /** Seconds so far; null once a train report had no It/sec (the time is unknown from there). */
  seconds: number | null;
  segment: number;
  /** Iteration of the last train report in this segment (0 before the first). */
  lastTrainIter: number;
  /** Steps of the regular report window (the largest gap between train reports so far). */
  window: number;
}

export function newClock(): TrainingClock {
  return { seconds: 0, segment: 0, lastTrainIter: 0, window: 0 };
}

/** Advances the clock past one metrics row; returns its time (seconds), or null when unknown. */
export function tickClock(
  c: TrainingClock,
  segment: number,
  iter: number | null,
  split: string,
  itPerSec: number | null,
  valTimeS: number | null,
): number | null {
  if (segment !== c.segment) {
    c.segment = segment;
    c.lastTrainIter = 0;
    c.window = 0;
  }
  if (split === 'train' && iter !== null) {
    const gap = iter - c.lastTrainIter;
    c.lastTrainIter = iter;
    if (gap > c.window) c.window = gap;
    if (c.seconds !== null) {
      c.seconds =
        itPerSec !== null && itPerSec > 0 && Number.isFinite(itPerSec) ? c.seconds + c.window / itPerSec : null;
    }
  } else if (split === 'val' && c.seconds !== null && valTimeS !== null && Number.isFinite(valTimeS)) {
    c.seconds += valTimeS;
  }
  return c.seconds;
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
  /** Training time up to lastSeq (advanced by every metrics row, whatever the chart's metric). */
  clock: TrainingClock;
  /** Tokens trained before this run started (a resumed run's parents): added to its own. */
  tokenShift: number;
}

export interface SplitSeries {
  /** Iteration, with resumed segments laid after each other. */
  x: number[];
  /** Trained tokens at that point (null when the trainer did not say). */
  tok: (number | null)[];
  /** Training time at that point, in seconds (null when the log does not say). */
  t: (number | null)[];
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

/** Where a run's own rows start on the chart's axes: after the parts of the runs it resumed. */
export interface ChartStart {
  iter: number;
  tokens: number;
  /** Training time of the parents' part; null when unknown (so is the run's own then). */
  seconds: number | null;
}

export const NO_LEAD_IN: ChartStart = { iter: 0, tokens: 0, seconds: 0 };

export function newAxisState(start: ChartStart = NO_LEAD_IN): AxisState {
  return {
    segment: 0,
    offsets: [start.iter],
    segmentMaxIter: 0,
    tokens: null,
    lastSeq: -1,
    clock: { ...newClock(), seconds: start.seconds },
    tokenShift: start.tokens,
  };
}

export function emptyChart(id: string, metric: string, start: ChartStart = NO_LEAD_IN): RunChart {
  return { id, metric, splits: {}, checkpoints: [], axis: newAxisState(start) };
}

/**
 * One metric row as a tuple: [seq, segment, iter, split, trained_tokens, value, training time].
 * The time is the clock's (tickClock) at that row: the server computes it from every row of the run.
 */
export type ChartTuple = [number, number, number | null, string, number | null, number | null, number | null];

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/**
 * Appends `metrics` rows (every row after chart.axis.lastSeq, in seq order: they also drive the
 * clock) to a chart of one of their columns; returns how many points were added.
 */
export function appendRows(chart: RunChart, rows: readonly ChartRow[]): number {
  const m = chart.metric;
  const a = chart.axis;
  const tuples: ChartTuple[] = [];
  for (const r of rows) {
    if (r.seq <= a.lastSeq) continue;
    const t = tickClock(a.clock, r.segment, r.iter, r.split, numberOrNull(r.it_per_sec), numberOrNull(r.val_time_s));
    tuples.push([r.seq, r.segment, r.iter, r.split, r.trained_tokens, numberOrNull(r[m]), t]);
  }
  return appendTuples(chart, tuples);
}

/** appendRows for tuples that carry their time (what the server reads: no object per row). */
export function appendTuples(chart: RunChart, rows: readonly ChartTuple[]): number {
  const a = chart.axis;
  let added = 0;
  for (const [seq, segment, iter, split, tokens, v, t] of rows) {
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
    const s = (chart.splits[split] ??= { x: [], tok: [], t: [], y: [] });
    s.x.push((a.offsets[segment] ?? 0) + iter);
    s.tok.push(a.tokens === null ? null : a.tokens + a.tokenShift);
    s.t.push(t ?? null);
    s.y.push(v);
    added++;
  }
  return added;
}

/**
 * The training time of every row of a run, from its it_per_sec and val_time_s columns (two
 * column reads of the same rows, in seq order); leaves `clock` where the last row left it.
 */
export function trainingTimes(
  itPerSec: readonly MetricTupleLike[],
  valTime: readonly MetricTupleLike[],
  clock: TrainingClock = newClock(),
): Map<number, number | null> {
  const times = new Map<number, number | null>();
  for (let i = 0; i < itPerSec.length; i++) {
    const [seq, segment, iter, split, , ips] = itPerSec[i]!;
    const vt = valTime[i]?.[0] === seq ? valTime[i]![5] : null;
    times.set(seq, tickClock(clock, segment, iter, split, ips, vt));
  }
  return times;
}

/** [seq, segment, iter, split, trained_tokens, value]: a column as the index reads it. */
export type MetricTupleLike = readonly [number, number, number | null, string, number | null, number | null];

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
