// Faults of runs push against a real PostgreSQL: the pushing backend killed in the middle of a push
// (its metric rows already sent, not yet committed), then the next push completes with exact counts
// and no duplicates; two hosts pushing at once as two real processes into a database neither has
// set up yet (both migrate on connect: one waits for the other's lock).
// Why real processes: a push is one process holding one connection and one transaction; killing
// that backend from a second connection, or two pushers racing, only happens between processes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, fixtureBytes, type Tree } from '../helpers/tree.js';
import Database from 'better-sqlite3';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const CKPT = '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log';

/** A root with `n` finished runs (distinct uids per host), indexed. */
function treeOf(host: string, n: number): Tree {
  const tree = makeTree(`runs-faults-${host}-`);
  const logs = [fixtureBytes(LONG), fixtureBytes(CKPT)];
  for (let i = 0; i < n; i++) {
    const id = `2026-12-01_10-${String(Math.floor(i / 60)).padStart(2, '0')}-${String(i % 60).padStart(2, '0')}`;
    const hex = createHash('sha1').update(host).digest('hex').slice(0, 8);
    addRun(tree, id, {
      log: logs[i % 2]!,
      manifest: completedManifest(id, { uid: `${hex}-0000-4000-8000-${String(i).padStart(12, '0')}`, host }),
    });
  }
  return tree;
}

function localCounts(tree: Tree): { runs: number; metrics: number; checkpoints: number } {
  const db = new Database(tree.db, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      runs: n('select count(*) as n from runs'),
      metrics: n('select count(*) as n from metrics'),
      checkpoints: n('select count(*) as n from checkpoints'),
    };
  } finally {
    db.close();
  }
}

