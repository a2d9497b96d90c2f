// The SQLite index's reads: what the async reader (reader.ts) answers from, and what the indexer's
// publisher reads of this machine's runs. Plain prepared statements over the column lists of
// columns.ts, not drizzle's query builder: a command that reads never loads drizzle (columns.ts
// says what that saves). User SQL (`runs sql`, --where) only ever runs on a separate read-only
// connection.
import type Database from 'better-sqlite3';
import type { RefCandidate } from '../core/run-ref.js';
import { SORT_KEY_COLUMNS, type SortKey } from '../core/sort-keys.js';
import { openReadOnly, type Sqlite } from './client.js';
import { CHECKPOINT_COLUMNS, METRIC_TABLE_COLUMNS, METRIC_VALUE_COLUMNS, RUN_COLUMNS } from './columns.js';
import { PUSH_COLUMNS, RUN_BOOLEAN_POSITIONS, type PushTable } from './push-columns.js';
import type { ListQuery, RunTuple } from './local-index.js';
import { runReadOnlyQuery, streamReadOnlyQuery, type SqlResult, type SqlStream } from './read-only-sql.js';
import { METRIC_COLUMNS, sqliteReader, type MetricTuple, type RunsReader, type SqliteReadSide } from './reader.js';
import type { CheckpointRow, MetricRow, MetricValueRow, ParamRow, RunRow } from './schema.js';
import { checkedWhere, unknownColumnHint, verifyWhereShape, WhereError } from './where-clause.js';

/** The `runs` column each sort key sorts by. */
const SORT_COLUMNS = SORT_KEY_COLUMNS satisfies Record<SortKey, keyof RunRow>;

/** Every column, in table order, as `select *` would (property names = SQL column names, STYLE.md §5). */
const SELECT_RUNS = `select ${RUN_COLUMNS.join(', ')} from runs`;
const columnsOf = (columns: readonly string[]) => columns.join(', ');
const TUPLE_ID = RUN_COLUMNS.indexOf('id');
const TUPLE_UID = RUN_COLUMNS.indexOf('uid');

export class SqliteReads implements SqliteReadSide {
  protected readonly sqlite: Sqlite;
  private readOnly: Sqlite | undefined;
  /** Column names of `select * from runs` as this build's query lists them (for the --where shape check). */
  private runColumns: string[] | undefined;
  private readonly columnStatements = new Map<string, Database.Statement>();
  private readonly pushStatements = new Map<PushTable, Database.Statement>();
  private tupleById: Database.Statement | undefined;

  constructor(
    readonly dbPath: string,
    sqlite: Sqlite,
  ) {
    this.sqlite = sqlite;
  }

  refCandidates(): RefCandidate[] {
    const rows = this.sqlite.prepare('select id, started_at from runs').all() as {
      id: string;
      started_at: string | null;
    }[];
    return rows.map((r) => ({ id: r.id, startedMs: r.started_at ? Date.parse(r.started_at) || 0 : 0 }));
  }

  listRuns(q: ListQuery): RunRow[] {
    const column = SORT_COLUMNS[q.sort];
    const direction = q.descending ? 'desc' : 'asc';
    const status = q.status ? ' and status = ?' : '';
    const statusParams = q.status ? [q.status] : [];
    // Runs without a value sort last in both directions.
    if (q.where !== undefined)
      return this.listWithWhere(q, `order by ${column} is null, ${column} ${direction}, id desc`, status, statusParams);
    // Read as two queries, the runs with a value and then the rest, so that each walks the sort
    // column's index: `order by col is null, col` cannot use it and reads and sorts the whole table
    // (at 10k runs `list --sort val_loss --limit 20`: ~35 ms cold against ~2 ms). Same order.
    const part = (withValue: boolean, limit: number | undefined) => {
      const rows = this.sqlite
        .prepare(
          `${SELECT_RUNS} where ${column} is ${withValue ? 'not null' : 'null'}${status}
           order by ${withValue ? `${column} ${direction}, ` : ''}id desc${limit === undefined ? '' : ' limit ?'}`,
        )
        .all(...statusParams, ...(limit === undefined ? [] : [limit])) as Record<string, unknown>[];
      return rows.map(mapRunRow);
    };
    const limit = q.limit ? q.limit : undefined;
    const valued = part(true, limit);
    if (limit !== undefined && valued.length >= limit) return valued;
    return [...valued, ...part(false, limit === undefined ? undefined : limit - valued.length)];
  }

