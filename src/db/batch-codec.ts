// RunWrite batches in a form that crosses to the writer thread cheaply: metric values in one
// transferable Float64Array (structured-cloning 50k small objects would cost more than writing
// them), everything else as plain objects.
import type { CheckpointRecord, Split } from '../core/records.js';
import type { RunWrite } from './index.js';

export const SPLITS: readonly Split[] = ['train', 'val', 'test'];
/** Per metric: segment, iter, split, loss, learning_rate, it_per_sec, tokens_per_sec, trained_tokens, peak_mem_gb, val_time_s, test_ppl. */
export const METRIC_WIDTH = 11;

export interface EncodedBatch {
  writes: (Omit<RunWrite, 'records'> & { metricCount: number; checkpoints: CheckpointRecord[] })[];
  /** NaN stands for null: the parser never yields a NaN value (nan/inf are stored as null). */
  metrics: Float64Array;
}

const enc = (v: number | null) => (v === null ? NaN : v);
export const orNull = (v: number) => (Number.isNaN(v) ? null : v);

export function encodeBatch(batch: readonly RunWrite[]): EncodedBatch {
  let total = 0;
  for (const w of batch) for (const r of w.records) if (r.kind === 'metric') total++;
  const metrics = new Float64Array(total * METRIC_WIDTH);
  let o = 0;
  const writes = batch.map(({ records, ...rest }) => {
    const checkpoints: CheckpointRecord[] = [];
    let metricCount = 0;
    for (const r of records) {
      if (r.kind === 'checkpoint') {
        checkpoints.push(r);
        continue;
      }
      metricCount++;
      metrics[o++] = r.segment;
      metrics[o++] = enc(r.iter);
      metrics[o++] = r.split === 'train' ? 0 : r.split === 'val' ? 1 : 2;
      metrics[o++] = enc(r.loss);
      metrics[o++] = enc(r.learning_rate);
      metrics[o++] = enc(r.it_per_sec);
      metrics[o++] = enc(r.tokens_per_sec);
      metrics[o++] = enc(r.trained_tokens);
      metrics[o++] = enc(r.peak_mem_gb);
      metrics[o++] = enc(r.val_time_s);
      metrics[o++] = enc(r.test_ppl);
    }
    return { ...rest, metricCount, checkpoints };
  });
  return { writes, metrics };
}
