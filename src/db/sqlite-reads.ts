// The SQLite index's reads: what the async reader (reader.ts) answers from, and what the indexer's
// publisher reads of this machine's runs. Reads use drizzle, except where a raw statement is much
// cheaper (params keep their SQLite types; chart columns as tuples). User SQL (`runs sql`,
// --where) only ever runs on a separate read-only connection.
import { and, asc, desc, eq, gt, getTableColumns, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { RefCandidate } from '../core/run-ref.js';
import type { SortKey } from '../core/sort-keys.js';
import { openReadOnly, type OpenedDatabase, type Sqlite } from './client.js';
import {
  PUSH_COLUMNS,
  RUN_BOOLEAN_POSITIONS,
  RUN_COLUMNS as RUN_TUPLE_COLUMNS,
  type PushTable,
} from './push-columns.js';
import type { ListQuery, RunTuple } from './local-index.js';
import { runReadOnlyQuery, streamReadOnlyQuery, type SqlResult, type SqlStream } from './read-only-sql.js';
import { METRIC_COLUMNS, sqliteReader, type MetricTuple, type RunsReader, type SqliteReadSide } from './reader.js';
import { checkpoints, metricValues, metrics, runs } from './schema.js';
import type { ParamRow, RunRow } from './schema.js';
import { checkedWhere, unknownColumnHint, verifyWhereShape, WhereError } from './where-clause.js';

const SORT_COLUMNS = {
  started: runs.started_at,
  val_loss: runs.best_val_loss,
  final_val_loss: runs.final_val_loss,
  train_loss: runs.final_train_loss,
  test_loss: runs.test_loss,
  iters: runs.iters,
  tokens_per_sec: runs.tokens_per_sec,
  peak_mem: runs.peak_mem_gb,
  duration: runs.duration_s,
} satisfies Record<SortKey, unknown>;

/** Property names = SQL column names (STYLE.md §5), so rows bind straight to @name parameters. */
const RUN_COLUMNS = Object.keys(getTableColumns(runs));
const TUPLE_ID = RUN_TUPLE_COLUMNS.indexOf('id');
const TUPLE_UID = RUN_TUPLE_COLUMNS.indexOf('uid');

export class SqliteReads implements SqliteReadSide {
  protected readonly sqlite: Sqlite;
  private readOnly: Sqlite | undefined;
  /** Column names of `select * from runs` as this build's query lists them (for the --where shape check). */
  private runColumns: string[] | undefined;
  private readonly columnStatements = new Map<string, Database.Statement>();
  private readonly pushStatements = new Map<PushTable, Database.Statement>();

  constructor(
    readonly dbPath: string,
    protected readonly opened: OpenedDatabase,
  ) {
    this.sqlite = opened.sqlite;
  }

  protected get db() {
    return this.opened.db;
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
    // Runs without a value sort last in both directions.
    const order = [asc(sql`${column} is null`), q.descending ? desc(column) : asc(column), desc(runs.id)];
    if (q.where !== undefined) return this.listWithWhere(q, order);
    // Read as two queries, the runs with a value and then the rest, so that each walks the sort
    // column's index: `order by col is null, col` cannot use it and reads and sorts the whole table
    // (at 10k runs `list --sort val_loss --limit 20`: ~35 ms cold against ~2 ms). Same order.
    const status = q.status ? eq(runs.status, q.status) : undefined;
    const part = (withValue: boolean, limit: number | undefined) => {
      const query = this.db
        .select()
        .from(runs)
        .where(and(withValue ? isNotNull(column) : isNull(column), status))
        .orderBy(...(withValue ? [order[1]!, order[2]!] : [order[2]!]));
      return limit === undefined ? query.all() : query.limit(limit).all();
    };
    const limit = q.limit ? q.limit : undefined;
    const valued = part(true, limit);
    if (limit !== undefined && valued.length >= limit) return valued;
    return [...valued, ...part(false, limit === undefined ? undefined : limit - valued.length)];
  }

  /** --where is user SQL: it only ever runs on the read-only connection, after both guards (where-clause.ts). */
  private listWithWhere(q: ListQuery, order: SQL[]): RunRow[] {
    const where = checkedWhere(q.where!);
    const build = (filter: SQL) =>
      this.db
        .select()
        .from(runs)
        .where(and(filter, q.status ? eq(runs.status, q.status) : undefined))
        .orderBy(...order)
        .limit(q.limit ?? -1)
        .toSQL();
    const built = build(sql.raw(`(${where})`));
    const ro = this.readOnlyConnection();
    let stmt;
    try {
      stmt = ro.prepare(built.sql);
    } catch (err) {
      const message = (err as Error).message;
      throw new WhereError(
        `--where "${q.where}" is not a valid filter: ${message}${unknownColumnHint(message, RUN_COLUMNS)}`,
      );
    }
    // The shape the statement must have: the same query with a filter that is surely one expression.
    this.runColumns ??= ro
      .prepare(build(sql.raw('(1)')).sql)
      .columns()
      .map((c) => c.column ?? c.name);
    verifyWhereShape(ro, stmt, where, this.runColumns);
    let rows: Record<string, unknown>[];
    try {
      rows = stmt.all(...built.params) as Record<string, unknown>[];
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
    const rows = this.sqlite
      .prepare(
        `select ${RUN_TUPLE_COLUMNS.join(', ')} from runs ${id === undefined ? '' : 'where id = ?'}
         order by started_at is null, started_at, id desc`,
      )
      .raw()
      .all(...(id === undefined ? [] : [id])) as unknown[][];
    return rows.map((values) => {
      for (const i of RUN_BOOLEAN_POSITIONS) values[i] = values[i] === null ? null : Boolean(values[i]);
      return { id: values[TUPLE_ID] as string, uid: values[TUPLE_UID] as string | null, values };
    });
  }

  getRun(id: string) {
    return this.db.select().from(runs).where(eq(runs.id, id)).get();
  }

  metricsOf(id: string, afterSeq?: number) {
    const where =
      afterSeq === undefined ? eq(metrics.run_id, id) : and(eq(metrics.run_id, id), gt(metrics.seq, afterSeq));
    return this.db.select().from(metrics).where(where).orderBy(asc(metrics.seq)).all();
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

  metricValuesOf(id: string, name: string) {
    return this.db
      .select()
      .from(metricValues)
      .where(and(eq(metricValues.run_id, id), eq(metricValues.name, name)))
      .orderBy(asc(metricValues.seq))
      .all();
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

  checkpointsOf(id: string) {
    return this.db.select().from(checkpoints).where(eq(checkpoints.run_id, id)).orderBy(asc(checkpoints.seq)).all();
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

/** Raw rows of `select * from runs` → the drizzle row type (booleans). */
function mapRunRow(r: Record<string, unknown>): RunRow {
  return { ...(r as unknown as RunRow), git_dirty: r.git_dirty === null ? null : Boolean(r.git_dirty) };
}
