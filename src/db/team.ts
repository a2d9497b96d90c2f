// The team database: every member's runs in one PostgreSQL database (README "Working as a team").
// Opening it applies migrations-pg/ (under an advisory lock: two hosts may connect first at once)
// and refuses a schema newer than this program. Reads go through the same RunsReader as the local
// index; writes only through TeamPusher.pushBatch, which never removes another host's rows (there
// is no clear() or removeRuns() on this backend, by construction).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { RunsError } from '../core/errors.js';
import type { RefCandidate } from '../core/run-ref.js';
import { SORT_KEY_COLUMNS } from '../core/sort-keys.js';
import { migrationsFolder } from './client.js';
import { PUSH_COLUMNS, type PushTable } from './push-columns.js';
import { METRIC_COLUMNS, type MetricTuple, type ReaderListQuery, type RunsReader } from './reader.js';
import type { SqlResult } from './read-only-sql.js';
import { ReadOnlyViolation } from './read-only-sql.js';
import { METRIC_TABLE_COLUMNS, RUN_COLUMNS } from './columns.js';
import { checkedWhere, unknownColumnHint, WhereError } from './where-clause.js';
import type { CheckpointRow, MetricRow, MetricValueRow, ParamRow, RunRow } from './schema.js';

/** The role `runs --team sql` and `--where` run under (created by migrations-pg/0001). */
export const READER_ROLE = 'runs_reader';
export const DEFAULT_SQL_TIMEOUT_S = 30;
/** Any constant: the key of the advisory lock taken while migrating. */
const MIGRATE_LOCK = 7_262_014;
const CONNECT_TIMEOUT_MS = 10_000;

/** The `metrics` columns after run_id (the team table has run_uid in its place). */
const METRIC_VALUE_COLUMNS = METRIC_TABLE_COLUMNS.filter((c) => c !== 'run_id');

/** The URL with the password hidden, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** A connection problem or a PostgreSQL refusal, said in one line with what to fix. */
export function describeTeamError(err: unknown, url: string): string | null {
  const e = err as { code?: string; message?: string; address?: string; port?: number; errors?: unknown[] };
  const where = safeHostPort(url);
  const message = e?.message ?? String(err);
  if (
    e?.code === 'ECONNREFUSED' ||
    (Array.isArray(e?.errors) && (e.errors as { code?: string }[]).some((x) => x.code === 'ECONNREFUSED'))
  ) {
    return `cannot reach the team database at ${where} (connection refused): start PostgreSQL there, or fix RUNS_TEAM_DB / --team-db`;
  }
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN')
    return `cannot resolve the team database host in ${redactUrl(url)}: fix RUNS_TEAM_DB / --team-db`;
  if (e?.code === '28P01' || e?.code === '28000') {
    return `the team database at ${where} refused the login (${message}): fix the user or password in RUNS_TEAM_DB / --team-db`;
  }
  if (e?.code === '3D000')
    return `${message} at ${where}: create it (createdb) or fix the database name in RUNS_TEAM_DB / --team-db`;
  if (e?.code === '42501')
    return `the team database refused: ${message}; ask its owner to grant you the runs_pusher role (README "Working as a team")`;
  if (e?.code === 'ETIMEDOUT' || /timeout expired|timed out/i.test(message)) {
    return `the team database at ${where} did not answer in time: check that it is up and reachable`;
  }
  if (
    e?.code === 'ECONNRESET' ||
    e?.code === '57P01' ||
    e?.code === '57P02' ||
    e?.code === '57P03' ||
    /Connection terminated/i.test(message)
  ) {
    return `lost the connection to the team database at ${where} (${message}); nothing half-written is kept: run the command again`;
  }
  if (e?.code === 'SASL' || /SASL|password must be a string/i.test(message)) {
    return `the team database at ${where} wants a password: put it in RUNS_TEAM_DB (postgres://user:password@host/db)`;
  }
  return null;
}

function safeHostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || 5432}`;
  } catch {
    return redactUrl(url);
  }
}

/** Wraps a failing PostgreSQL call so the user sees one line, not a stack. */
async function guarded<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RunsError || err instanceof ReadOnlyViolation || err instanceof WhereError) throw err;
    const text = describeTeamError(err, url);
    if (text) throw new RunsError(text);
    throw err;
  }
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RunsError(
      `the team database "${redactUrl(url)}" is not a URL: use postgres://user:password@host:5432/dbname`,
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new RunsError(
      `the team database must be a PostgreSQL URL (postgres://user:password@host/db), got ${u.protocol}//…`,
    );
  }
}

function pgTypes(): pg.CustomTypesConfig {
  // count(*) is int8 and avg() of integers is numeric: pg hands both over as strings. As numbers
  // they print as the local index does (JSON 2, not "2"); only beyond 2^53 they stay text.
  const asNumber = (v: string) => {
    const n = Number(v);
    return Number.isFinite(n) && (Number.isSafeInteger(n) || v.includes('.') || v.includes('e')) ? n : v;
  };
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20 || oid === 1700
        ? asNumber
        : (pg.types.getTypeParser(oid, format as 'text') as (
            value: string,
          ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export interface TeamOpenOptions {
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

interface TeamConnection {
  client: pg.Client;
  url: string;
}

/** Connects and brings the schema up to date (or refuses a newer one). */
export async function openTeamDatabase(url: string, opts: TeamOpenOptions = {}): Promise<TeamDatabase> {
  checkUrl(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // A server that accepts the connection and then stalls must not hold a query forever.
    ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}),
    types: pgTypes(),
    application_name: 'runs',
  });
  // An idle connection that dies (server restart) must not crash the process with an 'error' event.
  client.on('error', () => {});
  await guarded(url, () => client.connect());
  try {
    await guarded(url, () => migrateTeam(client));
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return new TeamDatabase({ client, url });
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

async function appliedMigrations(client: pg.Client): Promise<number[]> {
  const exists = await client.query<{ ok: boolean }>(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as ok`,
  );
  if (exists.rows[0]?.ok !== true) return [];
  const rows = await client.query('select created_at from drizzle.__drizzle_migrations order by created_at');
  return rows.rows.map((r: { created_at: string | number }) => Number(r.created_at));
}

/**
 * The advisory lock is per database, but roles are per cluster: two team databases of one cluster
 * migrating at once both add the role memberships of migrations-pg/0001 (GRANT role TO role, a
 * row in the shared pg_auth_members), and the later one fails with a unique violation (or
 * "tuple concurrently updated") once the first commits.
 */
function clusterCatalogRace(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  const message = `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
  return code === '23505' || code === '40P01' || (code === 'XX000' && /concurrently/.test(message));
}

async function migrateTeam(client: pg.Client): Promise<void> {
  const folder = migrationsFolder('migrations-pg');
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
  const known = journal.entries.map((e) => e.when);
  const newest = Math.max(...known);
  const check = (applied: number[]) => {
    const unknown = applied.filter((w) => w > newest);
    if (unknown.length > 0) {
      throw new RunsError(
        `the team database has a newer schema than this runs (${unknown.length} migration(s) it does not know): upgrade runs on this machine (npm i -g runs@latest)`,
      );
    }
    return applied.length >= known.length;
  };
  // Cheap when up to date (one query), and a pusher without CREATE rights never needs to migrate.
  if (check(await appliedMigrations(client))) return;
  await client.query('select pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    for (let attempt = 1; ; attempt++) {
      if (check(await appliedMigrations(client))) return;
      try {
        await migrate(drizzle(client), { migrationsFolder: folder });
        return;
      } catch (err) {
        // The migrations ran in one transaction, rolled back whole: the next try starts clean
        // and finds the other database's catalog rows committed.
        if (attempt >= 3 || !clusterCatalogRace(err)) throw err;
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => {});
  }
}

/** `host:id` → [host, id]; ids never contain ':', host names never do either. */
function splitQualified(id: string): [string, string] {
  const i = id.indexOf(':');
  if (i < 0) throw new RunsError(`"${id}" is not a team run id (host:id)`);
  return [id.slice(0, i), id.slice(i + 1)];
}

/**
 * A team row, with the id a team reader shows: host:id (what refs and output use). A parent is a
 * run of the same root, so of the same host: host:parent.
 */
function toRunRow(r: Record<string, unknown>): RunRow {
  const host = r.host as string;
  const parent = r.parent as string | null;
  return {
    ...(r as unknown as RunRow),
    id: `${host}:${r.id as string}`,
    parent: parent === null ? null : `${host}:${parent}`,
  };
}

/** The statement a user typed, run under the reader role in a read-only transaction. */
async function readOnly<T>(client: pg.Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  await client.query('begin transaction read only');
  try {
    // SET LOCAL: both end with the transaction, whatever the statement did.
    await client.query(`set local statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
    await client.query(`set local role ${READER_ROLE}`);
    return await fn();
  } finally {
    await client.query('rollback').catch(() => {});
  }
}

function sqlFailure(err: unknown, timeoutMs: number): Error {
  const e = err as { code?: string; message?: string };
  if (e?.code === '25006' || e?.code === '42501' || (e?.code === '0A000' && /read-only|COPY/i.test(e.message ?? ''))) {
    return new ReadOnlyViolation(
      `runs --team sql is read-only (${e.message}); change runs on their own machine (runs tag / runs note) and push`,
    );
  }
  if (e?.code === '57014') {
    return new ReadOnlyViolation(
      `the query ran past its time limit of ${timeoutMs / 1000} s and was stopped: narrow it, or pass --timeout S`,
    );
  }
  if (e?.code === '42601' && /multiple commands/i.test(e.message ?? '')) {
    return new ReadOnlyViolation('runs --team sql takes one statement (no ";" between statements)');
  }
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code)) return new ReadOnlyViolation(`SQL error: ${e.message}`);
  return err as Error;
}

export class TeamDatabase {
  /** Private: the one connection is shared by interleaved requests, so all use goes through exclusive(). */
  private readonly client: pg.Client;
  readonly url: string;
  private readonly uids = new Map<string, string>();
  /** The tail of the queue of work on the one connection (see exclusive()). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(c: TeamConnection) {
    this.client = c.client;
    this.url = c.url;
  }

  /**
   * Runs fn alone on the connection. pg queues single queries by itself, but a transaction is
   * several: a page of `runs --team ui` asking for charts while another request's --where runs in
   * its read-only reader-role transaction would otherwise run inside it (or end it).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private q<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) {
    return this.exclusive(() => guarded(this.url, () => this.client.query<R>(text, values)));
  }

  /** The RunsReader over the team database: every host's runs, ids as host:id. */
  reader(): RunsReader {
    return {
      listRuns: (q) => this.listRuns(q),
      getRun: (id) => this.getRun(id),
      metricsOf: (id, q) => this.metricsOf(id, q?.afterSeq),
      paramsOf: (id) => this.paramsOf(id),
      checkpointsOf: (id) => this.checkpointsOf(id),
      metricColumn: (id, metric) => this.metricColumn(id, metric),
      metricNames: async () =>
        // Byte order, as SQLite sorts text.
        (
          await this.q<{ name: string }>('select name from metric_values group by name order by name collate "C"')
        ).rows.map((r) => r.name),
      metricValuesOf: (id, name) => this.metricValuesOf(id, name),
      refCandidates: () => this.refCandidates(),
      query: (text, limit, opts) => this.query(text, limit, opts?.timeoutMs ?? DEFAULT_SQL_TIMEOUT_S * 1000),
      queryStream: (text, limit, opts) => this.query(text, limit, opts?.timeoutMs ?? DEFAULT_SQL_TIMEOUT_S * 1000),
      changeToken: async () => {
        const r = await this.q<{ t: string }>(
          `select coalesce(max(pushed_at), '') || ':' || count(*) as t from push_state`,
        );
        return String(r.rows[0]!.t);
      },
    };
  }

  async listRuns(q: ReaderListQuery): Promise<RunRow[]> {
    const column = SORT_KEY_COLUMNS[q.sort];
    // Runs without a value last in both directions; ties newest id first, as the local index.
    const order = `(${column} is null), ${column} ${q.descending ? 'desc' : 'asc'}, id collate "C" desc, host collate "C" desc`;
    const values: unknown[] = [];
    const filters: string[] = [];
    if (q.status) {
      values.push(q.status);
      filters.push(`status = $${values.length}`);
    }
    // The same scan as locally (where-clause.ts); what it cannot rule out for PostgreSQL's own
    // quoting (E'…', $$…$$) still runs only as a read-only reader-role statement, rolled back.
    if (q.where !== undefined) filters.push(`(${checkedWhere(q.where)})`);
    const text = `select * from runs${filters.length ? ` where ${filters.join(' and ')}` : ''} order by ${order}${q.limit ? ` limit ${Math.trunc(q.limit)}` : ''}`;
    if (q.where === undefined) return (await this.q(text, values)).rows.map(toRunRow);
    // --where is user SQL: it runs where `runs --team sql` does, under the reader role, read-only.
    return this.exclusive(() =>
      guarded(this.url, () =>
        readOnly(this.client, DEFAULT_SQL_TIMEOUT_S * 1000, async () => {
          try {
            const r = await this.client.query({ text, values, queryMode: 'extended' } as pg.QueryConfig);
            return r.rows.map(toRunRow);
          } catch (err) {
            const e = err as { code?: string; message?: string };
            if (e?.code && /^[0-9A-Z]{5}$/.test(e.code))
              throw new WhereError(
                `--where "${q.where}" is not a valid filter: ${e.message}${unknownColumnHint(e.message ?? '', RUN_COLUMNS)}`,
              );
            throw err;
          }
        }),
      ),
    );
  }

  async getRun(id: string): Promise<RunRow | undefined> {
    const [host, local] = splitQualified(id);
    const r = await this.q('select * from runs where host = $1 and id = $2', [host, local]);
    const row = r.rows[0];
    if (!row) return undefined;
    this.uids.set(id, row.uid as string);
    return toRunRow(row);
  }

  private async uidOf(id: string): Promise<string | undefined> {
    if (!this.uids.has(id)) await this.getRun(id);
    return this.uids.get(id);
  }

  async metricsOf(id: string, afterSeq?: number): Promise<MetricRow[]> {
    const uid = await this.uidOf(id);
    if (!uid) return [];
    const r = await this.q(
      `select $1::text as run_id, ${METRIC_VALUE_COLUMNS.join(', ')}
       from metrics where run_uid = $2 and seq > $3 order by seq`,
      [id, uid, afterSeq ?? -1],
    );
    return r.rows as unknown as MetricRow[];
  }

  async metricColumn(id: string, metric: string): Promise<MetricTuple[]> {
    // A column name only from the fixed list; any other name is a value (an extra metric), as locally.
    const column = (METRIC_COLUMNS as readonly string[]).includes(metric) ? metric : null;
    const uid = await this.uidOf(id);
    if (!uid) return [];
    const r = await this.exclusive(() =>
      this.client.query({
        text: column
          ? `select seq, segment, iter, split, trained_tokens, ${column} from metrics where run_uid = $1 order by seq`
          : `select v.seq, v.segment, v.iter, v.split, m.trained_tokens, v.value from metric_values v
             left join metrics m on m.run_uid = v.run_uid and m.seq = v.seq
             where v.run_uid = $1 and v.name = $2 order by v.seq`,
        values: column ? [uid] : [uid, metric],
        rowMode: 'array',
      }),
    );
    return r.rows as MetricTuple[];
  }

  async metricValuesOf(id: string, name: string): Promise<MetricValueRow[]> {
    const uid = await this.uidOf(id);
    if (!uid) return [];
    const r = await this.q(
      `select $1::text as run_id, seq, segment, iter, split, name, value from metric_values
       where run_uid = $2 and name = $3 order by seq`,
      [id, uid, name],
    );
    return r.rows as unknown as MetricValueRow[];
  }

  async paramsOf(id: string): Promise<ParamRow[]> {
    const uid = await this.uidOf(id);
    if (!uid) return [];
    const r = await this.q(
      `select $1::text as run_id, key, value from params where run_uid = $2 order by key collate "C"`,
      [id, uid],
    );
    return r.rows as unknown as ParamRow[];
  }

  async checkpointsOf(id: string): Promise<CheckpointRow[]> {
    const uid = await this.uidOf(id);
    if (!uid) return [];
    const r = await this.q(
      `select $1::text as run_id, seq, segment, iter, file from checkpoints where run_uid = $2 order by seq`,
      [id, uid],
    );
    return r.rows as unknown as CheckpointRow[];
  }

  async refCandidates(): Promise<RefCandidate[]> {
    const r = await this.q<{ host: string; id: string; started_at: string | null }>(
      'select host, id, started_at from runs',
    );
    return r.rows.map((x) => ({
      id: `${x.host}:${x.id}`,
      startedMs: x.started_at ? Date.parse(x.started_at) || 0 : 0,
    }));
  }

  /**
   * `runs --team sql`: one statement (the extended protocol refuses more), in a READ ONLY
   * transaction, under the reader role (a read-only transaction alone still lets a superuser
   * COPY … TO PROGRAM), stopped after timeoutMs.
   */
  async query(text: string, limit: number, timeoutMs: number): Promise<SqlResult> {
    return this.exclusive(() =>
      guarded(this.url, () =>
        readOnly(this.client, timeoutMs, async () => {
          let r: pg.QueryArrayResult;
          try {
            r = await this.client.query({ text, queryMode: 'extended', rowMode: 'array' } as pg.QueryArrayConfig);
          } catch (err) {
            throw sqlFailure(err, timeoutMs);
          }
          const columns = (r.fields ?? []).map((f) => f.name);
          const rows: Record<string, unknown>[] = [];
          for (const values of ((r.rows ?? []) as unknown[][]).slice(0, limit)) {
            const o: Record<string, unknown> = {};
            columns.forEach((c, i) => (o[c] = values[i]));
            rows.push(o);
          }
          return { columns, rows, truncated: (r.rows?.length ?? 0) > limit };
        }),
      ),
    );
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }

  /**
   * Drops the connection now, without the goodbye end() waits for: a server that stopped
   * answering must not keep this process (a finished `runs train`) alive. A query in flight fails.
   */
  destroy(): void {
    (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    this.client.end().catch(() => {});
  }

  /**
   * The row hash (and values_seq) the team database holds of each of one host's runs, by uid: all a
   * push needs to skip unchanged runs (two columns as arrays: 10,000 rows parse in a fraction).
   */
  async pushedHashes(host: string): Promise<Map<string, { row_hash: string | null; values_seq: number | null }>> {
    const r = await this.exclusive(() =>
      guarded(this.url, () =>
        this.client.query<[string, string | null, number | null]>({
          text: `select r.uid, s.row_hash, s.values_seq from runs r left join push_state s on s.run_uid = r.uid
                 where r.host = $1`,
          values: [host],
          rowMode: 'array',
        }),
      ),
    );
    return new Map(r.rows.map(([uid, row_hash, values_seq]) => [uid, { row_hash, values_seq }]));
  }

  /** What the team database holds of one host's runs (for deciding what to send). */
  async pushState(host: string): Promise<Map<string, TeamRunState>> {
    const r = await this.q<TeamRunState & { uid: string }>(
      `select r.uid, r.id, r.host, s.row_hash, s.metric_rows, s.checkpoint_rows, s.values_seq
       from runs r left join push_state s on s.run_uid = r.uid where r.host = $1`,
      [host],
    );
    return new Map(r.rows.map((x) => [x.uid, x]));
  }

  /**
   * One transaction for a batch of runs: the host's advisory lock (two pushes of one host queue
   * instead of interleaving), the exact state of these runs read under it, then only what the
   * team database lacks: the tail of each run's rows (COPY), the runs row, the bookkeeping. Killed
   * half-way, it rolls back whole, so the next push starts from exact counts.
   */
  async pushBatch(host: string, runs: PushRun[], source: PushSource): Promise<PushBatchResult> {
    return this.exclusive(() => this.pushBatchAlone(host, runs, source));
  }

  private pushBatchAlone(host: string, runs: PushRun[], source: PushSource): Promise<PushBatchResult> {
    return guarded(this.url, async () => {
      const c = this.client;
      await c.query('begin');
      try {
        await c.query(`select pg_advisory_xact_lock(hashtext('runs push ' || $1))`, [host]);
        const uids = runs.map((r) => r.uid);
        const state = new Map(
          (
            await c.query<TeamRunState & { uid: string }>(
              `select r.uid, r.host, r.id, s.row_hash, s.metric_rows, s.checkpoint_rows, s.values_seq
               from runs r left join push_state s on s.run_uid = r.uid where r.uid = any($1)`,
              [uids],
            )
          ).rows.map((x) => [x.uid, x]),
        );
        // Same host and id under another uid: that run was replaced on this machine (the folder
        // re-made); its old record is this host's own, and host:id must stay one run.
        const replaced = await c.query<{ uid: string }>(
          `select r.uid from runs r join unnest($2::text[], $3::text[]) as t(id, uid) on r.id = t.id
           where r.host = $1 and r.uid <> t.uid`,
          [host, runs.map((r) => r.row.id), uids],
        );
        const gone = replaced.rows.map((x) => x.uid);
        if (gone.length) {
          for (const t of ['metrics', 'metric_values', 'checkpoints', 'push_state'])
            await c.query(`delete from ${t} where run_uid = any($1)`, [gone]);
          await c.query('delete from runs where host = $1 and uid = any($2)', [host, gone]);
        }
        const result: PushBatchResult = { new: 0, grown: 0, updated: 0, unchanged: 0, metricRows: 0, skipped: [] };
        const tails: {
          run: PushRun;
          held: TeamRunState | undefined;
          fromMetric: number;
          fromValue: number;
          fromCheckpoint: number;
        }[] = [];
        for (const run of runs) {
          const s = state.get(run.uid);
          if (s && s.host !== host) {
            result.skipped.push(
              `${run.row.id}: its uid ${run.uid} is already ${s.host}:${s.id} in the team database (a copied folder?); not pushed`,
            );
            continue;
          }
          if (s && s.row_hash === run.hash && s.values_seq !== null) {
            result.unchanged++;
            continue;
          }
          // Rows from an unfinished last line may still change: re-send from the committed point.
          const fromMetric = Math.min(s?.metric_rows ?? 0, run.committedMetrics);
          const fromCheckpoint = Math.min(s?.checkpoint_rows ?? 0, run.committedCheckpoints);
          // Extra metrics belong to metric rows: re-sent from the same point (all of them when
          // this run was pushed before they were carried).
          const fromValue = s?.values_seq == null ? 0 : Math.min(s.values_seq, fromMetric);
          tails.push({ run, held: s, fromMetric, fromValue, fromCheckpoint });
        }
        if (tails.length) {
          for (const [table, col] of [
            ['metrics', 'fromMetric'],
            ['metric_values', 'fromValue'],
            ['checkpoints', 'fromCheckpoint'],
          ] as const) {
            await c.query(
              `delete from ${table} t using unnest($1::text[], $2::int[]) as x(uid, from_seq) where t.run_uid = x.uid and t.seq >= x.from_seq`,
              [tails.map((t) => t.run.uid), tails.map((t) => t[col])],
            );
          }
        }
        const metricsSent = await copyTails(
          c,
          'metrics',
          tails.map((t) => ({ uid: t.run.uid, id: t.run.row.id, from: t.fromMetric })),
          source,
        );
        const metricTotals = tails.map((t, i) => t.fromMetric + metricsSent[i]!);
        // The extra metrics of exactly the metric rows just sent (seq < the run's metric total).
        await copyTails(
          c,
          'metric_values',
          tails.map((t, i) => ({ uid: t.run.uid, id: t.run.row.id, from: t.fromValue, to: metricTotals[i] })),
          source,
        );
        const checkpointsSent = await copyTails(
          c,
          'checkpoints',
          tails.map((t) => ({ uid: t.run.uid, id: t.run.row.id, from: t.fromCheckpoint })),
          source,
        );
        const sent = tails.map((t, i) => {
          const haveMetrics = t.held?.metric_rows ?? 0;
          const metricTotal = metricTotals[i]!;
          if (!t.held || t.held.row_hash === null) result.new++;
          else if (metricTotal > haveMetrics) result.grown++;
          else result.updated++;
          result.metricRows += Math.max(0, metricTotal - haveMetrics);
          return { run: t.run, metrics: metricTotal, checkpoints: t.fromCheckpoint + checkpointsSent[i]! };
        });
        await upsertRuns(
          c,
          host,
          sent.map((s) => s.run),
        );
        if (sent.length) {
          await c.query(
            `insert into push_state (run_uid, row_hash, metric_rows, checkpoint_rows, values_seq, pushed_at)
             select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::text[])
             on conflict (run_uid) do update set row_hash = excluded.row_hash, metric_rows = excluded.metric_rows,
               checkpoint_rows = excluded.checkpoint_rows, values_seq = excluded.values_seq,
               pushed_at = excluded.pushed_at`,
            [
              sent.map((s) => s.run.uid),
              sent.map((s) => s.run.hash),
              sent.map((s) => s.metrics),
              sent.map((s) => s.checkpoints),
              sent.map((s) => s.metrics),
              sent.map(() => new Date().toISOString()),
            ],
          );
        }
        await c.query('commit');
        return result;
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      }
    });
  }
}

export interface TeamRunState {
  id: string;
  host: string;
  row_hash: string | null;
  metric_rows: number | null;
  checkpoint_rows: number | null;
  values_seq: number | null;
}

/** One local run to publish. */
export interface PushRun {
  uid: string;
  row: RunRow;
  hash: string;
  /** Local rows before these seqs are final (later ones came from an unfinished last line). */
  committedMetrics: number;
  committedCheckpoints: number;
}

/** Where the rows come from (the local index). */
export interface PushSource {
  /** One run's rows of a row table with fromSeq <= seq < toSeq, as tuples in PUSH_COLUMNS order. */
  rows(table: PushTable, id: string, fromSeq: number, toSeq: number): unknown[][];
}

export interface PushBatchResult {
  new: number;
  grown: number;
  updated: number;
  unchanged: number;
  metricRows: number;
  skipped: string[];
}

/** The identity of a run in the team database: its run.json uid, else one derived from host and id. */
export function teamUid(row: Pick<RunRow, 'uid' | 'id'>, host: string): string {
  if (row.uid) return row.uid;
  // An adopted folder has no uid: derive a stable one (UUID-shaped, version nibble 5 as in a
  // name-based UUID) from what survives moving the root and re-indexing: host and folder name.
  const h = createHash('sha1').update(`runs adopted\0${host}\0${row.id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The run tuple positions a row hash covers: all but the bookkeeping time (indexed_at) and host. */
const HASHED_POSITIONS = RUN_COLUMNS.flatMap((c, i) => (c === 'indexed_at' || c === 'host' ? [] : [i]));

/**
 * Names rowHash's recipe (the hashed columns, in order, and how each is written): the hashes a
 * push stored locally (run_hashes) are used only by a build with the same recipe, so a column
 * added or a change below makes every run's hash be computed again.
 */
export const ROW_HASH_SCHEME = `sha1-json-v1:${createHash('sha1')
  .update(HASHED_POSITIONS.map((i) => RUN_COLUMNS[i]).join(','))
  .digest('hex')
  .slice(0, 16)}`;

/** What identifies a version of a runs row (a tuple in RUN_COLUMNS order), without indexed_at. */
export function rowHash(tuple: readonly unknown[], host: string): string {
  // One update of the whole text: the same bytes as an update per column, at a fraction of the cost.
  let text = host;
  for (const i of HASHED_POSITIONS) text += '\0' + JSON.stringify(tuple[i] ?? null);
  return createHash('sha1').update(text).digest('hex');
}

/** Seqs read per SQLite statement: a run of millions of rows is never held whole. */
const PAGE_SEQS = 16_384;
/** COPY data is sent in chunks of about this many characters. */
const CHUNK_CHARS = 256 * 1024;
const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for NULL, backslash escapes in text. */
function copyText(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N';
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const text = String(v);
  return NEEDS_ESCAPE.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

/**
 * COPY of the tails of some runs' rows of one table (each run's rows from seq `from` on, below
 * `to` when given), read page by page from the local index while PostgreSQL takes the previous
 * chunk, so the encoding here and the server's inserts overlap. Returns the rows sent per run.
 */
async function copyTails(
  c: pg.Client,
  table: PushTable,
  tails: { uid: string; id: string; from: number; to?: number }[],
  source: PushSource,
): Promise<number[]> {
  const counts = tails.map(() => 0);
  if (!tails.length) return counts;
  async function* chunks() {
    let buf = '';
    for (let i = 0; i < tails.length; i++) {
      const t = tails[i]!;
      const prefix = copyText(t.uid) + '\t';
      const end = t.to ?? Infinity;
      for (let from = t.from; from < end; from += PAGE_SEQS) {
        const rows = source.rows(table, t.id, from, Math.min(from + PAGE_SEQS, end));
        for (const row of rows) {
          let line = prefix + copyText(row[0]);
          for (let k = 1; k < row.length; k++) line += '\t' + copyText(row[k]);
          buf += line + '\n';
        }
        counts[i]! += rows.length;
        if (buf.length >= CHUNK_CHARS) {
          yield buf;
          buf = '';
        }
        // Without an end: seqs are contiguous, so a short page is the run's last.
        if (t.to === undefined && rows.length < PAGE_SEQS) break;
      }
    }
    if (buf) yield buf;
  }
  await pipeline(
    Readable.from(chunks()),
    c.query(copyFrom(`copy ${table} (run_uid, ${PUSH_COLUMNS[table].join(', ')}) from stdin`)),
  );
  return counts;
}

/** Insert or update the runs rows of this host (never another host's: the uid check ran first). */
async function upsertRuns(c: pg.Client, host: string, runs: PushRun[]): Promise<void> {
  if (!runs.length) return;
  const cols = RUN_COLUMNS.join(', ');
  // All rows as one JSON parameter, typed by the table's own row type: a VALUES list of 53
  // parameters per run cost more to build, bind and plan than the rows themselves.
  const rows = JSON.stringify(runs.map((r) => ({ ...r.row, uid: r.uid, host })));
  await c.query(
    `insert into runs (${cols}) select ${cols} from json_populate_recordset(null::runs, $1::json)
     on conflict (uid) do update set ${RUN_COLUMNS.filter((k) => k !== 'uid')
       .map((k) => `${k} = excluded.${k}`)
       .join(', ')}
     where runs.host = excluded.host`,
    [rows],
  );
}
