// The per-run summary columns of `runs` (PRODUCT.md "SQL surface"), folded from log records.
// Definitions: best = lowest finite value (first in file order on ties); final = last record in
// file order; NaN/inf are null and never win "best".

export interface RunSummary {
  train_reports: number;
  val_reports: number;
  /** Highest iteration over train and val records (all segments); null if none. */
  last_iter: number | null;
  best_val_loss: number | null;
  best_val_iter: number | null;
  final_val_loss: number | null;
  final_train_loss: number | null;
  test_loss: number | null;
  test_ppl: number | null;
  checkpoints: number;
  /** Highest peak memory reported. */
  peak_mem_gb: number | null;
  /** Mean of the reported train tokens/sec values. */
  tokens_per_sec: number | null;
  /** Tokens trained over all segments: sum of each segment's last cumulative count. */
  trained_tokens: number | null;
}

/** Fold state: the summary plus what is needed to keep folding (JSON-serialisable). */
export interface SummaryState {
  summary: RunSummary;
  tokensPerSecSum: number;
  tokensPerSecCount: number;
  /** trained_tokens of the segments before `currentSegment`. */
  trainedTokensDone: number;
  currentSegment: number;
  currentSegmentTokens: number | null;
}
