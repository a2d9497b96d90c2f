// The team figures of `npm run bench` (README "Working as a team"): `runs push` into a real
// PostgreSQL, RUNS_BENCH_PG_URL (a server where databases may be created), else a throwaway cluster
// started here the way the tests start one (tests/helpers/pg-cluster.mjs) and stopped at the end.
//
//   team_first_push   `runs push` of the whole tree into an empty team database (schema applied
//                     untimed first), against the floor: a raw COPY of the same metric rows, read
//                     straight from the same local index, into a table like `metrics`, measured in
//                     the same bench run, alternating. Target <= 2x.
//   team_grown_push   one run's log gains 100 train lines: `runs push` minus a no-op `runs push`
//                     right after (both pay the same process start and the no-op index pass over
//                     the whole tree, as `runs index` does in growing_log). Target < 100 ms. At
//                     least GROWN_PAIRS repetitions (a difference of two ~1 s commands needs them).
//   team_noop_push    that no-op `runs push` against a no-op `runs index` (the same freshness pass
//                     without the team database), alternating which goes first. Target <= 1.5x.
//   team_grown_push_total   the whole grown push, for information.
//
// Every figure checks its answer in PostgreSQL: run, metric and checkpoint counts equal the local
// index (and the generator's run count); the grown run has exactly its local rows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Database from 'better-sqlite3';
import { appendTrainLines, runId, writeRun } from './generate.mjs';
import { findPgBin, startCluster, stopCluster } from '../tests/helpers/pg-cluster.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(BENCH_DIR, '..');
const BIN = path.join(PROJECT, 'dist', 'runs.mjs');
const HOST = 'bench-host';
export const TEAM_FIGURES = ['team_first_push', 'team_grown_push', 'team_noop_push', 'team_grown_push_total'];
const GROWN_PAIRS = 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/** Whether a PostgreSQL is at hand for the team figures. */
export function teamBenchAvailable() {
  return Boolean(process.env.RUNS_BENCH_PG_URL) || findPgBin() !== null;
}

