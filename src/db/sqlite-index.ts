// The SQLite index: its reads (sqlite-reads.ts) plus the local bookkeeping only the indexer uses
// (stored states, parse state, meta, the root it mirrors, the writer, removal). Bulk writes use raw
// prepared statements (write-statements.ts: one per table, prepared once, reused; one transaction
// per batch), on the writer thread (writer-thread.ts) for passes over many runs.
import path from 'node:path';
import { METRIC_WIDTH, orNull, SPLITS, type EncodedBatch } from './batch-codec.js';
import { openDatabase, type JournalMode, type Sqlite } from './client.js';
import { BatchingWriter, type IndexWriter } from './index-writer.js';
import { leanHeap } from './lean-heap.js';
import type { OpenIndexOptions, RowIdentity, RunsIndex, RunTuple, StoredState, WriteResult } from './local-index.js';
import { networkLocation } from './network-fs.js';
import type { IndexStateRow } from './schema.js';
import { SqliteReads } from './sqlite-reads.js';
import { prepareWriteStatements, runParams } from './write-statements.js';
import { WriterThread, writerScript } from './writer-thread.js';

/** index_meta key: the absolute path of the runs root the index belongs to. */
const ROOT_KEY = 'root';

export async function openIndex(opts: OpenIndexOptions): Promise<RunsIndex> {
  return openSqliteIndex(opts);
}

/** The SQLite index with its internals (the writer thread uses writeEncoded). */
export async function openSqliteIndex(opts: OpenIndexOptions): Promise<SqliteRunsIndex> {
  let journal = opts.journal;
  if (journal === undefined) {
    const where = networkLocation(opts.dbPath);
    journal = where ? 'delete' : 'wal';
    if (where) {
      opts.notice?.(
        `note: the index ${opts.dbPath} is ${where}; SQLite's WAL mode is unsafe there, so it uses a rollback journal ` +
          '(slower when several commands write at once; pass --db PATH on a local disk to avoid this)',
      );
    }
  }
  const sqlite = await openDatabase(opts.dbPath, { warn: opts.warn, journal });
  return new SqliteRunsIndex(opts.dbPath, sqlite, opts.warn, journal);
}

/** index_state's stamp columns, in StampTuple's order (everything but parse_state). */
const STAMP_COLUMNS = `run_id, manifest_stamp, adapter_config_stamp, config_stamp, log_size, log_mtime_ms,
  log_offset, committed_seq, committed_checkpoint_seq, metrics_jsonl_stamp`;
/** The statuses a pass acts on (StoredState.status): the others are stored as null. */
const ACTED_ON = `status in ('running', 'crashed')`;
type StampTuple = [
  string,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
  number,
  number,
  number,
  string | null,
];

function storedStateOf(r: StampTuple, status: string | null): StoredState {
  return {
    run_id: r[0],
    manifest_stamp: r[1],
    adapter_config_stamp: r[2],
    config_stamp: r[3],
    log_size: r[4],
    log_mtime_ms: r[5],
    log_offset: r[6],
    committed_seq: r[7],
    committed_checkpoint_seq: r[8],
    metrics_jsonl_stamp: r[9],
    status,
  };
}

export class SqliteRunsIndex extends SqliteReads implements RunsIndex {
  private statements: ReturnType<typeof prepareWriteStatements> | undefined;

  constructor(
    dbPath: string,
    sqlite: Sqlite,
    private readonly warn: (message: string) => void,
    readonly journal: JournalMode,
  ) {
    super(dbPath, sqlite);
  }

  openWriter(opts: { bulk: boolean }): IndexWriter {
    const script = opts.bulk ? writerScript() : null;
    if (!script) return new BatchingWriter((batch) => this.writeEncoded(batch));
    // The first batch is written on this thread; the writer thread (and the lean heap of a bulk
    // pass) starts with the second. A pass that finds every run unchanged (a no-op `runs index`),
    // or one grown log among thousands (one batch, at the end), never pays for a thread: ~100 ms
    // of CPU to start, ~30 MB of RSS, and nothing left to overlap it with.
    let thread: WriterThread | null = null;
    let batches = 0;
    return new BatchingWriter(
      (batch) => {
        if (batches++ === 0) return this.writeEncoded(batch);
        if (!thread) {
          leanHeap();
          thread = new WriterThread(script, this.dbPath, this.journal, this.warn);
        }
        return thread.write(batch);
      },
      async () => thread?.close(),
    );
  }

