// `<run>/metrics.jsonl`: the reports the trainer handed to its callbacks (the `runs` reporter of
// python/runs_reporter, mlx-lm 0.32+), one JSON object per line. Exact values: full-precision
// losses, learning rate, it/s, peak memory and token counts that the 0.32+ console no longer prints.
// Pure: complete lines in, records out; the caller reads the file up to its last `\n` (a line the
// trainer was killed in the middle of is not read, and is not an error).
import type { MetricRecord } from '../core/records.js';

/** Where reading stopped (JSON-serialisable, saved in the index between passes). */
export interface JsonlState {
  /** Bytes of metrics.jsonl read, through the last `\n`. */
  offset: number;
  /** +1 each time the iteration counter goes back (a resumed run appended to the same folder). */
  segment: number;
  lastIter: number | null;
  /** Lines that were not a report (skipped). */
  badLines: number;
}

export function initialJsonlState(): JsonlState {
  return { offset: 0, segment: 0, lastIter: null, badLines: 0 };
}

/** Payload keys → metrics columns; every other finite number becomes an extra metric by its key. */
const TRAIN_KEYS: Record<string, keyof MetricRecord> = {
  train_loss: 'loss',
  learning_rate: 'learning_rate',
  iterations_per_second: 'it_per_sec',
  tokens_per_second: 'tokens_per_sec',
  trained_tokens: 'trained_tokens',
  peak_memory: 'peak_mem_gb',
};
const VAL_KEYS: Record<string, keyof MetricRecord> = { val_loss: 'loss', val_time: 'val_time_s' };
/** Bookkeeping keys of a line, not metrics. */
const SKIP = new Set(['type', 'iteration', 'time']);

/** Parses complete lines (`text` ends at a `\n` or is empty); returns the records and the new state. */
export function parseMetricsJsonl(
  text: string,
  bytes: number,
  state: JsonlState,
): { records: MetricRecord[]; state: JsonlState } {
  const next = { ...state, offset: state.offset + bytes };
  const records: MetricRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const obj = parseLine(line);
    const type = obj?.type;
    const iter = obj?.iteration;
    if (obj === null || (type !== 'train' && type !== 'val') || typeof iter !== 'number' || !Number.isInteger(iter)) {
      next.badLines++;
      continue;
    }
    if (next.lastIter !== null && iter < next.lastIter) next.segment++;
    next.lastIter = iter;
    const record: MetricRecord = {
      kind: 'metric',
      split: type,
      iter,
      loss: null,
      learning_rate: null,
      it_per_sec: null,
      tokens_per_sec: null,
      trained_tokens: null,
      peak_mem_gb: null,
      val_time_s: null,
      test_ppl: null,
      segment: next.segment,
    };
    const keys = type === 'train' ? TRAIN_KEYS : VAL_KEYS;
    for (const [key, raw] of Object.entries(obj)) {
      if (SKIP.has(key)) continue;
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      if (raw !== null && typeof raw !== 'number') continue; // text, lists: not a metric
      const column = keys[key];
      if (column !== undefined) (record[column] as number | null) = value;
      else (record.extra ??= {})[key] = value;
    }
    records.push(record);
  }
  return { records, state: next };
}

function parseLine(line: string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    // Python's json.dumps writes NaN / Infinity (not JSON) unless told otherwise: they mean null.
    try {
      v = JSON.parse(line.replace(/(?<![\w"])-?(?:NaN|Infinity)(?![\w"])/g, 'null'));
    } catch {
      return null;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
