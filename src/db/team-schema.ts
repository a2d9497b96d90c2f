// The team database's schema (PostgreSQL), built from the SAME column definitions as the local
// SQLite index (schema.ts): one source of truth, two dialects. A column added to schema.ts reaches
// the team tables through `npm run db:generate` (which writes both migrations/ and migrations-pg/).
//
// What differs, and why:
// - Runs are keyed by `uid`: a run id (the folder name) is unique only within one root, and two
//   hosts start runs in the same second. `(host, id)` stays unique for `host:id` references.
// - Row tables carry `run_uid` instead of `run_id` for the same reason (join on runs.uid).
// - SQLite `real` is a double; PostgreSQL `real` is a float4, so reals become `double precision`
//   (the same values out as in, as the read suite checks).
// - `push_state` is the team side's bookkeeping (what each run's last push sent), so a rebuilt
//   local index or a second machine never re-sends rows. The local index_state/index_meta tables
//   are bookkeeping of one machine and are not carried.
import { getTableColumns, sql, type Column } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumnBuilderBase,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as local from './schema.js';

/** One SQLite column → the same column in PostgreSQL (name, type, nullability, default). */
function pgColumn(c: Column, name = c.name): PgColumnBuilderBase {
  // Loosely typed on purpose: the builders differ per type, and the row types come from schema.ts.
  let b: any;
  switch (c.columnType) {
    case 'SQLiteText':
      b = text(name, c.enumValues?.length ? { enum: c.enumValues as [string, ...string[]] } : undefined);
      break;
    case 'SQLiteInteger':
      b = integer(name);
      break;
    case 'SQLiteBoolean':
      b = boolean(name);
      break;
    case 'SQLiteReal':
      b = doublePrecision(name);
      break;
    default:
      throw new Error(
        `team schema: no PostgreSQL type for ${c.columnType} (column ${c.name}); add one in team-schema.ts`,
      );
  }
  if (c.notNull) b = b.notNull();
  if (c.hasDefault && c.default !== undefined) b = b.default(c.default);
  return b;
}

/** Every column of a local table, `run_id` renamed to `run_uid`, no primary keys (set per table). */
function columnsOf(table: SQLiteTable): Record<string, PgColumnBuilderBase> {
  const out: Record<string, PgColumnBuilderBase> = {};
  for (const [key, c] of Object.entries(getTableColumns(table))) {
    if (key === 'run_id') out.run_uid = pgColumn(c, 'run_uid');
    else out[key] = pgColumn(c);
  }
  return out;
}

const runColumns = columnsOf(local.runs);
/** Indexes of the local runs table, same names and columns. */
const localRunIndexes = getTableConfig(local.runs).indexes.map((i) => ({
  name: i.config.name,
  columns: i.config.columns.map((c) => (c as Column).name),
}));

export const teamRuns = pgTable(
  'runs',
  {
    ...runColumns,
    uid: text('uid').primaryKey(),
    host: text('host').notNull(),
  },
  (t: any) => [
    uniqueIndex('runs_host_id').on(t.host, t.id),
    ...localRunIndexes.map((i) => index(i.name).on(...(i.columns.map((c) => t[c]) as [any]))),
  ],
);

/** A row table keyed like its local twin, with run_uid in place of run_id. */
function rowTable(name: string, table: SQLiteTable) {
  const pk = getTableConfig(table).primaryKeys[0]!.columns.map((c) => (c.name === 'run_id' ? 'run_uid' : c.name));
  return pgTable(name, columnsOf(table), (t: any) => [primaryKey({ columns: pk.map((c) => t[c]) as [any] })]);
}

export const teamMetrics = rowTable('metrics', local.metrics);
export const teamCheckpoints = rowTable('checkpoints', local.checkpoints);
/** Extra metrics (rewards, accuracy, margins of other trainers): seq = the metrics row they belong to. */
export const teamMetricValues = rowTable('metric_values', local.metricValues);

/** `params` as in the local index: the run's config_json flattened, one row per key. */
export const teamParams = pgView('params', {
  run_uid: text('run_uid').notNull(),
  key: text('key').notNull(),
  value: jsonb('value'),
}).as(sql`select r.uid as run_uid, j.key as key, j.value as value from runs r, jsonb_each(r.config_json::jsonb) j`);

/** What the last push of each run sent: compared (not trusted blindly) by the next push. */
export const teamPushState = pgTable('push_state', {
  run_uid: text('run_uid').primaryKey(),
  /** sha1 of the runs row as pushed (without indexed_at): equal means the row is unchanged. */
  row_hash: text('row_hash').notNull(),
  /** Metric rows in the team database for this run (seq 0 … n-1). */
  metric_rows: integer('metric_rows').notNull(),
  checkpoint_rows: integer('checkpoint_rows').notNull(),
  /**
   * The extra metrics (metric_values) of metric seqs below this are in the team database. Null: a
   * run pushed by a runs that did not carry them yet: the next push sends all of the run's values.
   */
  values_seq: integer('values_seq'),
  pushed_at: text('pushed_at').notNull(),
});