function timed(label, args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: PROJECT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}): ${String(r.stderr).trim()}`);
  return { ms, stderr: r.stderr };
}

async function sql(url, text, values) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

function withDatabase(server, name) {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

function localCounts(indexDb, id) {
  const db = new Database(indexDb, { readonly: true });
  try {
    const n = (q, ...v) => db.prepare(q).get(...v).n;
    return id
      ? { metrics: n('select count(*) n from metrics where run_id = ?', id) }
      : {
          runs: n('select count(*) n from runs'),
          metrics: n('select count(*) n from metrics'),
          checkpoints: n('select count(*) n from checkpoints'),
        };
  } finally {
    db.close();
  }
}

async function teamCounts(url, id) {
  if (id) {
    const [r] = await sql(
      url,
      'select count(*)::int n from metrics m join runs r on r.uid = m.run_uid where r.host = $1 and r.id = $2',
      [HOST, id],
    );
    return { metrics: r.n };
  }
  const [r] = await sql(
    url,
    `select (select count(*) from runs)::int runs, (select count(*) from metrics)::int metrics,
            (select count(*) from checkpoints)::int checkpoints`,
  );
  return r;
}

function timeFigure(key, figure, ours, floor, { maxRatio, maxOursMs, info = false, floorIs }) {
  const o = ours.length ? median(ours) : null;
  const f = floor.length ? median(floor) : null;
  const ratio = o !== null && f ? o / f : null;
  let met = null;
  if (o !== null && maxRatio !== undefined) met = ratio <= maxRatio;
  if (o !== null && maxOursMs !== undefined) met = met !== false && o < maxOursMs;
  return {
    key,
    figure,
    unit: 'ms',
    ours: round(o),
    floor: round(f),
    ratio: round(ratio, 3),
    target: maxRatio !== undefined ? `<= ${maxRatio}x` : maxOursMs !== undefined ? `< ${maxOursMs / 1000} s` : null,
    met,
    ...(info ? { info: true } : {}),
    ...(floorIs ? { floor_is: floorIs } : {}),
    samples: { ours: ours.map((x) => round(x)), floor: floor.map((x) => round(x)) },
  };
}

/** The figures with no number (no PostgreSQL here): listed, so the table says what is missing. */
export function skippedTeamFigures(runs) {
  return [
    timeFigure('team_first_push', `team: first push, ${runs} runs (no PostgreSQL: skipped)`, [], [], {}),
    timeFigure('team_grown_push', 'team: push of one grown log (no PostgreSQL: skipped)', [], [], {}),
    timeFigure('team_noop_push', 'team: no-op push vs no-op index (no PostgreSQL: skipped)', [], [], {}),
    timeFigure('team_grown_push_total', 'team: whole push with one grown log (info)', [], [], { info: true }),
  ];
}

/**
 * Measures the team figures on `tree` (ensureTree()) whose local index is `indexDb` (made here,
 * untimed, when missing). `warn` records a failed answer check (the bench then exits 1).
 */
export async function teamFigures({ tree, indexDb, runs, repeat, work, log, warn, checks }) {
  let cluster = null;
  let server = process.env.RUNS_BENCH_PG_URL;
  const flags = ['--root', tree.root, '--db', indexDb];
  // Untimed: the index must hold the tree as it is now (other figures grow and restore a run), so
  // the counts below and the floor's COPY read what `runs push` will send.
  timed('runs index (for the team figures)', [BIN, ...flags, 'index']);
  if (!server) {
    log('team: starting a throwaway PostgreSQL cluster');
    cluster = await startCluster(path.join(work, 'pg'));
    server = cluster.url;
  }
  const dbName = (k) => `runs_bench_${process.pid}_${k}`;
  try {
    const local = localCounts(indexDb);
    const first = { ours: [], floor: [] };
    let url = '';
    for (let k = 1; k <= repeat; k++) {
      if (url) await sql(server, `drop database if exists ${dbName(k - 1)} with (force)`);
      await sql(server, `create database ${dbName(k)}`);
      url = withDatabase(server, dbName(k));
      timed('schema (untimed)', [BIN, '--team-db', url, '--team', 'list', '--limit', '1']);
      await sql(url, 'create table floor_metrics (like metrics including all)');
      // Alternating which goes first, so neither always meets a colder server.
      const pushIt = () => timed('runs push (first)', [BIN, ...flags, 'push'], { RUNS_TEAM_DB: url, RUNS_HOST: HOST });
      const copyIt = () =>
        timed('floor-team-copy', [path.join(BENCH_DIR, 'floor-team-copy.mjs'), '--db', indexDb, '--url', url]);
      let a;
      let b;
      if (k % 2) {
        a = pushIt();
        b = copyIt();
      } else {
        b = copyIt();
        a = pushIt();
      }
      const team = await teamCounts(url);
      const [{ n: copied }] = await sql(url, 'select count(*)::int n from floor_metrics');
      checks.team_first_push = { ...team, copied_rows: copied, expected: { ...local, generated_runs: runs } };
      if (team.runs !== local.runs || team.runs !== runs || team.metrics !== local.metrics)
        warn(`team first push: PostgreSQL has ${JSON.stringify(team)}, the local index ${JSON.stringify(local)}`);
      if (team.checkpoints !== local.checkpoints)
        warn(`team first push: ${team.checkpoints} checkpoints in PostgreSQL, ${local.checkpoints} locally`);
      if (copied !== local.metrics) warn(`floor COPY wrote ${copied} rows, the index has ${local.metrics}`);
      first.ours.push(a.ms);
      first.floor.push(b.ms);
      log(
        `team first push ${k}/${repeat}: ours ${(a.ms / 1000).toFixed(2)} s (${a.stderr.trim()}), raw COPY ${(b.ms / 1000).toFixed(2)} s`,
      );
    }

    // One grown log, pushed into the last first-push database.
    const gi = Math.floor(runs / 3);
    const gid = runId(gi);
    const grown = [];
    const noop = [];
    const noopIndex = [];
    const total = [];
    fs.writeFileSync(path.join(tree.dir, '.dirty'), `${gi}\n`);
    try {
      const pairs = Math.max(repeat, GROWN_PAIRS);
      for (let k = 1; k <= pairs; k++) {
        appendTrainLines(path.join(tree.root, gid, 'train.log'), 100, 100 + k);
        const env = { RUNS_TEAM_DB: url, RUNS_HOST: HOST };
        const a = timed('runs push (grown log)', [BIN, ...flags, 'push'], env);
        const pushNoop = () => timed('runs push (no-op after it)', [BIN, ...flags, 'push'], env);
        const indexNoop = () => timed('runs index (no-op)', [BIN, ...flags, 'index']);
        let c;
        let i;
        if (k % 2) {
          c = pushNoop();
          i = indexNoop();
        } else {
          i = indexNoop();
          c = pushNoop();
        }
        if (!/\(0 new, 1 grown, \d+ unchanged\), 100 metric rows/.test(a.stderr))
          warn(`grown push said: ${a.stderr.trim()}`);
        if (!/\(0 new, 0 grown, \d+ unchanged\), 0 metric rows/.test(c.stderr))
          warn(`no-op push said: ${c.stderr.trim()}`);
        grown.push(Math.max(0, a.ms - c.ms));
        noop.push(c.ms);
        noopIndex.push(i.ms);
        total.push(a.ms);
        log(
          `team grown-log push ${k}/${pairs}: ${(a.ms / 1000).toFixed(3)} s, no-op push ${(c.ms / 1000).toFixed(3)} s, no-op index ${(i.ms / 1000).toFixed(3)} s`,
        );
      }
      const want = localCounts(indexDb, gid);
      const have = await teamCounts(url, gid);
      checks.team_grown_push = { run: gid, team_rows: have.metrics, local_rows: want.metrics };
      if (have.metrics !== want.metrics)
        warn(`grown push: PostgreSQL has ${have.metrics} rows of ${gid}, the local index ${want.metrics}`);
    } finally {
      writeRun(tree.root, gi); // the cached tree as it was
      fs.rmSync(path.join(tree.dir, '.dirty'), { force: true });
      timed('runs index (restored tree)', [BIN, ...flags, 'index']);
    }
    await sql(server, `drop database if exists ${dbName(repeat)} with (force)`);
    const rows = local.metrics.toLocaleString('en-US');
    return [
      timeFigure('team_first_push', `team: first push, ${runs} runs / ${rows} metric rows`, first.ours, first.floor, {
        maxRatio: 2,
        floorIs: 'one raw COPY of the same metric rows from the same index into a table like metrics',
      }),
      timeFigure('team_grown_push', 'team: push of one grown log (+100 lines; grown - no-op push)', grown, noop, {
        maxOursMs: 100,
        floorIs: 'the no-op push right after (for information; the target is absolute)',
      }),
      timeFigure('team_noop_push', `team: no-op push vs no-op index (${runs} unchanged runs)`, noop, noopIndex, {
        maxRatio: 1.5,
        floorIs: 'a no-op `runs index` of the same tree, alternating with the no-op push',
      }),
      timeFigure('team_grown_push_total', 'team: whole push with one grown log (info)', total, noop, {
        info: true,
        floorIs: 'the no-op push right after',
      }),
    ];
  } finally {
    if (cluster) stopCluster(cluster.dir);
  }
}
