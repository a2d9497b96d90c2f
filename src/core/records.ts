// What the log parser produces and the index stores. Plain values, shared by parse/, db/ and commands/.

export type Split = 'train' | 'val' | 'test';

/** One reported value: a train report, a validation result or a test result. */
export interface MetricRecord {
  kind: 'metric';
  split: Split;
  /** Printed iteration; null for test results (they have none). */
  iter: number | null;
  /** null when printed as nan/inf (never wins "best"). */
  loss: number | null;
  learning_rate: number | null;
  it_per_sec: number | null;
  tokens_per_sec: number | null;
  /** Cumulative tokens of this segment (restarts at 0 in a resumed run). Rich UI: known to 100. */
  trained_tokens: number | null;
  peak_mem_gb: number | null;
  val_time_s: number | null;
  /** Test perplexity; null for train/val records. */
  test_ppl: number | null;
  /**
   * 0 for the first training run in the log, +1 each time the iteration counter restarts
   * (a resumed run appended to the same log). Keeps resumed runs apart in `metrics`.
   */
  segment: number;
  /**
   * Other named values of the report (rewards, accuracy, margin, KL, grad norm, perplexity, …),
   * by `metric_values.name`; absent when the line has none (every upstream mlx_lm line).
   */
  extra?: Record<string, number | null>;
}

/** A periodic checkpoint save (`Iter N: Saved adapter weights to …`, rich UI `save NNNNNNN_…`). */
export interface CheckpointRecord {
  kind: 'checkpoint';
  iter: number;
  /** The checkpoint file as printed (last path of the two-path form); null when cut off. */
  file: string | null;
  segment: number;
}

export type LogRecord = MetricRecord | CheckpointRecord;

/** Eras of trainer output (names as in tests/fixtures/mlx-logs/EXPECTED.json). */
export const LOG_FORMATS = [
  'lora.py-2023',
  'lora.py-2024+',
  'mlx_lm-0.0.x',
  'mlx_lm-0.3-0.5',
  'mlx_lm-0.6-0.18',
  'mlx_lm-0.19+',
  'mlx_lm-rich-ui',
  'fork-orpo',
  'fork-grpo',
  'fork-instructlab',
  // Other trainers (§3.7): one name per family (their eras are not told apart yet).
  'mlx-lm-lora',
  'mlx-vlm',
  'unsloth-mlx',
] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What the text alone suggests about how the run ended (never decides status for a recorded run). */
export type OutcomeHint = 'interrupted' | 'crashed' | 'completed' | 'truncated' | 'unknown';

/** Header facts read from the log text. Every field is optional: excerpts and old eras lack them. */
export interface LogFacts {
  log_format: LogFormat | null;
  outcome_hint: OutcomeHint;
  /** `Starting training..., iters: N` (the last one seen). */
  start_iters: number | null;
  /** Millions, from `Trainable parameters: P% (aM/bM)` or lora.py's `Trainable parameters aM`. */
  trainable_params_m: number | null;
  total_params_m: number | null;
  /** `Loading fine-tuned weights from F` / `Loading pretrained adapters from F`. */
  resumed_from: string | null;
  /** `Node r of w` */
  world_size: number | null;
}
