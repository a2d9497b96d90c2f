// runs push into a real PostgreSQL: two hosts (two roots, RUNS_HOST per call), same-second ids,
// host:id refs, incremental and idempotent pushes, identity of adopted folders, and the one-line
// errors of a refused connection, a wrong password and a newer schema.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, withDatabase, type TestDatabase } from '../helpers/pg.js';
import { freePort } from '../helpers/pg-cluster.mjs';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const CKPT = '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log';
const SAME_SECOND = '2026-11-29_14-05-09';
const PUSH_METRIC_COLUMNS = [
  'seq',
  'segment',
  'iter',
  'split',
  'loss',
  'learning_rate',
  'it_per_sec',
  'tokens_per_sec',
  'trained_tokens',
  'peak_mem_gb',
  'val_time_s',
  'test_ppl',
];

function localCount(tree: Tree, sql: string): number {
  const db = new Database(tree.db, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe.skipIf(!pgAvailable)('runs push (PostgreSQL)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const as = (host: string, tree: Tree, argv: string[]) =>
    runCli([...tree.flags, ...argv], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: host } });
  const teamCount = async (sql: string, values?: unknown[]) => Number((await db.sql<{ n: string }>(sql, values))[0]!.n);

  it('two hosts with runs started in the same second: both kept, refs host:id, a shared bare id is an error listing both', async () => {
    const anna = makeTree();
    const ben = makeTree();
    addRun(anna, SAME_SECOND, {
      log: LONG,
      manifest: completedManifest(SAME_SECOND, { uid: 'aaaaaaaa-0000-4000-8000-000000000001', host: 'mbp-anna' }),
    });
    addRun(anna, '2026-11-30_09-00-00', { log: CKPT });
    addRun(ben, SAME_SECOND, {
      log: CKPT,
      manifest: completedManifest(SAME_SECOND, { uid: 'bbbbbbbb-0000-4000-8000-000000000002', host: 'mbp-ben' }),
    });

    const a = await as('mbp-anna', anna, ['push']);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe('');
    const annaRows = localCount(anna, 'select count(*) as n from metrics');
    expect(a.stderr).toBe(
      `pushed 2 runs from mbp-anna (2 new, 0 grown, 0 unchanged), ${annaRows.toLocaleString('en-US')} metric rows in ${a.stderr.match(/in (\d+\.\d)s/)![1]}s\n`,
    );
    const b = await as('mbp-ben', ben, ['push']);
    expect(b.exitCode).toBe(0);
    expect(b.stderr).toMatch(/^pushed 1 runs from mbp-ben \(1 new, 0 grown, 0 unchanged\), /);

    expect(await teamCount('select count(*) as n from runs')).toBe(3);
    expect(await teamCount('select count(*) as n from metrics')).toBe(
      annaRows + localCount(ben, 'select count(*) as n from metrics'),
    );

    const list = await as('mbp-anna', anna, ['--team', 'list', '--json']);
    expect(list.exitCode).toBe(0);
    const ids = (JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id).sort();
    expect(ids).toEqual([`mbp-anna:${SAME_SECOND}`, `mbp-anna:2026-11-30_09-00-00`, `mbp-ben:${SAME_SECOND}`]);

    const shown = await as('x', anna, ['--team', 'show', `mbp-ben:${SAME_SECOND}`, '--json']);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout).uid).toBe('bbbbbbbb-0000-4000-8000-000000000002');

    const latest = await as('x', anna, ['--team', 'show', 'mbp-anna:latest', '--json']);
    expect(JSON.parse(latest.stdout).id).toBe('mbp-anna:2026-11-30_09-00-00');
    const prefix = await as('x', anna, ['--team', 'show', 'mbp-ben:2026-11', '--json']);
    expect(JSON.parse(prefix.stdout).id).toBe(`mbp-ben:${SAME_SECOND}`);
    const unique = await as('x', anna, ['--team', 'show', '2026-11-30', '--json']);
    expect(JSON.parse(unique.stdout).id).toBe('mbp-anna:2026-11-30_09-00-00');

    const shared = await as('x', anna, ['--team', 'show', SAME_SECOND]);
    expect(shared.exitCode).toBe(1);
    expect(shared.stdout).toBe('');
    expect(shared.stderr).toBe(
      `Error: "${SAME_SECOND}" is a run of more than one host: mbp-anna:${SAME_SECOND}, mbp-ben:${SAME_SECOND}; say which one as host:id\n`,
    );
    const noHost = await as('x', anna, ['--team', 'show', 'mbp-carl:latest']);
    expect(noHost.exitCode).toBe(1);
    expect(noHost.stderr).toBe('Error: no runs from host "mbp-carl" in the team database; hosts: mbp-anna, mbp-ben\n');

    const diff = await as('x', anna, ['--team', 'diff', 'mbp-anna:latest', `mbp-ben:${SAME_SECOND}`, '--json']);
    expect(diff.exitCode).toBe(0);
  });

  it('is incremental and idempotent: unchanged sends nothing, a grown log only its new rows, a rebuilt index no duplicates, a run deleted locally stays', async () => {
    const tree = makeTree();
    const bytes = fixtureBytes(LONG);
    const cut = bytes.indexOf('Iter 500: Train loss') + 'Iter 500: Train lo'.length; // mid-line
    const id = '2026-12-01_10-00-00';
    const uid = 'cccccccc-0000-4000-8000-000000000003';
    const dir = addRun(tree, id, {
      log: bytes.subarray(0, cut),
      manifest: completedManifest(id, { uid, status: 'running', finished_at: null, exit_code: null, pid: 999999999 }),
    });
    addRun(tree, '2026-12-01_11-00-00', {
      log: CKPT,
      manifest: completedManifest('2026-12-01_11-00-00', { uid: 'cccccccc-0000-4000-8000-000000000004' }),
    });
    const teamRows = () => teamCount('select count(*) as n from metrics where run_uid = $1', [uid]);

    const first = await as('host-c', tree, ['push']);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(/\(2 new, 0 grown, 0 unchanged\)/);
    const afterFirst = await teamRows();

    const again = await as('host-c', tree, ['push']);
    expect(again.stderr).toMatch(/^pushed 2 runs from host-c \(0 new, 0 grown, 2 unchanged\), 0 metric rows in /);

    fs.appendFileSync(path.join(dir, 'train.log'), bytes.subarray(cut));
    const grown = await as('host-c', tree, ['push']);
    expect(grown.exitCode).toBe(0);
    const localRows = localCount(tree, `select count(*) as n from metrics where run_id = '${id}'`);
    expect(grown.stderr).toMatch(
      new RegExp(`\\(0 new, 1 grown, 1 unchanged\\), ${localRows - afterFirst} metric rows in`),
    );
    expect(await teamRows()).toBe(localRows);
    // Same rows, value for value, as the local index (the unfinished line was re-sent whole).
    const local = new Database(tree.db, { readonly: true });
    const want = local
      .prepare(
        `select seq, segment, iter, split, loss, learning_rate, tokens_per_sec from metrics where run_id = ? order by seq`,
      )
      .all(id);
    local.close();
    expect(
      await db.sql(
        'select seq, segment, iter, split, loss, learning_rate, tokens_per_sec from metrics where run_uid = $1 order by seq',
        [uid],
      ),
    ).toEqual(want);

    expect((await runCli([...tree.flags, 'index', '--rebuild'])).exitCode).toBe(0);
    const rebuilt = await as('host-c', tree, ['push']);
    expect(rebuilt.stderr).toMatch(/\(0 new, 0 grown, 2 unchanged\), 0 metric rows/);
    expect(await teamRows()).toBe(localRows);

    fs.rmSync(path.join(tree.root, '2026-12-01_11-00-00'), { recursive: true });
    const afterDelete = await as('host-c', tree, ['push']);
    expect(afterDelete.stderr).toMatch(/^pushed 1 runs from host-c \(0 new, 0 grown, 1 unchanged\)/);
    expect(await teamCount(`select count(*) as n from runs where host = 'host-c'`)).toBe(2);

    const one = await as('host-c', tree, ['push', 'latest']);
    expect(one.stderr).toMatch(/^pushed 1 runs from host-c \(0 new, 0 grown, 1 unchanged\)/);
  });

  it('a run of more rows than one read page goes in whole, value for value; its growth once; text with backslashes and tabs intact', async () => {
    const tree = makeTree();
    const id = '2026-12-02_10-00-00';
    const uid = 'dddddddd-0000-4000-8000-000000000005';
    // Train reports with distinct values, a checkpoint whose path has backslashes every 2,500 iters.
    const lines = (from: number, to: number) => {
      let text = '';
      for (let i = from; i <= to; i++) {
        text += `Iter ${i}: Train loss ${(2 + Math.sin(i) / 3).toFixed(6)}, Learning Rate ${(i * 1.1e-9).toExponential(3)}, It/sec 2.${i % 1000}, Tokens/sec ${800 + (i % 97)}.5, Trained Tokens ${i * 37}, Peak mem 5.138 GB\n`;
        if (i % 2500 === 0)
          text += `Iter ${i}: Saved adapter weights to adapters\\ck\\${String(i).padStart(7, '0')}_adapters.safetensors.\n`;
      }
      return text;
    };
    const dir = addRun(tree, id, {
      log: Buffer.from('Starting training..., iters: 60000\n' + lines(1, 40_000)),
      manifest: completedManifest(id, { uid, git_dirty: true, note: 'a tab\there, a back\\slash, a line\nbreak' }),
    });
    const columns = PUSH_METRIC_COLUMNS.join(', ');
    const localRows = (table: string, cols: string) => {
      const local = new Database(tree.db, { readonly: true });
      try {
        return local.prepare(`select ${cols} from ${table} where run_id = ? order by seq`).all(id);
      } finally {
        local.close();
      }
    };
    const teamRows = (table: string, cols: string) =>
      db.sql(`select ${cols} from ${table} where run_uid = $1 order by seq`, [uid]);

    const first = await as('host-p', tree, ['push']);
    expect(first.exitCode).toBe(0);
    const metrics = localRows('metrics', columns);
    expect(metrics).toHaveLength(40_000);
    expect(first.stderr).toMatch(
      new RegExp(`\\(1 new, 0 grown, 0 unchanged\\), ${metrics.length.toLocaleString('en-US')} metric rows`),
    );
    expect(await teamRows('metrics', columns)).toEqual(metrics);
    const checkpoints = localRows('checkpoints', 'seq, segment, iter, file');
    expect(checkpoints).toHaveLength(16);
    expect((checkpoints[0] as { file: string }).file).toContain('\\ck\\');
    expect(await teamRows('checkpoints', 'seq, segment, iter, file')).toEqual(checkpoints);
    const [row] = await db.sql<{ git_dirty: boolean; note: string }>(
      'select git_dirty, note from runs where uid = $1',
      [uid],
    );
    expect(row).toEqual({ git_dirty: true, note: 'a tab\there, a back\\slash, a line\nbreak' });

    // Growth past the next page boundary, from the middle of a page.
    fs.appendFileSync(path.join(dir, 'train.log'), lines(40_001, 60_000));
    const grown = await as('host-p', tree, ['push']);
    expect(grown.exitCode).toBe(0);
    const after = localRows('metrics', columns);
    expect(grown.stderr).toMatch(
      new RegExp(
        `\\(0 new, 1 grown, 0 unchanged\\), ${(after.length - metrics.length).toLocaleString('en-US')} metric rows`,
      ),
    );
    expect(await teamRows('metrics', columns)).toEqual(after);
    expect(await teamRows('checkpoints', 'seq, segment, iter, file')).toEqual(
      localRows('checkpoints', 'seq, segment, iter, file'),
    );

    const again = await as('host-p', tree, ['push']);
    expect(again.stderr).toMatch(/\(0 new, 0 grown, 1 unchanged\), 0 metric rows/);
  });

  it('an adopted folder (no run.json) keeps its identity when the root moves and the index is rebuilt', async () => {
    const tree = makeTree();
    addRun(tree, 'adopted-run', { log: CKPT });
    expect((await as('host-d', tree, ['push'])).stderr).toMatch(/\(1 new, 0 grown, 0 unchanged\)/);
    const [before] = await db.sql<{ uid: string; path: string }>(`select uid, path from runs where host = 'host-d'`);

    const moved = path.join(tree.dir, 'moved-root');
    fs.renameSync(tree.root, moved);
    const elsewhere = ['--root', moved, '--db', path.join(tree.dir, 'other.db')];
    const push = await runCli([...elsewhere, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: 'host-d' } });
    expect(push.exitCode).toBe(0);
    // The path column changed (an update of one row); the run and its rows did not.
    expect(push.stderr).toMatch(/\(0 new, 0 grown, 1 updated, 0 unchanged\), 0 metric rows/);
    const after = await db.sql<{ uid: string; path: string }>(`select uid, path from runs where host = 'host-d'`);
    expect(after).toEqual([{ uid: before!.uid, path: path.join(moved, 'adopted-run') }]);
  });

  it('says in one line what to fix: no team database, connection refused, wrong password, bad URL, RUNS_HOST with a colon', async () => {
    const tree = makeTree();
    addRun(tree, 'r1', { log: CKPT });
    const none = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: '' } });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toBe(
      'Error: no team database: set RUNS_TEAM_DB=postgres://user:password@host/db or pass --team-db URL\n',
    );

    const port = await freePort();
    const refused = await runCli([...tree.flags, 'push', '--team-db', `postgres://postgres:x@127.0.0.1:${port}/runs`]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      `Error: cannot reach the team database at 127.0.0.1:${port} (connection refused): start PostgreSQL there, or fix RUNS_TEAM_DB / --team-db\n`,
    );

    const wrong = withDatabase(db.url, db.name, { user: 'postgres', password: 'not-the-password' });
    const denied = await runCli([...tree.flags, '--team-db', wrong, '--team', 'list']);
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toMatch(
      /^Error: the team database at 127\.0\.0\.1:\d+ refused the login \(password authentication failed for user "postgres"\): fix the user or password in RUNS_TEAM_DB \/ --team-db\n$/,
    );
    expect(denied.stderr).not.toContain('not-the-password');

    const bad = await runCli([...tree.flags, 'push', '--team-db', 'mysql://db/runs']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe(
      'Error: the team database must be a PostgreSQL URL (postgres://user:password@host/db), got mysql://…\n',
    );

    const colon = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: 'a:b' } });
    expect(colon.exitCode).toBe(1);
    expect(colon.stderr).toBe(
      'Error: "a:b" cannot name this machine in the team database (letters, digits, ".", "_", "-"; no ":"): set RUNS_HOST\n',
    );

    const notTeam = await runCli([...tree.flags, '--team', 'index']);
    expect(notTeam.exitCode).toBe(2);
    expect(notTeam.stderr).toBe(
      "Error: --team works with list, show, diff, sql, plot, ui, report; runs index works on this machine's runs\n",
    );
  });
});

