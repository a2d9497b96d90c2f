// Folds log records into the per-run summary columns (definitions in ./summary.ts and the
// fixtures README rules 6-11). Incremental so `runs train` can fold each batch of records as the
// log grows: folding records in several batches gives exactly what one batch gives.
import type { LogRecord } from './records.js';
import type { RunSummary, SummaryState } from './summary.js';

export function emptySummaryState(): SummaryState {
  return {
    summary: {
      train_reports: 0,
      val_reports: 0,
      last_iter: null,
      best_val_loss: null,
      best_val_iter: null,
      final_val_loss: null,
      final_train_loss: null,
      test_loss: null,
      test_ppl: null,
      checkpoints: 0,
      peak_mem_gb: null,
      tokens_per_sec: null,
      trained_tokens: null,
    },
    tokensPerSecSum: 0,
    tokensPerSecCount: 0,
    trainedTokensDone: 0,
    currentSegment: 0,
    currentSegmentTokens: null,
  };
}

/** Pure: returns a new state; the argument is not modified (its summary is copied once per call). */
export function foldSummary(state: SummaryState, records: readonly LogRecord[]): SummaryState {
  const s: RunSummary = { ...state.summary };
  let tpsSum = state.tokensPerSecSum;
  let tpsCount = state.tokensPerSecCount;
  let done = state.trainedTokensDone;
  let segment = state.currentSegment;
  let segmentTokens = state.currentSegmentTokens;

  for (const r of records) {
    if (r.kind === 'checkpoint') {
      s.checkpoints++;
      continue;
    }
    if (r.split === 'test') {
      // The last test line wins (README rule 10).
      s.test_loss = r.loss;
      s.test_ppl = r.test_ppl;
      continue;
    }
    if (r.iter !== null && (s.last_iter === null || r.iter > s.last_iter)) s.last_iter = r.iter;
    if (r.peak_mem_gb !== null && (s.peak_mem_gb === null || r.peak_mem_gb > s.peak_mem_gb)) {
      s.peak_mem_gb = r.peak_mem_gb;
    }
    if (r.split === 'val') {
      s.val_reports++;
      // File order, not iteration order: the last record printed is the final one.
      s.final_val_loss = r.loss;
      // Strictly lower: on ties the first record in file order keeps "best".
      if (r.loss !== null && (s.best_val_loss === null || r.loss < s.best_val_loss)) {
        s.best_val_loss = r.loss;
        s.best_val_iter = r.iter;
      }
      continue;
    }
    s.train_reports++;
    s.final_train_loss = r.loss;
    if (r.tokens_per_sec !== null) {
      tpsSum += r.tokens_per_sec;
      tpsCount++;
    }
    if (r.segment !== segment) {
      // Trained Tokens restarts in a resumed run: bank the finished segment's last count.
      done += segmentTokens ?? 0;
      segment = r.segment;
      segmentTokens = null;
    }
    if (r.trained_tokens !== null) {
      segmentTokens = r.trained_tokens;
      s.trained_tokens = done + segmentTokens;
    }
  }
  s.tokens_per_sec = tpsCount > 0 ? tpsSum / tpsCount : null;

  return {
    summary: s,
    tokensPerSecSum: tpsSum,
    tokensPerSecCount: tpsCount,
    trainedTokensDone: done,
    currentSegment: segment,
    currentSegmentTokens: segmentTokens,
  };
}
