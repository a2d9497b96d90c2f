// The rows a reader returns, whatever the database: the local SQLite index and the team PostgreSQL
// database both answer with these (the web view, commands and `--json` output are built on them).
// Column names and meanings are PRODUCT.md's "The index"; db/schema.ts checks at compile time
// that its SQLite tables select exactly these shapes, so a column cannot drift in one place only.
// Object types, not interfaces: rows are also read as plain records (Record<string, unknown>).

/** One run (`runs` table): what run.json, the log and the config files said when last indexed. */
export type RunRow = {
  id: string;
  uid: string | null;
  host: string | null;
  path: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  exit_code: number | null;
  signal: string | null;
  pid: number | null;
  model: string | null;
  data_dir: string | null;
  fine_tune_type: string | null;
  num_layers: number | null;
  lora_rank: number | null;
  lora_alpha: number | null;
  lora_dropout: number | null;
  iters: number | null;
  batch_size: number | null;
  learning_rate: number | null;
  seed: number | null;
  max_seq_length: number | null;
  git_sha: string | null;
  git_dirty: boolean | null;
  /** JSON array of strings. */
  tags: string;
  note: string | null;
  command: string | null;
  config_json: string | null;
  trainer: string | null;
  cwd: string | null;
  last_iter: number | null;
  best_val_loss: number | null;
  best_val_iter: number | null;
  final_val_loss: number | null;
  final_train_loss: number | null;
  test_loss: number | null;
  test_ppl: number | null;
  checkpoints: number;
  peak_mem_gb: number | null;
  tokens_per_sec: number | null;
  trained_tokens: number | null;
  train_reports: number;
  val_reports: number;
  log_format: string | null;
  outcome_hint: string | null;
  trainable_params_m: number | null;
  total_params_m: number | null;
  resumed_from: string | null;
  /** The run this one was re-run or resumed from (same root; under --team a host:id of the same host). */
  parent: string | null;
  /** Resumed runs: steps already trained in the parent's checkpoint it started from. */
  iter_offset: number | null;
  /** JSON array of strings, or null. */
  warnings: string | null;
  source: string;
  indexed_at: string;
};

export type MetricSplit = 'train' | 'val' | 'test';

/** One train/val/test report of a run (`metrics` table), in the order the trainer printed them. */
export type MetricRow = {
  run_id: string;
  seq: number;
  segment: number;
  iter: number | null;
  split: MetricSplit;
  loss: number | null;
  learning_rate: number | null;
  it_per_sec: number | null;
  tokens_per_sec: number | null;
  trained_tokens: number | null;
  peak_mem_gb: number | null;
  val_time_s: number | null;
  test_ppl: number | null;
};

/** One flattened config / adapter_config key of a run (`params`). */
export type ParamRow = {
  run_id: string;
  key: string;
  /** As stored: a number when it looks like one (NUMERIC affinity), else text. */
  value: string | number | null;
};

/** One saved adapter checkpoint of a run (`checkpoints`). */
export type CheckpointRow = {
  run_id: string;
  seq: number;
  segment: number;
  iter: number;
  file: string | null;
};

/** One extra metric of a report (`metric_values`: rewards, accuracy, margin, …). */
export type MetricValueRow = {
  run_id: string;
  seq: number;
  segment: number;
  iter: number | null;
  split: MetricSplit;
  name: string;
  value: number | null;
};