describe.skipIf(!pgAvailable)('runs push faults (PostgreSQL, spawn)', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  const trees: Tree[] = [];
  beforeAll(async () => {
    db = await createDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    for (const t of trees) fs.rmSync(t.dir, { recursive: true, force: true });
  });

  const teamCounts = async (host: string) => {
    const [r] = await db.sql<{ runs: number; metrics: number; checkpoints: number; distinct_metrics: number }>(
      `select (select count(*) from runs where host = $1)::int as runs,
              (select count(*) from metrics m join runs r on r.uid = m.run_uid where r.host = $1)::int as metrics,
              (select count(distinct (m.run_uid, m.seq)) from metrics m join runs r on r.uid = m.run_uid where r.host = $1)::int as distinct_metrics,
              (select count(*) from checkpoints k join runs r on r.uid = k.run_uid where r.host = $1)::int as checkpoints`,
      [host],
    );
    return r!;
  };

  it('the pushing backend killed mid-push: one-line error, nothing half-written kept; the next push completes exactly', async () => {
    const tree = treeOf('fault-host', 40);
    trees.push(tree);
    const env = { RUNS_TEAM_DB: db.url, RUNS_HOST: 'fault-host' };
    // The schema exists (a first push of nothing but one run), so the lock below has a table.
    const seed = await runBundle([...tree.flags, 'push', '2026-12-01_10-00-00'], { env });
    expect(seed.exitCode).toBe(0);
    const seeded = await teamCounts('fault-host');
    expect(seeded.runs).toBe(1);

    // Hold push_state against writes: the push sends its metric rows (COPY), checkpoints and runs
    // rows, then waits on its push_state upsert, inside its one transaction. Kill it there.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table push_state in share row exclusive mode');
    const pushing = runBundle([...tree.flags, 'push'], { env });
    // Watched from a third connection: inside the blocker's transaction pg_stat_activity is a snapshot.
    const watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
    let victim: number | undefined;
    for (let i = 0; i < 600 && victim === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const rows = (
        await watcher.query<{ pid: number; query: string }>(
          `select pid, query from pg_stat_activity
           where datname = current_database() and application_name = 'runs' and wait_event_type = 'Lock'`,
        )
      ).rows;
      if (rows.length === 1 && /push_state/.test(rows[0]!.query)) victim = rows[0]!.pid;
    }
    expect(victim).toBeDefined();
    // The victim's transaction holds the metric rows it sent (visible to nobody else yet).
    const locks = await watcher.query<{ n: number }>(
      `select count(*)::int as n from pg_locks where pid = $1 and relation = 'metrics'::regclass`,
      [victim],
    );
    expect(locks.rows[0]!.n).toBeGreaterThan(0);
    const sentRows = localCounts(tree).metrics - seeded.metrics;
    await watcher.query('select pg_terminate_backend($1)', [victim]);
    await watcher.end();
    await blocker.query('rollback');
    await blocker.end();

    const killed = await pushing;
    expect(killed.exitCode).toBe(1);
    expect(killed.stdout).toBe('');
    expect(killed.stderr).toMatch(
      /^Error: lost the connection to the team database at 127\.0\.0\.1:\d+ \(terminating connection due to administrator command\); nothing half-written is kept: run the command again\n$/,
    );
    // Rolled back whole: the team database holds what it held before.
    expect(await teamCounts('fault-host')).toEqual(seeded);

    const again = await runBundle([...tree.flags, 'push'], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(
      new RegExp(
        `^pushed 40 runs from fault-host \\(39 new, 0 grown, 1 unchanged\\), ${sentRows.toLocaleString('en-US')} metric rows in `,
      ),
    );
    const local = localCounts(tree);
    const team = await teamCounts('fault-host');
    expect(team).toEqual({ ...local, distinct_metrics: local.metrics });
    const twice = await runBundle([...tree.flags, 'push'], { env });
    expect(twice.stderr).toMatch(/^pushed 40 runs from fault-host \(0 new, 0 grown, 40 unchanged\), 0 metric rows in /);
    expect(await teamCounts('fault-host')).toEqual(team);
  });

  it('two hosts pushing at once (two processes, a database neither has set up): both complete, counts exact', async () => {
    const fresh = await createDatabase();
    try {
      const a = treeOf('race-anna', 30);
      const b = treeOf('race-ben', 30);
      trees.push(a, b);
      // Index first, so the two pushes overlap in what they do with PostgreSQL.
      for (const t of [a, b]) expect((await runBundle([...t.flags, 'index'])).exitCode).toBe(0);
      const [ra, rb] = await Promise.all([
        runBundle([...a.flags, 'push'], { env: { RUNS_TEAM_DB: fresh.url, RUNS_HOST: 'race-anna' } }),
        runBundle([...b.flags, 'push'], { env: { RUNS_TEAM_DB: fresh.url, RUNS_HOST: 'race-ben' } }),
      ]);
      expect([
        ra.exitCode,
        rb.exitCode,
        ra.stdout,
        rb.stdout,
        rb.exitCode ? rb.stderr : ra.exitCode ? ra.stderr : '',
      ]).toEqual([0, 0, '', '', '']);
      for (const [host, tree, r] of [
        ['race-anna', a, ra],
        ['race-ben', b, rb],
      ] as const) {
        const local = localCounts(tree);
        expect(r.stderr).toMatch(
          new RegExp(
            `^pushed 30 runs from ${host} \\(30 new, 0 grown, 0 unchanged\\), ${local.metrics.toLocaleString('en-US')} metric rows in [\\d.]+s\\n$`,
          ),
        );
        const [team] = await fresh.sql<{ runs: number; metrics: number; checkpoints: number }>(
          `select (select count(*) from runs where host = $1)::int as runs,
                  (select count(*) from metrics m join runs r on r.uid = m.run_uid where r.host = $1)::int as metrics,
                  (select count(*) from checkpoints k join runs r on r.uid = k.run_uid where r.host = $1)::int as checkpoints`,
          [host],
        );
        expect(team).toEqual(local);
      }
      const [{ n }] = (await fresh.sql<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      )) as [{ n: number }];
      expect(n).toBe(
        JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'migrations-pg/meta/_journal.json'), 'utf8')).entries.length,
      );
    } finally {
      await fresh.drop();
    }
  });
});
