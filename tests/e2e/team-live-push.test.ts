// `runs train` with RUNS_TEAM_DB set pushes the run as it is indexed, and never waits on or fails
// because of the team database.
// Why real processes: the recorder (dist/runs.mjs) relays a real trainer's pipes while it pushes;
// only a second connection to a real PostgreSQL, looking while the stand-in trainer is paused,
// shows that rows arrive before the run ends. The fault cases stop a throwaway cluster of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { findPgBin, freePort, haltCluster, restartCluster, startCluster, stopCluster } from '../helpers/pg-cluster.mjs';
import { runCli } from '../helpers/run-cli.js';

const LOG = path.join(FIXTURE_LOGS, '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log');
const PAUSE_AT = 60;
const METRIC_COLUMNS =
  'seq, segment, iter, split, loss, learning_rate, it_per_sec, tokens_per_sec, trained_tokens, peak_mem_gb, val_time_s, test_ppl';
const RUN_COLUMNS = 'status, exit_code, last_iter, train_reports, val_reports, best_val_loss, final_train_loss, path';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WARNING = /^warning: .*team database.*$/m;
const warnings = (text: string) => text.match(new RegExp(WARNING.source, 'gm')) ?? [];

interface Recorder {
  dir: string;
  root: string;
  db: string;
  go: string;
  stderr(): string;
  exited: Promise<number | null>;
  /** The run's id (its folder), once it exists. */
  id(): string | undefined;
}

/** Recorders still going when a test fails: ended in afterAll (a paused trainer would wait forever). */
const live = new Set<ChildProcess>();
afterAll(() => {
  for (const child of live) child.kill('SIGTERM'); // the recorder ends its trainer too
});

