// runs --team sql is read-only by construction, even on a superuser's connection (the tests
// connect as the cluster's superuser on purpose): one statement, a READ ONLY transaction, the
// runs_reader role, a statement timeout. Each case checks that nothing changed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

describe.skipIf(!pgAvailable)('runs --team sql (PostgreSQL, connected as a superuser)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  const marker = path.join(os.tmpdir(), `runs-pwned-${process.pid}`);
  beforeAll(async () => {
    db = await createDatabase();
    const [row] = await db.sql<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user');
    expect(row?.su).toBe(true);
    const tree = makeTree();
    addRun(tree, '2026-11-29_14-05-09', {
      log: '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log',
      manifest: completedManifest('2026-11-29_14-05-09'),
    });
    expect((await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: 'h' } })).exitCode).toBe(0);
  });
  afterAll(async () => {
    fs.rmSync(marker, { force: true });
    await db?.drop();
  });

  const sql = (...args: string[]) => runCli(['--team', 'sql', ...args], { env: { RUNS_TEAM_DB: db.url } });
  const counts = async () =>
    db.sql(
      `select (select count(*) from runs) as runs, (select count(*) from metrics) as metrics, (select count(*) from pg_tables where schemaname = 'public') as tables`,
    );

  it('reads', async () => {
    const r = await sql('select host, count(*) as n, min(best_val_loss) as best from runs group by host', '--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ host: 'h', n: 1, best: expect.any(Number) }]);
  });

  it.each([
    [
      'drop table runs',
      /^Error: runs --team sql is read-only \(cannot execute DROP TABLE in a read-only transaction\)/,
    ],
    ['delete from metrics', /^Error: runs --team sql is read-only \(/],
    ['SET TRANSACTION READ WRITE; drop table runs', /^Error: runs --team sql takes one statement/],
    [
      "select set_config('transaction_read_only', 'off', true), lo_create(0)",
      /^Error: SQL error: transaction read-write mode must be set before any query/,
    ],
    [
      "select set_config('role', 'postgres', true), pg_read_file('/etc/hostname')",
      /^Error: runs --team sql is read-only \(permission denied for function pg_read_file\)/,
    ],
    [
      `COPY (select 1) TO PROGRAM 'touch ${marker}'`,
      /^Error: runs --team sql is read-only \(must be superuser or have privileges of the pg_execute_server_program role/,
    ],
    [
      "select pg_read_file('/etc/passwd')",
      /^Error: runs --team sql is read-only \(permission denied for function pg_read_file\)/,
    ],
    ['select * from push_state', /^Error: runs --team sql is read-only \(permission denied for table push_state\)/],
    ['reset role; drop table runs', /^Error: runs --team sql takes one statement/],
    ['create table t (x int)', /^Error: runs --team sql is read-only/],
  ])('refuses %s', async (text, message) => {
    const before = await counts();
    const r = await sql(text);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await counts()).toEqual(before);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a lone SET TRANSACTION READ WRITE changes nothing: every statement ends in a rollback', async () => {
    const before = await counts();
    await sql('SET TRANSACTION READ WRITE');
    expect(await counts()).toEqual(before);
    expect(await db.sql('select count(*)::int as n from pg_largeobject_metadata')).toEqual([{ n: 0 }]);
  });

  it('stops a query that runs past --timeout, and the connection is usable afterwards', async () => {
    const r = await sql('select pg_sleep(30)', '--timeout', '0.5');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'Error: the query ran past its time limit of 0.5 s and was stopped: narrow it, or pass --timeout S\n',
    );
    const ok = await sql('select 1 as one', '--json');
    expect(JSON.parse(ok.stdout)).toEqual([{ one: 1 }]);
  });

  it('--timeout is only for --team; a bad value is a usage error', async () => {
    const local = await runCli(['sql', 'select 1', '--timeout', '5']);
    expect(local.exitCode).toBe(2);
    expect(local.stderr).toBe('Error: --timeout is for runs --team sql (local queries have no time limit)\n');
    const bad = await sql('select 1', '--timeout', '0');
    expect(bad.exitCode).toBe(2);
  });
});