describe.skipIf(!pgAvailable)('roles for a team (README "Working as a team")', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  const suffix = Math.random().toString(36).slice(2, 8);
  const pusher = `anna_${suffix}`;
  const viewer = `viewer_${suffix}`;
  beforeAll(async () => {
    db = await createDatabase();
    // The owner's first connection applies the schema and makes the roles.
    expect((await runCli(['--team', 'list'], { env: { RUNS_TEAM_DB: db.url } })).exitCode).toBe(0);
    await db.sql(`create user ${pusher} password 'pw' in role runs_pusher`);
    await db.sql(`create user ${viewer} password 'pw' in role runs_reader`);
  });
  afterAll(async () => {
    await db?.drop();
    // Roles belong to the cluster, not the database: drop them too.
    const admin = new pg.Client({ connectionString: db.admin });
    await admin.connect();
    await admin.query(`drop role if exists ${pusher}`);
    await admin.query(`drop role if exists ${viewer}`);
    await admin.end();
  });

  it('a runs_pusher member pushes and reads; a runs_reader member reads and cannot push', async () => {
    const tree = makeTree();
    addRun(tree, '2026-12-02_10-00-00', { log: CKPT, manifest: completedManifest('2026-12-02_10-00-00') });
    const asPusher = withDatabase(db.url, db.name, { user: pusher, password: 'pw' });
    const asViewer = withDatabase(db.url, db.name, { user: viewer, password: 'pw' });
    const push = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: asPusher, RUNS_HOST: 'anna' } });
    expect(push.stderr).toMatch(/^pushed 1 runs from anna \(1 new/);
    expect(push.exitCode).toBe(0);
    for (const url of [asPusher, asViewer]) {
      const sql = await runCli(['--team', 'sql', 'select host, id from runs', '--json'], {
        env: { RUNS_TEAM_DB: url },
      });
      expect(sql.exitCode).toBe(0);
      expect(JSON.parse(sql.stdout)).toEqual([{ host: 'anna', id: '2026-12-02_10-00-00' }]);
    }
    fs.appendFileSync(
      path.join(tree.root, '2026-12-02_10-00-00', 'train.log'),
      'Iter 9999: Val loss 1.000, Val took 1.0s\n',
    );
    const denied = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: asViewer, RUNS_HOST: 'anna' } });
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toMatch(
      /^Error: the team database refused: permission denied for table \w+; ask its owner to grant you the runs_pusher role \(README "Working as a team"\)\n$/,
    );
  });
});
