// The index: the only entry point of src/db/ for the rest of the code. Two interfaces meet here:
//
// - RunsReader (reader.ts): async and dialect-neutral, rows of core/rows.ts. What commands read
//   (through ctx.reader()), what the web view reads, what the team database (team.ts, PostgreSQL)
//   implements too.
// - LocalIndex / RunsIndex (local-index.ts): the SQLite-only bookkeeping of a mirror of this
//   machine's folders (stored states, parse state, meta, the writer, removal, clearing). Only the
//   indexer (src/indexer/) receives it; the team backend has no such methods, so a shared database
//   cannot be wiped from one machine.
//
// Files: client.ts (open, migrate, recover a damaged index), sqlite-index.ts (open + bookkeeping +
// the write transaction), sqlite-reads.ts (reads), write-statements.ts and writer-thread.ts (bulk
// writes), reader.ts, team.ts.
export { BATCH_RECORDS, type IndexWriter } from './index-writer.js';
export { WhereError } from './where-clause.js';
export { ReadOnlyViolation } from './read-only-sql.js';
export {
  METRIC_COLUMNS,
  type MetricColumn,
  type MetricTuple,
  type MetricsQuery,
  type ReaderListQuery,
  type RunsReader,
} from './reader.js';
export { METRIC_TABLE_COLUMNS } from './columns.js';
export type { CheckpointRow, IndexStateRow, MetricRow, MetricValueRow, ParamRow, RunInsert, RunRow } from './schema.js';
export type { SqlResult, SqlStream } from './read-only-sql.js';
export type {
  ListQuery,
  LocalIndex,
  OpenIndexOptions,
  RunsIndex,
  RowIdentity,
  RunTuple,
  RunWrite,
  StoredState,
  WriteResult,
} from './local-index.js';
export { openIndex, openSqliteIndex, SqliteRunsIndex } from './sqlite-index.js';
export { runRowOf } from './push-columns.js';
export { toParams, toRunRow, type RunFacts } from './to-row.js';
export { resolveRun, type ResolveContext } from './resolve-run.js';

// The team database (PostgreSQL): loaded only when asked for, so local commands never load pg.
export type { PushBatchResult, PushRun, PushSource, TeamDatabase } from './team.js';
export type { RunsReader as TeamReader } from './reader.js';

export async function openTeam(
  url: string,
  opts: import('./team.js').TeamOpenOptions = {},
): Promise<import('./team.js').TeamDatabase> {
  const { openTeamDatabase } = await import('./team.js');
  return openTeamDatabase(url, opts);
}

export async function teamIdentity(): Promise<
  Pick<typeof import('./team.js'), 'teamUid' | 'rowHash' | 'ROW_HASH_SCHEME' | 'DEFAULT_SQL_TIMEOUT_S'>
> {
  const { teamUid, rowHash, ROW_HASH_SCHEME, DEFAULT_SQL_TIMEOUT_S } = await import('./team.js');
  return { teamUid, rowHash, ROW_HASH_SCHEME, DEFAULT_SQL_TIMEOUT_S };
}