  private writeStatements() {
    this.statements ??= prepareWriteStatements(this.sqlite);
    return this.statements;
  }

  storedStates() {
    // Stamps only (parse_state is the bulk of an index_state row), and no join to the wide runs
    // rows: a pass acts on two statuses only (StoredState.status), found through runs' status index.
    // The join read every runs row: ~50 ms of a 10k-run no-op pass.
    const acted = new Map(
      this.sqlite.prepare(`select id, status from runs where ${ACTED_ON}`).raw().all() as [string, string][],
    );
    const rows = this.sqlite.prepare(`select ${STAMP_COLUMNS} from index_state`).raw().all() as StampTuple[];
    const states = new Map<string, StoredState>();
    for (const r of rows) states.set(r[0], storedStateOf(r, acted.get(r[0]) ?? null));
    return states;
  }

  committedSeqs(id?: string) {
    const rows = this.sqlite
      .prepare(
        `select run_id, committed_seq, committed_checkpoint_seq from index_state ${id === undefined ? '' : 'where run_id = ?'}`,
      )
      .raw()
      .all(...(id === undefined ? [] : [id])) as [string, number, number][];
    return new Map(rows.map(([id, metrics, checkpoints]) => [id, { metrics, checkpoints }]));
  }

  getMeta(key: string): string | null {
    const row = this.sqlite.prepare('select value from index_meta where key = ?').get(key) as
      { value: string | null } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sqlite
      .prepare(
        'insert into index_meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value',
      )
      .run(key, value);
  }

  knownRuns(): Map<string, string> {
    const rows = this.sqlite.prepare('select id, status from runs').raw().all() as [string, string][];
    return new Map(rows);
  }

  storedState(id: string): StoredState | undefined {
    // One run: the status is an indexed lookup here, so one query.
    const row = this.sqlite
      .prepare(
        `select (select status from runs where id = run_id and ${ACTED_ON}), ${STAMP_COLUMNS}
         from index_state where run_id = ?`,
      )
      .raw()
      .get(id) as [string | null, ...StampTuple] | undefined;
    if (!row) return undefined;
    const [status, ...stamps] = row;
    return storedStateOf(stamps, status);
  }

  parseStateOf(id: string): string | null {
    const row = this.sqlite.prepare('select parse_state from index_state where run_id = ?').get(id) as
      { parse_state: string | null } | undefined;
    return row?.parse_state ?? null;
  }

  /** The writer itself; takes the encoded form so the writer thread never rebuilds objects. */
  writeEncoded(batch: EncodedBatch): WriteResult {
    const st = this.writeStatements();
    const result: WriteResult = { conflicts: [], metricRows: 0 };
    const m = batch.metrics;
    const apply = this.sqlite.transaction(() => {
      let o = 0;
      for (const w of batch.writes) {
        const id = w.row.id;
        const rowsAt = o;
        o += w.metricCount * METRIC_WIDTH;
        const stored = st.getState.get(id) as
          | Pick<IndexStateRow, 'log_offset' | 'committed_seq' | 'committed_checkpoint_seq' | 'manifest_stamp'>
          | undefined;
        if (
          (w.expectedOffset !== null && (stored?.log_offset ?? 0) !== w.expectedOffset) ||
          (stored?.manifest_stamp ?? null) !== w.expectedManifestStamp
        ) {
          result.conflicts.push(id);
          continue;
        }
        let metricSeq = 0;
        let checkpointSeq = 0;
        if (stored) {
          // Buffered rows must be in before a delete that could match them.
          st.metricRows.flush();
          st.checkpointRows.flush();
          st.valueRows.flush();
          if (!w.reset) {
            // Rows from a previously unfinished last line are re-derived from the log every time.
            metricSeq = stored.committed_seq;
            checkpointSeq = stored.committed_checkpoint_seq;
          }
          st.deleteMetrics.run(id, metricSeq);
          st.deleteValues.run(id, metricSeq);
          st.deleteCheckpoints.run(id, checkpointSeq);
        } // else: a run the index has never seen has no rows (index_state and rows change together).
        const firstSeq = metricSeq;
        for (let i = 0, p = rowsAt; i < w.metricCount; i++, p += METRIC_WIDTH) {
          st.metricRows.add(
            id,
            metricSeq++,
            m[p]!,
            orNull(m[p + 1]!),
            SPLITS[m[p + 2]!],
            orNull(m[p + 3]!),
            orNull(m[p + 4]!),
            orNull(m[p + 5]!),
            orNull(m[p + 6]!),
            orNull(m[p + 7]!),
            orNull(m[p + 8]!),
            orNull(m[p + 9]!),
            orNull(m[p + 10]!),
          );
        }
        result.metricRows += w.metricCount;
        for (const [at, name, value] of w.extras) {
          const p = rowsAt + at * METRIC_WIDTH;
          st.valueRows.add(id, firstSeq + at, m[p]!, orNull(m[p + 1]!), SPLITS[m[p + 2]!], name, value);
        }
        for (const c of w.checkpoints) st.checkpointRows.add(id, checkpointSeq++, c.segment, c.iter, c.file);
        st.upsertRun.run(runParams(w.row));
        st.upsertState.run({ ...w.state, run_id: id });
      }
      st.metricRows.flush();
      st.checkpointRows.flush();
      st.valueRows.flush();
    });
    // IMMEDIATE: take the write lock up front, so two writers queue on busy_timeout instead of
    // one failing with SQLITE_BUSY when it upgrades a read transaction.
    try {
      apply.immediate();
    } finally {
      st.metricRows.clear(); // after a rollback, nothing buffered may leak into the next batch
      st.checkpointRows.clear();
      st.valueRows.clear();
    }
    return result;
  }