  /** --where is user SQL: it only ever runs on the read-only connection, after both guards (where-clause.ts). */
  private listWithWhere(q: ListQuery, orderBy: string, status: string, statusParams: string[]): RunRow[] {
    const where = checkedWhere(q.where!);
    const build = (filter: string) => `${SELECT_RUNS} where (${filter})${status} ${orderBy} limit ?`;
    const params = [...statusParams, q.limit ?? -1];
    const ro = this.readOnlyConnection();
    let stmt;
    try {
      stmt = ro.prepare(build(where));
    } catch (err) {
      // SQLite's message for the expression alone, if it has one: the query around it would make
      // `best_val_loss <` "near ")": syntax error", a parenthesis the user never typed.
      const message = prepareError(ro, `select 1 from runs where ${where}`) ?? (err as Error).message;
      throw new WhereError(
        `--where "${q.where}" is not a valid filter: ${message}${unknownColumnHint(message, RUN_COLUMNS)}`,
      );
    }
    // The shape the statement must have: the same query with a filter that is surely one expression.
    this.runColumns ??= ro
      .prepare(build('1'))
      .columns()
      .map((c) => c.column ?? c.name);
    verifyWhereShape(ro, stmt, where, this.runColumns);
    let rows: Record<string, unknown>[];
    try {
      rows = stmt.all(...params) as Record<string, unknown>[];
    } catch (err) {
      // Raised while running, e.g. load_extension() refused by SQLite or an oversized randomblob().
      throw new WhereError(`--where "${q.where}" failed: ${(err as Error).message}`);
    }
    return rows.map((r) => mapRunRow(r));
  }

  /**
   * For runs push: every run (or the one with this id) in start order, as a tuple of RunRow values
   * in RUN_COLUMNS order. Arrays, not objects: a no-op push hashes all 10,000 rows.
   */
  runTuples(id?: string): RunTuple[] {
    // The one-run statement is prepared once: a push reads up to half the runs one by one
    // (5,000 lookups at 10k runs: 354 ms preparing each, 41 ms prepared once).
    const rows = (
      id === undefined
        ? this.sqlite.prepare(`${SELECT_RUNS} order by started_at is null, started_at, id desc`).raw().all()
        : (this.tupleById ??= this.sqlite.prepare(`${SELECT_RUNS} where id = ?`).raw()).all(id)
    ) as unknown[][];
    return rows.map((values) => {
      for (const i of RUN_BOOLEAN_POSITIONS) values[i] = values[i] === null ? null : Boolean(values[i]);
      return { id: values[TUPLE_ID] as string, uid: values[TUPLE_UID] as string | null, values };
    });
  }

  getRun(id: string): RunRow | undefined {
    const row = this.sqlite.prepare(`${SELECT_RUNS} where id = ?`).get(id) as Record<string, unknown> | undefined;
    return row && mapRunRow(row);
  }

  metricsOf(id: string, afterSeq?: number): MetricRow[] {
    return this.sqlite
      .prepare(
        `select ${columnsOf(METRIC_TABLE_COLUMNS)} from metrics where run_id = ?${afterSeq === undefined ? '' : ' and seq > ?'} order by seq`,
      )
      .all(id, ...(afterSeq === undefined ? [] : [afterSeq])) as MetricRow[];
  }

