// The columns `runs push` carries of the runs table and of each row table, in table order, without run_id (the team
// tables key rows on run_uid instead). The local reads (sqlite-reads.ts) select them and the team
// COPY (team.ts) names them from this one list, so the two cannot disagree on the order.
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { checkpoints, metrics, metricValues, runs, type RunRow } from './schema.js';

/** Every column of `runs`, in table order: the order of a run tuple (SqliteReads.runTuples). */
export const RUN_COLUMNS = Object.keys(getTableColumns(runs));
/** Positions in a run tuple of the columns SQLite stores as 0/1 (booleans in a RunRow). */
export const RUN_BOOLEAN_POSITIONS = Object.values(getTableColumns(runs)).flatMap((c, i) =>
  c.columnType === 'SQLiteBoolean' ? [i] : [],
);

const afterRunId = (table: SQLiteTable) => Object.keys(getTableColumns(table)).filter((c) => c !== 'run_id');

export const PUSH_COLUMNS = {
  metrics: afterRunId(metrics),
  metric_values: afterRunId(metricValues),
  checkpoints: afterRunId(checkpoints),
} as const;

/** A row table `runs push` copies; each has a `seq` (metrics and checkpoints: 0, 1, …; metric_values: its metric row's). */
export type PushTable = keyof typeof PUSH_COLUMNS;

/** A run tuple (RUN_COLUMNS order) as the row object. */
export function runRowOf(tuple: readonly unknown[]): RunRow {
  const row: Record<string, unknown> = {};
  RUN_COLUMNS.forEach((c, i) => (row[c] = tuple[i]));
  return row as RunRow;
}
