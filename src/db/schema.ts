// The index schema. Table and column names of `runs`, `metrics`, `params` and `checkpoints` are a
// public contract (PRODUCT.md "SQL surface"): users query them with `runs sql` and sqlite3.
// Change it here, then `npm run db:generate` and commit the new migration (never edit old ones);
// columns.ts lists the column names for the code that reads and writes without drizzle.
import type { CheckpointRow, MetricRow, MetricValueRow, ParamRow, RunRow } from '../core/rows.js';
import { sql } from 'drizzle-orm';
import { index, integer, numeric, primaryKey, real, sqliteTable, sqliteView, text } from 'drizzle-orm/sqlite-core';

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    uid: text('uid'),
    host: text('host'),
    /** Absolute path of the run folder when it was indexed. */
    path: text('path').notNull(),
    status: text('status').notNull(),
    /** ISO 8601 UTC. */
    started_at: text('started_at'),
    finished_at: text('finished_at'),
    duration_s: real('duration_s'),
    exit_code: integer('exit_code'),
    signal: text('signal'),
    pid: integer('pid'),
    // Config columns.
    model: text('model'),
    data_dir: text('data_dir'),
    fine_tune_type: text('fine_tune_type'),
    num_layers: integer('num_layers'),
    lora_rank: integer('lora_rank'),
    lora_alpha: real('lora_alpha'),
    lora_dropout: real('lora_dropout'),
    iters: integer('iters'),
    batch_size: integer('batch_size'),
    learning_rate: real('learning_rate'),
    seed: integer('seed'),
    max_seq_length: integer('max_seq_length'),
    git_sha: text('git_sha'),
    git_dirty: integer('git_dirty', { mode: 'boolean' }),
    /** JSON array of strings, e.g. ["baseline","qwen"] (query with json_each or like '%"baseline"%'). */
    tags: text('tags').notNull().default('[]'),
    note: text('note'),
    /** JSON array: the trainer argv. */
    command: text('command'),
    /**
     * The effective config flattened to dotted keys, as one JSON object ({"lora_parameters.rank": 8}).
     * Users read it through the `params` view; one column instead of ~40 rows per run keeps
     * indexing fast.
     */
    config_json: text('config_json'),
    /** The trainer command line as given (--trainer / RUNS_TRAINER / the default). */
    trainer: text('trainer'),
    /** The directory the trainer ran in (relative --data paths resolve against it). */
    cwd: text('cwd'),
    // Summary columns, folded from the log.
    last_iter: integer('last_iter'),
    best_val_loss: real('best_val_loss'),
    best_val_iter: integer('best_val_iter'),
    final_val_loss: real('final_val_loss'),
    final_train_loss: real('final_train_loss'),
    test_loss: real('test_loss'),
    test_ppl: real('test_ppl'),
    checkpoints: integer('checkpoints').notNull().default(0),
    peak_mem_gb: real('peak_mem_gb'),
    tokens_per_sec: real('tokens_per_sec'),
    trained_tokens: real('trained_tokens'),
    train_reports: integer('train_reports').notNull().default(0),
    val_reports: integer('val_reports').notNull().default(0),
    /** Era of the trainer output (lora.py-2023 … mlx_lm-rich-ui, fork-*). */
    log_format: text('log_format'),
    /** What the log text alone suggests (interrupted, crashed, completed, truncated, unknown). */
    outcome_hint: text('outcome_hint'),
    trainable_params_m: real('trainable_params_m'),
    total_params_m: real('total_params_m'),
    resumed_from: text('resumed_from'),
    /** run.json `parent`: the run this one was re-run (`runs train --from`) or resumed (`runs resume`) from. */
    parent: text('parent'),
    /** run.json `iter_offset` (resumed runs): training steps already in the weights it started from. */
    iter_offset: integer('iter_offset'),
    /** JSON array of problems met while recording or indexing this run. */
    warnings: text('warnings'),
    /** Where the metadata came from: run.json, or the log alone (adopted folder). */
    source: text('source').notNull(),
    indexed_at: text('indexed_at').notNull(),
  },
  (t) => [
    index('runs_best_val_loss').on(t.best_val_loss),
    index('runs_started_at').on(t.started_at),
    index('runs_status').on(t.status),
  ],
);

export const metrics = sqliteTable(
  'metrics',
  {
    run_id: text('run_id').notNull(),
    /** Record number in log order (0-based): "final" means the highest seq. */
    seq: integer('seq').notNull(),
    /** 0 for the first training run in the log, +1 each time the iteration counter restarts. */
    segment: integer('segment').notNull(),
    iter: integer('iter'),
    split: text('split', { enum: ['train', 'val', 'test'] }).notNull(),
    loss: real('loss'),
    learning_rate: real('learning_rate'),
    it_per_sec: real('it_per_sec'),
    tokens_per_sec: real('tokens_per_sec'),
    trained_tokens: real('trained_tokens'),
    peak_mem_gb: real('peak_mem_gb'),
    val_time_s: real('val_time_s'),
    test_ppl: real('test_ppl'),
  },
  // The key is also the only index: rows arrive in (run_id, seq) order, so inserts append.
  (t) => [primaryKey({ columns: [t.run_id, t.seq] })],
);

