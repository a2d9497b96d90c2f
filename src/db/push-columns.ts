// The columns `runs push` carries of the runs table and of each row table, in table order, without run_id (the team
// tables key rows on run_uid instead). The local reads (sqlite-reads.ts) select them and the team
// COPY (team.ts) names them from this one list, so the two cannot disagree on the order.
import type { RunRow } from '../core/rows.js';
import {
  CHECKPOINT_COLUMNS,
  METRIC_TABLE_COLUMNS,
  METRIC_VALUE_COLUMNS,
  RUN_BOOLEAN_COLUMNS,
  RUN_COLUMNS,
} from './columns.js';

// A run tuple holds a runs row's values in RUN_COLUMNS order (SqliteReads.runTuples).
/** Positions in a run tuple of the columns SQLite stores as 0/1 (booleans in a RunRow). */
export const RUN_BOOLEAN_POSITIONS = RUN_BOOLEAN_COLUMNS.map((c) => RUN_COLUMNS.indexOf(c));

const afterRunId = (columns: readonly string[]) => columns.filter((c) => c !== 'run_id');

export const PUSH_COLUMNS = {
  metrics: afterRunId(METRIC_TABLE_COLUMNS),
  metric_values: afterRunId(METRIC_VALUE_COLUMNS),
  checkpoints: afterRunId(CHECKPOINT_COLUMNS),
} as const;

/** A row table `runs push` copies; each has a `seq` (metrics and checkpoints: 0, 1, …; metric_values: its metric row's). */
export type PushTable = keyof typeof PUSH_COLUMNS;

/** A run tuple (RUN_COLUMNS order) as the row object. */
export function runRowOf(tuple: readonly unknown[]): RunRow {
  const row: Record<string, unknown> = {};
  RUN_COLUMNS.forEach((c, i) => (row[c] = tuple[i]));
  return row as RunRow;
}
