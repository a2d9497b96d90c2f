// The SQLite tables' column names in table order, as plain data. The local index's reads and
// writes name their columns from these lists rather than from the drizzle schema, so a command
// that reads the index never loads drizzle, whose query builder and the schema built with it are
// ~120 KB of code to compile and run at start-up: `runs list --sort val_loss --limit 20 --json`
// at 10k runs took 0.125 s without them against 0.132 s with (21 alternating pairs, bench/ab.mjs;
// every pair faster, by 7 ms in the median), for a command whose floor is ~0.1 s.
// schema.ts stays the source of the tables (drizzle-kit's migrations, the team schema); below,
// the compiler checks that each list holds exactly its row type's keys, and
// tests/db/columns.test.ts that the order is the schema's.
import type { CheckpointRow, MetricRow, MetricValueRow, RunRow } from '../core/rows.js';
import type { IndexStateRow } from './schema.js';

export const RUN_COLUMNS = [
  'id',
  'uid',
  'host',
  'path',
  'status',
  'started_at',
  'finished_at',
  'duration_s',
  'exit_code',
  'signal',
  'pid',
  'model',
  'data_dir',
  'fine_tune_type',
  'num_layers',
  'lora_rank',
  'lora_alpha',
  'lora_dropout',
  'iters',
  'batch_size',
  'learning_rate',
  'seed',
  'max_seq_length',
  'git_sha',
  'git_dirty',
  'tags',
  'note',
  'command',
  'config_json',
  'trainer',
  'cwd',
  'last_iter',
  'best_val_loss',
  'best_val_iter',
  'final_val_loss',
  'final_train_loss',
  'test_loss',
  'test_ppl',
  'checkpoints',
  'peak_mem_gb',
  'tokens_per_sec',
  'trained_tokens',
  'train_reports',
  'val_reports',
  'log_format',
  'outcome_hint',
  'trainable_params_m',
  'total_params_m',
  'resumed_from',
  'parent',
  'iter_offset',
  'warnings',
  'source',
  'indexed_at',
] as const satisfies readonly (keyof RunRow)[];

/** The `runs` columns SQLite stores as 0/1 and a RunRow holds as booleans (drizzle's boolean mode). */
export const RUN_BOOLEAN_COLUMNS = ['git_dirty'] as const satisfies readonly (keyof RunRow)[];

/** The numeric columns of `metrics`, after its key and position columns: what a chart can draw. */
export const METRIC_MEASURE_COLUMNS = [
  'loss',
  'learning_rate',
  'it_per_sec',
  'tokens_per_sec',
  'trained_tokens',
  'peak_mem_gb',
  'val_time_s',
  'test_ppl',
] as const satisfies readonly (keyof MetricRow)[];

/**
 * The `metrics` columns in table order: the index writer's INSERT, the team database's COPY and
 * select, and `runs show --csv` are all written from this list.
 */
export const METRIC_TABLE_COLUMNS = [
  'run_id',
  'seq',
  'segment',
  'iter',
  'split',
  ...METRIC_MEASURE_COLUMNS,
] as const satisfies readonly (keyof MetricRow)[];

export const METRIC_VALUE_COLUMNS = [
  'run_id',
  'seq',
  'segment',
  'iter',
  'split',
  'name',
  'value',
] as const satisfies readonly (keyof MetricValueRow)[];

export const CHECKPOINT_COLUMNS = [
  'run_id',
  'seq',
  'segment',
  'iter',
  'file',
] as const satisfies readonly (keyof CheckpointRow)[];

export const INDEX_STATE_COLUMNS = [
  'run_id',
  'manifest_stamp',
  'adapter_config_stamp',
  'config_stamp',
  'log_size',
  'log_mtime_ms',
  'log_offset',
  'parse_state',
  'committed_seq',
  'committed_checkpoint_seq',
  'metrics_jsonl_stamp',
] as const satisfies readonly (keyof IndexStateRow)[];

// `satisfies` above says each name is a column; these say no column is missing. A column added to
// schema.ts (and core/rows.ts) but not here fails `npm run typecheck` on the line that names it.
type Missing<Row, List extends readonly string[]> = Exclude<keyof Row, List[number]>;
type NoneMissing<T extends never> = T;
export type EveryColumnListed = [
  NoneMissing<Missing<RunRow, typeof RUN_COLUMNS>>,
  NoneMissing<Missing<MetricRow, typeof METRIC_TABLE_COLUMNS>>,
  NoneMissing<Missing<MetricValueRow, typeof METRIC_VALUE_COLUMNS>>,
  NoneMissing<Missing<CheckpointRow, typeof CHECKPOINT_COLUMNS>>,
  NoneMissing<Missing<IndexStateRow, typeof INDEX_STATE_COLUMNS>>,
];
