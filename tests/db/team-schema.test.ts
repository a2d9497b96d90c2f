// The team schema (PostgreSQL) comes from the same column definitions as the local index: the
// committed migrations-pg/ apply on connect (also when several hosts connect first at once), make
// the same columns as migrations/ does for SQLite, and a schema newer than this program is refused.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTree } from '../helpers/tree.js';

/** SQLite declared type → what the team column must be. */
const PG_TYPE: Record<string, string> = { text: 'text', integer: 'integer', real: 'double precision' };
const BOOLEAN_COLUMNS = new Set(['git_dirty']); // integer { mode: 'boolean' } in SQLite

async function migratedSqlite(): Promise<Database.Database> {
  const tree = makeTree();
  expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
  return new Database(tree.db, { readonly: true });
}

const journalCount = (folder: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, folder, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    }
  ).entries.length;

describe.skipIf(!pgAvailable)('team schema (PostgreSQL)', { timeout: 120_000 }, () => {
  const dbs: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createDatabase();
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });
  const team = (db: TestDatabase, ...argv: string[]) => runCli(['--team', ...argv], { env: { RUNS_TEAM_DB: db.url } });

  it('has the columns of the local index: same names, types, nullability; keyed by uid', async () => {
    const db = await fresh();
    expect((await team(db, 'list')).exitCode).toBe(0);
    const sqlite = await migratedSqlite();
    try {
      for (const table of ['runs', 'metrics', 'metric_values', 'checkpoints']) {
        const local = (
          sqlite.prepare(`select name, type, "notnull" as nn from pragma_table_info(?) order by cid`).all(table) as {
            name: string;
            type: string;
            nn: number;
          }[]
        ).map((c) => ({
          name: c.name === 'run_id' ? 'run_uid' : c.name,
          type: BOOLEAN_COLUMNS.has(c.name) ? 'boolean' : PG_TYPE[c.type.toLowerCase()],
          notnull: c.nn === 1 || (table === 'runs' && (c.name === 'uid' || c.name === 'host')),
        }));
        const remote = await db.sql<{ name: string; type: string; notnull: boolean }>(
          `select column_name as name, data_type as type, is_nullable = 'NO' as notnull from information_schema.columns
           where table_schema = 'public' and table_name = $1 order by ordinal_position`,
          [table],
        );
        // (Order aside: SQLite appends columns added by later migrations at the end.)
        const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
        expect(remote.sort(byName)).toEqual(local.sort(byName));
      }
    } finally {
      sqlite.close();
    }
    const keys = await db.sql<{ table: string; def: string }>(
      `select conrelid::regclass::text as table, pg_get_constraintdef(oid) as def from pg_constraint where contype = 'p' and connamespace = 'public'::regnamespace order by 1`,
    );
    expect(keys).toEqual([
      { table: 'checkpoints', def: 'PRIMARY KEY (run_uid, seq)' },
      { table: 'metric_values', def: 'PRIMARY KEY (run_uid, seq, name)' },
      { table: 'metrics', def: 'PRIMARY KEY (run_uid, seq)' },
      { table: 'push_state', def: 'PRIMARY KEY (run_uid)' },
      { table: 'runs', def: 'PRIMARY KEY (uid)' },
    ]);
    const views = await db.sql(`select table_name from information_schema.views where table_schema = 'public'`);
    expect(views).toEqual([{ table_name: 'params' }]);
    const roles = await db.sql(`select rolname from pg_roles where rolname like 'runs\\_%' order by 1`);
    expect(roles).toEqual([{ rolname: 'runs_pusher' }, { rolname: 'runs_reader' }]);
    expect(await db.sql('select count(*)::int as n from drizzle.__drizzle_migrations')).toEqual([
      { n: journalCount('migrations-pg') },
    ]);
  });

  it('applies the migrations once when several hosts connect to a new database at the same time', async () => {
    const db = await fresh();
    const results = await Promise.all([1, 2, 3, 4].map(() => team(db, 'list', '--json')));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe('[]\n');
    }
    expect(await db.sql('select count(*)::int as n from drizzle.__drizzle_migrations')).toEqual([
      { n: journalCount('migrations-pg') },
    ]);
  });

  it('refuses a schema newer than this runs: upgrade, do not touch it', async () => {
    const db = await fresh();
    expect((await team(db, 'list')).exitCode).toBe(0);
    await db.sql(
      `insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-runs', 99999999999999)`,
    );
    for (const argv of [['--team', 'list'], ['push']]) {
      const tree = makeTree();
      const r = await runCli([...tree.flags, ...argv], { env: { RUNS_TEAM_DB: db.url } });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(
        'Error: the team database has a newer schema than this runs (1 migration(s) it does not know): upgrade runs on this machine (npm i -g runs@latest)\n',
      );
    }
  });
});
