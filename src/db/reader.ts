// The async, dialect-neutral read side of the index: what the web view (`runs ui`, `runs report`)
// uses. Everything is a Promise so a networked backend (PostgreSQL for teams) can implement the
// same interface; the SQLite one below answers from the local index synchronously underneath.
import type { RefCandidate } from '../core/run-ref.js';
import type { CheckpointRow, MetricRow, MetricValueRow, ParamRow, RunRow } from '../core/rows.js';
import { asRunsError } from './errors.js';
import { METRIC_MEASURE_COLUMNS } from './columns.js';
import type { SqlResult, SqlStream } from './read-only-sql.js';

/** Same filter language as `runs list` (sort key, status, --where). */
export interface ReaderListQuery {
  sort: import('../core/sort-keys.js').SortKey;
  descending: boolean;
  limit?: number;
  status?: string;
  where?: string;
}

export interface MetricsQuery {
  /** Only rows with seq > afterSeq (what a live view has not seen yet). */
  afterSeq?: number;
}

export interface RunsReader {
  listRuns(q: ReaderListQuery): Promise<RunRow[]>;
  getRun(id: string): Promise<RunRow | undefined>;
  metricsOf(id: string, q?: MetricsQuery): Promise<MetricRow[]>;
  paramsOf(id: string): Promise<ParamRow[]>;
  checkpointsOf(id: string): Promise<CheckpointRow[]>;
  /**
   * What a chart of one metric needs, in seq order, one tuple per row: a `metrics` column from
   * METRIC_COLUMNS, else an extra metric's name. Leaner than metricsOf: no object per row.
   */
  metricColumn(id: string, metric: string): Promise<MetricTuple[]>;
  /** Names of the extra metrics (`metric_values`: rewards, accuracy, margin, …) in the index. */
  metricNames(): Promise<string[]>;
  /** One extra metric of one run, in seq order (empty when the backend carries none). */
  metricValuesOf(id: string, name: string): Promise<MetricValueRow[]>;
  refCandidates(): Promise<RefCandidate[]>;
  /** `runs sql`; timeoutMs applies to the team database (local queries have no time limit). */
  query(text: string, limit: number, opts?: { timeoutMs?: number }): Promise<SqlResult>;
  /**
   * The same, rows read as they are used: the local index streams (a huge `--limit` keeps memory
   * flat); the team database answers inside its read-only transaction, so its rows arrive whole.
   */
  queryStream(text: string, limit: number, opts?: { timeoutMs?: number }): Promise<SqlStream>;
  /**
   * An opaque value that changes whenever the index changed (any writer, any process), so a live
   * view re-reads only then. Cheap: asked every second or so.
   */
  changeToken(): Promise<string>;
}

/** The numeric columns of `metrics` a chart can draw (columns.ts). */
export const METRIC_COLUMNS = METRIC_MEASURE_COLUMNS;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];
/** [seq, segment, iter, split, trained_tokens, value of the asked column]. */
export type MetricTuple = [number, number, number | null, string, number | null, number | null];

/** What the SQLite index offers the reader (kept to the methods it already has, plus two). */
export interface SqliteReadSide {
  listRuns(q: ReaderListQuery): RunRow[];
  getRun(id: string): RunRow | undefined;
  metricsOf(id: string, afterSeq?: number): MetricRow[];
  paramsOf(id: string): ParamRow[];
  checkpointsOf(id: string): CheckpointRow[];
  metricColumn(id: string, metric: string): MetricTuple[];
  metricNames(): string[];
  metricValuesOf(id: string, name: string): MetricValueRow[];
  refCandidates(): RefCandidate[];
  query(text: string, limit: number): SqlResult;
  queryStream(text: string, limit: number): SqlStream;
  dataVersion(): number;
}

/**
 * Calls the synchronous SQLite side; a database error (disk full, locked, damaged) leaves as the
 * RunsError the user sees (db/errors.ts), so commands never look at SQLite's codes.
 */
async function answer<T>(read: () => T): Promise<T> {
  try {
    return read();
  } catch (err) {
    throw asRunsError(err);
  }
}

export function sqliteReader(index: SqliteReadSide): RunsReader {
  return {
    listRuns: (q) => answer(() => index.listRuns(q)),
    getRun: (id) => answer(() => index.getRun(id)),
    metricsOf: (id, q) => answer(() => index.metricsOf(id, q?.afterSeq)),
    paramsOf: (id) => answer(() => index.paramsOf(id)),
    checkpointsOf: (id) => answer(() => index.checkpointsOf(id)),
    metricColumn: (id, metric) => answer(() => index.metricColumn(id, metric)),
    metricNames: () => answer(() => index.metricNames()),
    metricValuesOf: (id, name) => answer(() => index.metricValuesOf(id, name)),
    refCandidates: () => answer(() => index.refCandidates()),
    query: (text, limit) => answer(() => index.query(text, limit)),
    queryStream: (text, limit) => answer(() => index.queryStream(text, limit)),
    changeToken: () => answer(() => String(index.dataVersion())),
  };
}