  removeRuns(ids: string[]): void {
    const st = this.writeStatements();
    this.sqlite
      .transaction(() => {
        for (const id of ids) {
          st.deleteMetrics.run(id, 0);
          st.deleteValues.run(id, 0);
          st.deleteCheckpoints.run(id, 0);
          st.deleteRun.run(id);
          st.deleteState.run(id);
        }
      })
      .immediate();
  }

  clear(): void {
    this.sqlite
      .transaction(() => {
        for (const t of ['metrics', 'metric_values', 'checkpoints', 'runs', 'index_state', 'index_meta']) {
          this.sqlite.prepare(`delete from ${t}`).run();
        }
      })
      .immediate();
  }

  recordedRoot(): string | null {
    const recorded = this.getMeta(ROOT_KEY);
    if (recorded !== null) return recorded;
    const any = this.sqlite.prepare('select id, path from runs limit 1').get() as
      { id: string; path: string } | undefined;
    if (!any || !any.path.endsWith(any.id)) return null;
    return any.path.slice(0, any.path.length - any.id.length).replace(/[\\/]+$/, '') || null;
  }

  adoptRoot(root: string): void {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    this.sqlite
      .transaction(() => {
        this.sqlite.prepare('update runs set path = ? || id').run(prefix);
        this.setMeta(ROOT_KEY, root);
      })
      .immediate();
  }

  runIds(): string[] {
    return this.sqlite.prepare('select id from runs').pluck().all() as string[];
  }

  storedRowHashes(host: string, scheme: string): Map<string, RowIdentity> {
    const rows = this.sqlite
      .prepare('select run_id, uid, hash from run_hashes where host = ? and scheme = ?')
      .raw()
      .all(host, scheme) as [string, string, string][];
    return new Map(rows.map(([id, uid, hash]) => [id, { uid, hash }]));
  }

  hashRunTuples(
    ids: readonly string[] | null,
    host: string,
    scheme: string,
    identify: (tuple: RunTuple) => RowIdentity,
  ): (RunTuple & RowIdentity)[] {
    const store = this.sqlite.prepare(
      `insert into run_hashes (run_id, host, scheme, uid, hash) values (?, ?, ?, ?, ?)
       on conflict (run_id, host) do update set scheme = excluded.scheme, uid = excluded.uid, hash = excluded.hash`,
    );
    return this.sqlite
      .transaction(() => {
        const tuples = ids === null ? this.runTuples() : ids.flatMap((id) => this.runTuples(id));
        return tuples.map((t) => {
          const identity = identify(t);
          store.run(t.id, host, scheme, identity.uid, identity.hash);
          return { ...t, ...identity };
        });
      })
      .immediate();
  }

  runningRuns(): { id: string; status: string }[] {
    return this.sqlite.prepare("select id, status from runs where status = 'running'").all() as {
      id: string;
      status: string;
    }[];
  }
}
