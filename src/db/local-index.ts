// The local index's types: what a pass writes (RunWrite), what it remembers per run (StoredState),
// the bookkeeping interface only the indexer receives (LocalIndex), and the SQLite index as a whole
// (RunsIndex). Implemented in sqlite-index.ts.
import type { LogRecord } from '../core/records.js';
import type { SortKey } from '../core/sort-keys.js';
import type { JournalMode } from './client.js';
import type { IndexWriter } from './index-writer.js';
import type { PushTable } from './push-columns.js';
import type { SqlStream } from './read-only-sql.js';
import type { RunsReader, SqliteReadSide } from './reader.js';
import type { IndexStateRow, MetricRow, RunInsert } from './schema.js';

/** One run's changes, written in one transaction together with other runs of the same batch. */
export interface RunWrite {
  row: RunInsert;
  state: Omit<IndexStateRow, 'run_id'>;
  /**
   * Optimistic concurrency: the log_offset this write was computed from (null for a full
   * re-parse). If another writer moved it meanwhile, the write is skipped and reported as a
   * conflict so the caller can redo that run from the new state.
   */
  expectedOffset: number | null;
  /**
   * The manifest_stamp stored when this write was computed (null: none). Another writer that
   * changed it meanwhile read a newer run.json (the recorder recording the outcome): this write's
   * view of the run is older, so it is a conflict too, never a `running` written over `completed`.
   */
  expectedManifestStamp: string | null;
  /** Delete every metric/checkpoint row of the run first (full re-parse). */
  reset: boolean;
  /** New records, numbered from the stored committed seq (records of an unfinished last line included). */
  records: LogRecord[];
}

/**
 * What a pass remembers of a run: its stamps, and its indexed status when that is `running` or
 * `crashed` (the two a pass acts on: indexer/plan.ts firstLook), else null.
 */
export type StoredState = Omit<IndexStateRow, 'parse_state'> & { status: string | null };

export interface WriteResult {
  conflicts: string[];
  metricRows: number;
}

export interface ListQuery {
  sort: SortKey;
  descending: boolean;
  limit?: number;
  status?: string;
  /** A filter over `runs` columns, checked and run on the read-only connection. */
  where?: string;
}

/**
 * The local index's bookkeeping: what the indexer (src/indexer/) needs to mirror this machine's run
 * folders into one SQLite file. It assumes one database mirrors one root, which is why nothing
 * else receives it: removal and clearing are right for a mirror of "my folders", and wrong on a
 * database other machines write to (the team backend has none of these methods).
 */
export interface LocalIndex {
  readonly dbPath: string;
  /** Every run's bookkeeping row (without the parser state), for deciding what changed. */
  storedStates(): Map<string, StoredState>;
  storedState(id: string): StoredState | undefined;
  /** Per run (or for this one), the seqs before which its metric and checkpoint rows are final (runs push resends from there). */
  committedSeqs(id?: string): Map<string, { metrics: number; checkpoints: number }>;
  /** Every indexed run's id and status: what the freshness check of read commands needs. */
  knownRuns(): Map<string, string>;
  /** The runs the index has as `running` (a fresh pass with an unchanged listing looks only at them). */
  runningRuns(): { id: string; status: string }[];
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  /** The saved parser state of one run (JSON), to resume reading its log. */
  parseStateOf(id: string): string | null;
  /**
   * A batching writer. `bulk`: for passes over many runs, the SQLite work runs on a worker thread
   * so parsing the next logs overlaps with inserting the last ones (in this thread when the worker
   * script is not there: running from source, as the in-process tests do).
   */
  openWriter(opts: { bulk: boolean }): IndexWriter;
  /** Drops runs whose folders are gone from this machine's root. */
  removeRuns(ids: string[]): void;
  /** Empties every table (runs index --rebuild). */
  clear(): void;
  /**
   * The runs root this index belongs to: as recorded, else (an index made before roots were
   * recorded) the folder its first run's path is in; null for an empty index.
   */
  recordedRoot(): string | null;
  /** Makes the index belong to `root`: records it and points every run's `path` into it. */
  adoptRoot(root: string): void;
}

/** A runs row as the team database knows it: its uid there and the hash of its values. */
export interface RowIdentity {
  uid: string;
  hash: string;
}

/** A runs row as the values of a RunRow in RUN_COLUMNS order (runRowOf makes the object). */
export interface RunTuple {
  id: string;
  uid: string | null;
  values: unknown[];
}

/**
 * The SQLite index as a whole, as the indexer holds it: the bookkeeping, the synchronous reads
 * (the publisher reads this machine's runs with them), `runs sql`'s stream, and the async reader
 * (db/reader.ts) that commands get through ctx.reader().
 */
export interface RunsIndex extends LocalIndex, SqliteReadSide {
  /** Rows in log order; with afterSeq, only those after it. */
  metricsOf(id: string, afterSeq?: number): MetricRow[];
  /** Every run (or the one with this id) in start order, as tuples (runs push). */
  runTuples(id?: string): RunTuple[];
  /** Every run's id, read from the key's index (none of the wide rows). */
  runIds(): string[];
  /**
   * What an earlier `runs push` stored of each run's row for `host` with this hash recipe: its
   * team uid and row hash. Only runs whose row has not changed since are in it (triggers drop a
   * run's entries when its row is updated or deleted).
   */
  storedRowHashes(host: string, scheme: string): Map<string, RowIdentity>;
  /**
   * The tuples of these runs (of every run when null), each with what `identify` says of it,
   * stored for the next push. Read and stored in one write transaction: no change to a row can
   * come between its read and its stored hash.
   */
  hashRunTuples(
    ids: readonly string[] | null,
    host: string,
    scheme: string,
    identify: (tuple: RunTuple) => RowIdentity,
  ): (RunTuple & RowIdentity)[];
  /** One run's rows of a row table with fromSeq <= seq < toSeq, as tuples in PUSH_COLUMNS order (runs push). */
  pushRows(table: PushTable, id: string, fromSeq: number, toSeq: number): unknown[][];
  /** The same as query, read row by row as it is used (`runs sql` over a huge result keeps memory flat). */
  queryStream(text: string, limit: number): SqlStream;
  /** The async read side (db/reader.ts): what commands and the web view use. */
  reader(): RunsReader;
  close(): void;
}

export interface OpenIndexOptions {
  dbPath: string;
  warn: (message: string) => void;
  /** Said once when the index is in a synced or network folder (rollback journal instead of WAL). */
  notice?: (message: string) => void;
  /** Decided by the opener already (the writer thread gets the main thread's choice). */
  journal?: JournalMode;
}
