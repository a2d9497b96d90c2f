// RunWrite batches in a form that crosses to the writer thread cheaply: metric values in one
// transferable Float64Array (structured-cloning 25k small objects would cost more than writing
// them), everything else as plain objects. Records are encoded as each run is added, so the
// parser's record objects die young (cheap to collect) instead of piling up until a batch is full.
import type { CheckpointRecord, Split } from '../core/records.js';
import type { RunWrite } from './local-index.js';

export const SPLITS: readonly Split[] = ['train', 'val', 'test'];
/** Per metric: segment, iter, split, loss, learning_rate, it_per_sec, tokens_per_sec, trained_tokens, peak_mem_gb, val_time_s, test_ppl. */
export const METRIC_WIDTH = 11;

export interface EncodedBatch {
  writes: (Omit<RunWrite, 'records'> & {
    metricCount: number;
    checkpoints: CheckpointRecord[];
    extras: EncodedExtra[];
  })[];
  /** NaN stands for null: the parser never yields a NaN value (nan/inf are stored as null). */
  metrics: Float64Array;
}

/** [index of its metric within the write, name, value]: a record's `extra` values (few runs have any). */
export type EncodedExtra = [number, string, number | null];

const enc = (v: number | null) => (v === null ? NaN : v);
export const orNull = (v: number) => (Number.isNaN(v) ? null : v);

export class BatchEncoder {
  private writes: EncodedBatch['writes'] = [];
  private metrics: Float64Array;
  private used = 0;

  constructor(private readonly expectedRecords: number) {
    this.metrics = new Float64Array(expectedRecords * METRIC_WIDTH);
  }

  /** Records (metrics + checkpoints) and runs held so far. */
  get size(): number {
    return this.used / METRIC_WIDTH + this.writes.length;
  }

  add({ records, ...rest }: RunWrite): void {
    const checkpoints: CheckpointRecord[] = [];
    const extras: EncodedExtra[] = [];
    let metricCount = 0;
    for (const r of records) if (r.kind === 'metric') metricCount++;
    this.reserve(metricCount * METRIC_WIDTH);
    const m = this.metrics;
    let o = this.used;
    for (const r of records) {
      if (r.kind === 'checkpoint') {
        checkpoints.push(r);
        continue;
      }
      m[o++] = r.segment;
      m[o++] = enc(r.iter);
      m[o++] = r.split === 'train' ? 0 : r.split === 'val' ? 1 : 2;
      m[o++] = enc(r.loss);
      m[o++] = enc(r.learning_rate);
      m[o++] = enc(r.it_per_sec);
      m[o++] = enc(r.tokens_per_sec);
      m[o++] = enc(r.trained_tokens);
      m[o++] = enc(r.peak_mem_gb);
      m[o++] = enc(r.val_time_s);
      m[o++] = enc(r.test_ppl);
      if (r.extra !== undefined) {
        const at = (o - this.used) / METRIC_WIDTH - 1;
        for (const name in r.extra) extras.push([at, name, r.extra[name] ?? null]);
      }
    }
    this.used = o;
    this.writes.push({ ...rest, metricCount, checkpoints, extras });
  }

  /** The batch so far; the encoder starts empty again. */
  take(): EncodedBatch {
    const batch = { writes: this.writes, metrics: this.metrics.subarray(0, this.used).slice() };
    this.writes = [];
    this.used = 0;
    return batch;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.metrics.length) return;
    const bigger = new Float64Array(
      Math.max(this.metrics.length * 2, this.used + n, this.expectedRecords * METRIC_WIDTH),
    );
    bigger.set(this.metrics.subarray(0, this.used));
    this.metrics = bigger;
  }
}