/**
 * `metric_values`: the other named values of a report (rewards, accuracy, margin, KL, grad norm,
 * perplexity, …): one row per value, `seq` = the `metrics` row it belongs to (so it joins on
 * (run_id, seq)); segment, iter and split repeated so most queries need no join.
 */
export const metricValues = sqliteTable(
  'metric_values',
  {
    run_id: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    segment: integer('segment').notNull(),
    iter: integer('iter'),
    split: text('split', { enum: ['train', 'val', 'test'] }).notNull(),
    name: text('name').notNull(),
    value: real('value'),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.seq, t.name] })],
);

/**
 * `params`: run_id, key, value — the run's config flattened to dotted keys (`lora_parameters.rank`).
 * A view over runs.config_json: numbers stay numbers, lists are JSON text.
 */
export const params = sqliteView('params', {
  run_id: text('run_id').notNull(),
  key: text('key').notNull(),
  value: numeric('value'),
}).as(sql`select r.id as run_id, j.key as key, j.value as value from runs r, json_each(r.config_json) j`);

export const checkpoints = sqliteTable(
  'checkpoints',
  {
    run_id: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    segment: integer('segment').notNull(),
    iter: integer('iter').notNull(),
    file: text('file'),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.seq] })],
);

/**
 * Bookkeeping for incremental indexing (not part of the public SQL surface): what each run's
 * files looked like when indexed, and where the log parser stopped.
 */
export const indexState = sqliteTable('index_state', {
  run_id: text('run_id').primaryKey(),
  /** "size:mtimeMs" of run.json, adapters/adapter_config.json, config.yaml; null when missing. */
  manifest_stamp: text('manifest_stamp'),
  adapter_config_stamp: text('adapter_config_stamp'),
  config_stamp: text('config_stamp'),
  log_size: integer('log_size'),
  log_mtime_ms: integer('log_mtime_ms'),
  /** Bytes of train.log parsed through the last complete line. */
  log_offset: integer('log_offset').notNull().default(0),
  /** JSON: parser snapshot + summary fold state at log_offset. */
  parse_state: text('parse_state'),
  /** Records before this seq are final; from it on they came from an unfinished last line. */
  committed_seq: integer('committed_seq').notNull().default(0),
  committed_checkpoint_seq: integer('committed_checkpoint_seq').notNull().default(0),
  /** "size:mtimeMs" of metrics.jsonl (the trainer's callback reports); null when missing. */
  metrics_jsonl_stamp: text('metrics_jsonl_stamp'),
});

// The row types are dialect-neutral (core/rows.ts, what the team backend returns too); these
// tables must select exactly them. A column added, dropped or retyped here without core/rows.ts
// fails `npm run typecheck` on the line below.
export type { CheckpointRow, MetricRow, MetricValueRow, ParamRow, RunRow } from '../core/rows.js';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type RowTypesMatchTheTables = [
  Holds<Same<typeof runs.$inferSelect, RunRow>>,
  Holds<Same<typeof metrics.$inferSelect, MetricRow>>,
  // `value` as stored: a number when it looks like one (NUMERIC affinity), drizzle says text.
  Holds<Same<Omit<typeof params.$inferSelect, 'value'> & { value: string | number | null }, ParamRow>>,
  Holds<Same<typeof checkpoints.$inferSelect, CheckpointRow>>,
  Holds<Same<typeof metricValues.$inferSelect, MetricValueRow>>,
];
export type RunInsert = typeof runs.$inferInsert;
export type IndexStateRow = typeof indexState.$inferSelect;

/** Small facts about the index itself (not part of the public SQL surface). */
export const indexMeta = sqliteTable('index_meta', {
  key: text('key').primaryKey(),
  value: text('value'),
});

/**
 * What `runs push` computed of each runs row, kept so that a push with nothing new reads neither
 * the wide rows nor hashes them again (not part of the public SQL surface). Valid while the row
 * is unchanged: triggers (migration 0007) delete a run's entries on any update or delete of its
 * runs row. `scheme` names the row hash's recipe (team.ts ROW_HASH_SCHEME): another recipe's
 * entries are ignored.
 */
export const runHashes = sqliteTable(
  'run_hashes',
  {
    run_id: text('run_id').notNull(),
    host: text('host').notNull(),
    scheme: text('scheme').notNull(),
    uid: text('uid').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.host] })],
);