/** `runs train` with the stand-in trainer, paused after PAUSE_AT lines until go() is called. */
function train(teamUrl: string, host: string, extraEnv: NodeJS.ProcessEnv = {}): Recorder {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-live-push-'));
  const root = path.join(dir, 'runs');
  const db = path.join(dir, 'runs.db');
  const go = path.join(dir, 'go');
  const child = spawn(
    process.execPath,
    [BIN, '--root', root, '--db', db, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '1000'],
    {
      env: {
        ...process.env,
        RUNS_TEAM_DB: teamUrl,
        RUNS_HOST: host,
        FAKE_LOG: LOG,
        FAKE_PAUSE_AFTER_LINES: String(PAUSE_AT),
        FAKE_RESUME_FILE: go,
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  live.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on('close', (code) => {
      live.delete(child);
      r(code);
    }),
  );
  return {
    dir,
    root,
    db,
    go,
    stderr: () => stderr,
    exited,
    id: () => (fs.existsSync(root) ? fs.readdirSync(root).find((n) => /^\d{4}-/.test(n)) : undefined),
  };
}

function localRows(rec: Recorder, id: string): { run: Record<string, unknown>; metrics: unknown[] } {
  const db = new Database(rec.db, { readonly: true });
  try {
    return {
      run: db.prepare(`select ${RUN_COLUMNS} from runs where id = ?`).get(id) as Record<string, unknown>,
      metrics: db.prepare(`select ${METRIC_COLUMNS} from metrics where run_id = ? order by seq`).all(id),
    };
  } finally {
    db.close();
  }
}

async function teamRows(url: string, host: string, id: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // Before the first push the schema is not there yet.
    if (!(await c.query(`select to_regclass('runs') is not null as ok`)).rows[0].ok)
      return { run: undefined, metrics: [] as unknown[] };
    const run = (await c.query(`select uid, ${RUN_COLUMNS} from runs where host = $1 and id = $2`, [host, id]))
      .rows[0] as Record<string, unknown> | undefined;
    if (!run) return { run: undefined, metrics: [] as unknown[] };
    const metrics = (await c.query(`select ${METRIC_COLUMNS} from metrics where run_uid = $1 order by seq`, [run.uid]))
      .rows;
    const { uid: _uid, ...rest } = run;
    return { run: rest, metrics };
  } finally {
    await c.end();
  }
}

/** Polls until `check` holds (the recorder pushes in the background; no fixed sleep decides). */
async function until(what: string, check: () => Promise<boolean> | boolean, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!pgAvailable)('live push from runs train (spawn, PostgreSQL)', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  const made: string[] = [];
  beforeAll(async () => {
    db = await createDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('rows reach the team database while the run is paused mid-way; at the end they equal the local index', async () => {
    const rec = train(db.url, 'live-anna');
    made.push(rec.dir);
    await until('the run folder', () => rec.id() !== undefined);
    const id = rec.id()!;
    // While the trainer waits, the team database has the run as running, with what the index has.
    let seen: Awaited<ReturnType<typeof teamRows>> = { run: undefined, metrics: [] };
    await until('the first rows in PostgreSQL', async () => {
      seen = await teamRows(db.url, 'live-anna', id);
      if (!seen.run || seen.metrics.length === 0) return false;
      return seen.metrics.length === localRows(rec, id).metrics.length;
    });
    expect(rec.stderr()).not.toMatch(/warning/);
    expect(seen.run).toMatchObject({ status: 'running' });
    const paused = localRows(rec, id);
    expect(seen.metrics).toEqual(paused.metrics);
    const allLines = fs.readFileSync(LOG, 'utf8').split('\n');
    expect(paused.metrics.length).toBeLessThan(
      allLines.filter((l) => / (Train|Val) loss /.test(l) || /Test loss/.test(l)).length,
    );

    fs.writeFileSync(rec.go, '');
    expect(await rec.exited).toBe(0);
    const local = localRows(rec, id);
    const team = await teamRows(db.url, 'live-anna', id);
    expect(local.run).toMatchObject({ status: 'completed' });
    expect(team.run).toEqual(local.run);
    expect(team.metrics).toEqual(local.metrics);
    expect(local.metrics.length).toBeGreaterThan(paused.metrics.length);
    expect(rec.stderr()).not.toMatch(/warning/);
    expect(rec.stderr()).toContain(
      `pushed live-anna:${id} to the team database (${local.metrics.length.toLocaleString('en-US')} metric rows)\n`,
    );
  });

  it('PostgreSQL refusing connections: the run completes (exit 0), one notice; a later runs push catches up exactly', async () => {
    const down = `postgres://postgres:x@127.0.0.1:${await freePort()}/runs`;
    const rec = train(down, 'live-ben');
    made.push(rec.dir);
    // The push at the start fails while the trainer waits: the notice comes while it still runs.
    await until('the notice', () => WARNING.test(rec.stderr()));
    fs.writeFileSync(rec.go, '');
    expect(await rec.exited).toBe(0);
    const id = rec.id()!;
    const said = warnings(rec.stderr());
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^warning: the team database did not take this run \(cannot reach the team database at 127\.0\.0\.1:\d+ \(connection refused\).*\); training goes on, and the next push \(or `runs push`\) catches up$/,
    );
    expect(rec.stderr()).toMatch(new RegExp(`run ${id} completed in`));

    const local = localRows(rec, id);
    const push = await runCli(['--root', rec.root, '--db', rec.db, 'push'], {
      env: { RUNS_TEAM_DB: db.url, RUNS_HOST: 'live-ben' },
    });
    expect(push.exitCode).toBe(0);
    expect(push.stderr).toMatch(
      new RegExp(
        `^pushed 1 runs from live-ben \\(1 new, 0 grown, 0 unchanged\\), ${local.metrics.length.toLocaleString('en-US')} metric rows in `,
      ),
    );
    const team = await teamRows(db.url, 'live-ben', id);
    expect(team.run).toEqual(local.run);
    expect(team.metrics).toEqual(local.metrics);
  });
});

describe.skipIf(!findPgBin())(
  'live push when PostgreSQL stops and comes back (own cluster)',
  { timeout: 240_000 },
  () => {
    let clusterDir: string;
    let url: string;
    let port: number;
    const made: string[] = [];
    beforeAll(async () => {
      clusterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-pg-fault-'));
      ({ url, port } = await startCluster(path.join(clusterDir, 'cluster')));
    });
    afterAll(() => {
      if (clusterDir) {
        stopCluster(path.join(clusterDir, 'cluster'));
        fs.rmSync(clusterDir, { recursive: true, force: true });
      }
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
    const stop = () => haltCluster(path.join(clusterDir, 'cluster'));

    it('stopped mid-run: the run completes, one notice; after a restart runs push sends exactly the rest', async () => {
      const rec = train(url, 'live-carl');
      made.push(rec.dir);
      await until('the run folder', () => rec.id() !== undefined);
      const id = rec.id()!;
      let before = 0;
      await until('the first rows in PostgreSQL', async () => {
        const seen = await teamRows(url, 'live-carl', id);
        before = seen.metrics.length;
        return before > 0 && before === localRows(rec, id).metrics.length;
      });
      stop();
      fs.writeFileSync(rec.go, '');
      expect(await rec.exited).toBe(0);
      expect(warnings(rec.stderr())).toHaveLength(1);
      expect(rec.stderr()).toMatch(new RegExp(`run ${id} completed in`));

      restartCluster(path.join(clusterDir, 'cluster'), port);
      // The cluster runs with synchronous_commit off: a crash may lose the last commits, so what the
      // team database holds now (a prefix of the run, never half a push; even none of it under load)
      // is what the next push tops up.
      const local = localRows(rec, id);
      const held = await teamRows(url, 'live-carl', id);
      expect(held.metrics).toEqual(local.metrics.slice(0, held.metrics.length));
      expect(held.metrics.length).toBeLessThanOrEqual(before);
      before = held.metrics.length;
      const push = await runCli(['--root', rec.root, '--db', rec.db, 'push'], {
        env: { RUNS_TEAM_DB: url, RUNS_HOST: 'live-carl' },
      });
      expect(push.exitCode).toBe(0);
      expect(push.stderr).toMatch(
        new RegExp(
          `^pushed 1 runs from live-carl \\(${held.run ? '0 new, 1 grown' : '1 new, 0 grown'}, 0 unchanged\\), ${(local.metrics.length - before).toLocaleString('en-US')} metric rows in `,
        ),
      );
      const team = await teamRows(url, 'live-carl', id);
      expect(team.run).toEqual(local.run);
      expect(team.metrics).toEqual(local.metrics);
    });

    it('down at the start, back before the end: the end of the run catches up, exact counts', async () => {
      stop();
      const rec = train(url, 'live-dora');
      made.push(rec.dir);
      await until('the notice', () => WARNING.test(rec.stderr()));
      restartCluster(path.join(clusterDir, 'cluster'), port);
      fs.writeFileSync(rec.go, '');
      expect(await rec.exited).toBe(0);
      const id = rec.id()!;
      expect(warnings(rec.stderr())).toHaveLength(1);
      const local = localRows(rec, id);
      expect(rec.stderr()).toContain(
        `pushed live-dora:${id} to the team database (${local.metrics.length.toLocaleString('en-US')} metric rows)\n`,
      );
      const team = await teamRows(url, 'live-dora', id);
      expect(team.run).toEqual(local.run);
      expect(team.metrics).toEqual(local.metrics);
    });
  },
);