  /** Raw tuples of six columns: a chart of 50 long runs reads 50,000+ rows, objects cost 3x. */
  metricColumn(id: string, metric: string): MetricTuple[] {
    // A column name only from the fixed list; any other name is a value (an extra metric).
    const column = (METRIC_COLUMNS as readonly string[]).includes(metric) ? metric : null;
    const key = column ?? '\0extra';
    let stmt = this.columnStatements.get(key);
    if (!stmt) {
      stmt = this.sqlite
        .prepare(
          column
            ? `select seq, segment, iter, split, trained_tokens, ${column} from metrics where run_id = ? order by seq`
            : `select v.seq, v.segment, v.iter, v.split, m.trained_tokens, v.value from metric_values v
               left join metrics m on m.run_id = v.run_id and m.seq = v.seq
               where v.run_id = ? and v.name = ? order by v.seq`,
        )
        .raw();
      this.columnStatements.set(key, stmt);
    }
    return (column ? stmt.all(id) : stmt.all(id, metric)) as MetricTuple[];
  }

  paramsOf(id: string): ParamRow[] {
    // Raw read of the view: values keep their SQLite type (drizzle's numeric would turn 8 into "8").
    return this.sqlite
      .prepare('select run_id, key, value from params where run_id = ? order by key')
      .all(id) as ParamRow[];
  }

  metricValuesOf(id: string, name: string): MetricValueRow[] {
    return this.sqlite
      .prepare(
        `select ${columnsOf(METRIC_VALUE_COLUMNS)} from metric_values where run_id = ? and name = ? order by seq`,
      )
      .all(id, name) as MetricValueRow[];
  }

  metricNames(): string[] {
    return (this.sqlite.prepare('select distinct name from metric_values order by name').raw().all() as [string][]).map(
      (r) => r[0],
    );
  }

  /**
   * For runs push: one run's rows of a row table with fromSeq <= seq < toSeq, as raw tuples in
   * PUSH_COLUMNS order (raw and prepared once: drizzle objects cost 15 of the 52 s of a 10,000-run push).
   */
  pushRows(table: PushTable, id: string, fromSeq: number, toSeq: number): unknown[][] {
    let stmt = this.pushStatements.get(table);
    if (!stmt) {
      stmt = this.sqlite
        .prepare(
          `select ${PUSH_COLUMNS[table].join(', ')} from ${table} where run_id = ? and seq >= ? and seq < ? order by seq`,
        )
        .raw();
      this.pushStatements.set(table, stmt);
    }
    return stmt.all(id, fromSeq, toSeq) as unknown[][];
  }

  checkpointsOf(id: string): CheckpointRow[] {
    return this.sqlite
      .prepare(`select ${columnsOf(CHECKPOINT_COLUMNS)} from checkpoints where run_id = ? order by seq`)
      .all(id) as CheckpointRow[];
  }

  query(text: string, limit: number): SqlResult {
    return runReadOnlyQuery(this.readOnlyConnection(), text, limit);
  }

  queryStream(text: string, limit: number): SqlStream {
    return streamReadOnlyQuery(this.readOnlyConnection(), text, limit);
  }

  reader(): RunsReader {
    return sqliteReader(this);
  }

  /**
   * SQLite's data_version on the read-only connection: it moves when any other connection (the
   * freshness pass on ours, a `runs train` elsewhere) commits, and stays put otherwise.
   */
  dataVersion(): number {
    return this.readOnlyConnection().pragma('data_version', { simple: true }) as number;
  }

  private readOnlyConnection(): Sqlite {
    this.readOnly ??= openReadOnly(this.dbPath);
    return this.readOnly;
  }

  close(): void {
    this.readOnly?.close();
    this.readOnly = undefined;
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** The error preparing `sql` raises (nothing is run), or null when it prepares. */
function prepareError(db: Sqlite, sql: string): string | null {
  try {
    db.prepare(sql);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Raw rows of `select * from runs` → RunRow (git_dirty: 0/1 stored, a boolean in the row, as drizzle reads it). */
function mapRunRow(r: Record<string, unknown>): RunRow {
  return { ...(r as unknown as RunRow), git_dirty: r.git_dirty === null ? null : Boolean(r.git_dirty) };
}
