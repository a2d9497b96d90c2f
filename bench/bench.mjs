// `npm run bench`: measures the shipped CLI (dist/runs.mjs) against minimal "floor" scripts on a
// synthetic run tree, by spawning real processes, alternating ours and the floor.
//
//   node bench/bench.mjs [--runs N] [--repeat K] [--big-log-mb M] [--big-log-repeat K] [--json FILE]
//
//   --runs N          tree size (default 10000)
//   --repeat K        repetitions per timed figure; the median is reported (default 3)
//   --big-log-mb M    size of the one-run huge-log tree (default 1024; 0 skips that figure)
//   --big-log-repeat  repetitions for the huge log (default 1: it takes a while)
//   --json FILE       where to write the numbers (default bench/results.json)
//   --figures LIST    which groups to measure, comma-separated: index (index, list, RSS figures),
//                     ui (`runs ui` start, GET /api/runs, a 50-run chart drawn in Chromium),
//                     team (`runs push` into PostgreSQL: bench/team-push.mjs; RUNS_BENCH_PG_URL or
//                     a throwaway cluster when initdb is found, else listed as skipped);
//                     default index,ui,team
//
// Builds nothing: `npm ci` / `npm run build` must have made dist/runs.mjs. Trees are generated
// once and cached (bench/generate.mjs; RUNS_BENCH_CACHE overrides the cache dir). Progress goes to
// stderr, the table to stdout. Exits 0 even when a target is missed (it is a measurement); exits 1
// when something could not be measured (e.g. the CLI failed) or when an answer is wrong: every
// figure's run and row counts are checked against what the generator wrote (expected.json).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendTrainLines, cacheRoot, ensureBigLogTree, ensureTree, runId, writeRun } from './generate.mjs';
import { haveTime, measure, median, PROJECT, rmDb } from './measure.mjs';
import { skippedTeamFigures, teamBenchAvailable, teamFigures } from './team-push.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(PROJECT, 'dist', 'runs.mjs');
const MB = 1024 * 1024;
const FIGURE_GROUPS = ['index', 'ui', 'team'];
const CHROMIUM = '/usr/bin/chromium';

// ---------------------------------------------------------------------------------------------
// Options.

function usage() {
  return 'usage: node bench/bench.mjs [--runs N] [--repeat K] [--big-log-mb M] [--big-log-repeat K] [--json FILE] [--figures index,ui,team]\n';
}

function parseArgs(argv) {
  const o = {
    runs: 10_000,
    repeat: 3,
    bigLogMb: 1024,
    bigLogRepeat: 1,
    json: path.join(BENCH_DIR, 'results.json'),
    figures: new Set(FIGURE_GROUPS),
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
    const val = () => {
      const v = inline ?? argv[++k];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const int = (min) => {
      const v = val();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
      return n;
    };
    if (name === '--runs') o.runs = int(1);
    else if (name === '--repeat') o.repeat = int(1);
    else if (name === '--big-log-mb') o.bigLogMb = int(0);
    else if (name === '--big-log-repeat') o.bigLogRepeat = int(1);
    else if (name === '--json') o.json = path.resolve(val());
    else if (name === '--figures') {
      const groups = val()
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      const bad = groups.filter((g) => !FIGURE_GROUPS.includes(g));
      if (bad.length || groups.length === 0)
        throw new Error(
          `--figures takes a comma-separated list of ${FIGURE_GROUPS.join(', ')}; got ${bad.join(', ') || 'nothing'}`,
        );
      o.figures = new Set(groups);
    } else if (name === '-h' || name === '--help') {
      process.stdout.write(usage());
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
/** Sanity-check failures: logged as they happen and repeated under the table. */
const warnings = [];
const warn = (msg) => {
  warnings.push(msg);
  log(`WARNING: ${msg}`);
};

/** SELECT on a finished database (for sanity checks, not timed). */
async function query(db, sql) {
  const { default: Database } = await import('better-sqlite3');
  const h = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return h.prepare(sql).all();
  } finally {
    h.close();
  }
}

const fmtS = (ms) => `${(ms / 1000).toFixed(3)} s`;
const fmtMB = (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : 'n/a');

// ---------------------------------------------------------------------------------------------
// Main.

async function main() {
  const wallStart = performance.now();
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${err.message}\n${usage()}`);
    return 2;
  }
  if (!fs.existsSync(BIN)) {
    process.stderr.write(
      `bench: ${path.relative(PROJECT, BIN)} is missing: run \`npm ci\` (or \`npm run build\`) first.\n`,
    );
    return 1;
  }
  try {
    await import('better-sqlite3');
  } catch (err) {
    process.stderr.write(`bench: better-sqlite3 cannot be loaded (${err.message}): run \`npm ci\` first.\n`);
    return 1;
  }
  if (!haveTime) log(`/usr/bin/time not found: peak RSS comes from the child's process.resourceUsage() (preload)`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-bench-work-'));
  const K = opts.repeat;
  const figures = [];
  const checks = {};
  const node = (...a) => a;
  const ours = (root, db, ...cmd) => node(BIN, '--root', root, '--db', db, ...cmd);
  const floor = (script, root, db) => node(path.join(BENCH_DIR, script), '--root', root, ...(db ? ['--db', db] : []));

  try {
    // --- the tree ------------------------------------------------------------------------------
    log(`tree: ${opts.runs} runs (cache ${cacheRoot()})`);
    const tree = ensureTree({ runs: opts.runs });
    restoreIfDirty(tree);
    log(tree.generated ? `generated in ${tree.seconds.toFixed(1)} s: ${tree.root}` : `reused ${tree.root}`);

    const oursDb = path.join(work, 'ours.db');
    const floorDb = path.join(work, 'floor.db');

    if (opts.figures.has('index')) {
      // Warm-up (untimed): the page cache holds the tree and the bundle for every measured rep.
      log('warm-up');
      rmDb(floorDb);
      measure('warm-up floor-index', floor('floor-index.mjs', tree.root, floorDb), work);
      measure('warm-up --version', node(BIN, '--version'), work);

      // --- full index into an empty db --------------------------------------------------------------
      const full = { ours: [], floor: [], oursRss: [], floorRss: [] };
      for (let k = 1; k <= K; k++) {
        rmDb(oursDb);
        const a = measure('runs index (full)', ours(tree.root, oursDb, 'index'), work);
        rmDb(floorDb);
        const b = measure('floor-index', floor('floor-index.mjs', tree.root, floorDb), work);
        full.ours.push(a.ms);
        full.floor.push(b.ms);
        full.oursRss.push(a.rssKb);
        full.floorRss.push(b.rssKb);
        log(`full index ${k}/${K}: ours ${fmtS(a.ms)} (${fmtMB(a.rssKb)}), floor ${fmtS(b.ms)} (${fmtMB(b.rssKb)})`);
      }
      figures.push(timeFigure('full_index', `full index, ${opts.runs} runs (empty db)`, full, { maxRatio: 1.5 }));

      // Same rows? (train + val metric rows; ours also stores test rows, params, checkpoints.)
      const [oc] = await query(oursDb, "select count(*) n from metrics where split in ('train','val')");
      const [fc] = await query(floorDb, 'select count(*) n from metrics');
      const [rc] = await query(oursDb, 'select count(*) n from runs');
      const want = tree.expected;
      const [ot] = await query(oursDb, "select count(*) n from metrics where split = 'test'");
      const [ock] = await query(oursDb, 'select count(*) n from checkpoints');
      checks.full_index = {
        ours_runs: rc.n,
        expected_runs: want.runs,
        ours_train_val_rows: oc.n,
        floor_rows: fc.n,
        expected_train_val_rows: want.train + want.val,
        ours_test_rows: ot.n,
        expected_test_rows: want.test,
        ours_checkpoints: ock.n,
        expected_checkpoints: want.checkpoints,
      };
      if (
        rc.n !== want.runs ||
        oc.n !== want.train + want.val ||
        fc.n !== want.train + want.val ||
        ot.n !== want.test ||
        ock.n !== want.checkpoints
      ) {
        warn(
          `full index: ours ${rc.n} runs, ${oc.n} train+val rows, ${ot.n} test rows, ${ock.n} checkpoints; floor ${fc.n} rows; ` +
            `expected ${want.runs} runs, ${want.train + want.val} train+val rows, ${want.test} test rows, ${want.checkpoints} checkpoints`,
        );
      }
      // The no-op pass must leave exactly those rows.
      const noopCheck = async () => {
        const [n] = await query(oursDb, 'select count(*) n from metrics');
        const [r] = await query(oursDb, 'select count(*) n from runs');
        checks.noop_index = {
          runs: r.n,
          rows: n.n,
          expected_runs: want.runs,
          expected_rows: want.train + want.val + want.test,
        };
        if (r.n !== want.runs || n.n !== want.train + want.val + want.test) {
          warn(
            `no-op index: ${r.n} runs, ${n.n} metric rows; expected ${want.runs} runs, ${want.train + want.val + want.test} rows`,
          );
        }
      };

      // --- no-op index -------------------------------------------------------------------------------
      const noop = { ours: [], floor: [] };
      for (let k = 1; k <= K; k++) {
        const a = measure('runs index (no-op)', ours(tree.root, oursDb, 'index'), work);
        const b = measure('floor-stat', floor('floor-stat.mjs', tree.root), work);
        noop.ours.push(a.ms);
        noop.floor.push(b.ms);
        log(`no-op index ${k}/${K}: ours ${fmtS(a.ms)}, floor ${fmtS(b.ms)}`);
      }
      figures.push(timeFigure('noop_index', 'no-op index (nothing changed)', noop, { maxRatio: 3, maxOursMs: 500 }));
      await noopCheck();

      // --- list ----------------------------------------------------------------------------------------
      const list = { ours: [], floor: [] };
      for (let k = 1; k <= K; k++) {
        const a = measure(
          'runs list',
          ours(tree.root, oursDb, 'list', '--sort', 'val_loss', '--limit', '20', '--json'),
          work,
        );
        const b = measure('floor-list', floor('floor-list.mjs', tree.root, oursDb), work);
        list.ours.push(a.ms);
        list.floor.push(b.ms);
        if (k === 1) {
          // Same answer? Compare the sorted values (ties in best_val_loss may come in any id order).
          const oursRows = JSON.parse(a.stdout);
          const floorRows = JSON.parse(b.stdout);
          const vals = (rows) => JSON.stringify(rows.map((r) => r.best_val_loss));
          const expectedRows = Math.min(20, want.runs);
          checks.list = {
            same_values: vals(oursRows) === vals(floorRows),
            rows: oursRows.length,
            expected_rows: expectedRows,
          };
          if (!checks.list.same_values) warn('runs list and floor-list returned different best_val_loss sequences');
          if (oursRows.length !== expectedRows || floorRows.length !== expectedRows) {
            warn(`list: ours ${oursRows.length} rows, floor ${floorRows.length}; expected ${expectedRows}`);
          }
        }
        log(`list ${k}/${K}: ours ${fmtS(a.ms)}, floor ${fmtS(b.ms)}`);
      }
      figures.push(timeFigure('list', 'list --sort val_loss --limit 20 --json', list, { maxRatio: 1.5 }));

      // --- growing log -------------------------------------------------------------------------------
      // One run's train.log gains 100 train lines, then `runs index` on the whole tree. `runs index`
      // checks every run's files (PRODUCT.md), so the pass also pays a no-op scan of the other 9,999
      // runs: the figure with a target is what the append itself costs (grown pass minus a no-op pass
      // measured right after), compared with indexing that one run alone (a one-run tree, empty db).
      // The whole pass is reported too, as information. The cached tree is restored after.
      const gi = Math.floor(opts.runs / 2);
      const gid = runId(gi);
      const oneRoot = path.join(work, 'one', 'runs');
      fs.cpSync(path.join(tree.root, gid), path.join(oneRoot, gid), { recursive: true });
      const oneDb = path.join(work, 'one.db');
      const grow = { ours: [], floor: [] };
      const growTotal = { ours: [], floor: [] };
      fs.writeFileSync(path.join(tree.dir, '.dirty'), `${gi}\n`);
      try {
        for (let k = 1; k <= K; k++) {
          const added = appendTrainLines(path.join(tree.root, gid, 'train.log'), 100, k);
          const a = measure('runs index (grown log)', ours(tree.root, oursDb, 'index'), work);
          const c = measure('runs index (no-op after the growth)', ours(tree.root, oursDb, 'index'), work);
          rmDb(oneDb);
          const b = measure('runs index (one run)', ours(oneRoot, oneDb, 'index'), work);
          grow.ours.push(Math.max(0, a.ms - c.ms));
          grow.floor.push(b.ms);
          growTotal.ours.push(a.ms);
          growTotal.floor.push(b.ms);
          log(
            `growing log ${k}/${K} (iters ${added.firstIter}-${added.lastIter}): ours ${fmtS(a.ms)} (no-op ${fmtS(c.ms)}), one-run index ${fmtS(b.ms)}`,
          );
        }
        const [g] = await query(
          oursDb,
          `select max(iter) last, count(*) n from metrics where run_id = '${gid}' and split = 'train'`,
        );
        const perRun = want.train / want.runs; // every generated run has the same schedule
        checks.growing_log = { run: gid, train_rows: g.n, expected_train_rows: perRun + 100 * K, last_iter: g.last };
        if (g.n !== perRun + 100 * K)
          warn(`growing log: the grown run has ${g.n} train rows, expected ${perRun + 100 * K}`);
      } finally {
        writeRun(tree.root, gi); // deterministic: the same files as before the appends
        fs.rmSync(path.join(tree.dir, '.dirty'), { force: true });
      }
      figures.push({
        ...timeFigure('growing_log', 'growing log: cost of +100 lines (grown - no-op index)', grow, { maxRatio: 2 }),
        floor_is: 'runs index of a tree holding only that run, empty db',
      });
      figures.push({
        ...timeFigure('growing_log_total', 'growing log: whole index pass (info)', growTotal, {}),
        floor_is: 'runs index of a tree holding only that run, empty db',
      });

      // --- peak memory -------------------------------------------------------------------------------
      figures.push(
        rssFigure(
          'rss_full_index',
          `peak RSS, full index of ${opts.runs} runs`,
          Math.max(...full.oursRss),
          Math.max(...full.floorRss),
          full,
        ),
      );

      if (opts.bigLogMb > 0) {
        log(`big log: ${opts.bigLogMb} MiB`);
        const big = ensureBigLogTree({ mb: opts.bigLogMb });
        log(big.generated ? `generated in ${big.seconds.toFixed(1)} s: ${big.log}` : `reused ${big.log}`);
        const bigDb = path.join(work, 'big.db');
        const bigFloorDb = path.join(work, 'big-floor.db');
        const b = { ours: [], floor: [], oursRss: [], floorRss: [] };
        for (let k = 1; k <= opts.bigLogRepeat; k++) {
          rmDb(bigDb);
          const x = measure('runs index (big log)', ours(big.root, bigDb, 'index'), work);
          // The answer, every repetition: a huge log must index to exactly the rows it holds.
          const [bt] = await query(bigDb, "select count(*) n from metrics where split = 'train'");
          const [bv] = await query(bigDb, "select count(*) n from metrics where split = 'val'");
          const [bx] = await query(bigDb, "select count(*) n from metrics where split = 'test'");
          const [bc] = await query(bigDb, 'select count(*) n from checkpoints');
          const [br] = await query(bigDb, 'select count(*) n from runs');
          const bw = big.expected;
          checks.big_log = {
            runs: br.n,
            train_rows: bt.n,
            val_rows: bv.n,
            test_rows: bx.n,
            checkpoints: bc.n,
            expected: {
              runs: bw.runs,
              train_rows: bw.train,
              val_rows: bw.val,
              test_rows: bw.test,
              checkpoints: bw.checkpoints,
            },
          };
          if (br.n !== bw.runs || bt.n !== bw.train || bv.n !== bw.val || bx.n !== bw.test || bc.n !== bw.checkpoints) {
            warn(
              `big log: ${br.n} runs, ${bt.n} train / ${bv.n} val / ${bx.n} test rows, ${bc.n} checkpoints; ` +
                `expected ${bw.runs}, ${bw.train} / ${bw.val} / ${bw.test}, ${bw.checkpoints}`,
            );
          }
          rmDb(bigDb);
          rmDb(bigFloorDb);
          const y = measure('floor-index (big log)', floor('floor-index.mjs', big.root, bigFloorDb), work);
          rmDb(bigFloorDb);
          b.ours.push(x.ms);
          b.floor.push(y.ms);
          b.oursRss.push(x.rssKb);
          b.floorRss.push(y.rssKb);
          log(
            `big log ${k}/${opts.bigLogRepeat}: ours ${fmtS(x.ms)} (${fmtMB(x.rssKb)}), floor ${fmtS(y.ms)} (${fmtMB(y.rssKb)})`,
          );
        }
        const label = `${(big.bytes / 2 ** 30).toFixed(2)} GiB log`;
        figures.push(
          rssFigure(
            'rss_big_log',
            `peak RSS, index of one ${label}`,
            Math.max(...b.oursRss),
            Math.max(...b.floorRss),
            b,
          ),
        );
        figures.push({ ...timeFigure('big_log_index', `index time, one ${label} (info)`, b, {}), info: true });
      } else {
        log('big log skipped (--big-log-mb 0)');
      }
    }

    if (opts.figures.has('ui')) await uiFigures({ opts, tree, work, oursDb, figures, checks, ours });

    if (opts.figures.has('team')) {
      if (teamBenchAvailable()) {
        figures.push(
          ...(await teamFigures({ tree, indexDb: oursDb, runs: opts.runs, repeat: K, work, log, warn, checks })),
        );
      } else {
        log('team: no PostgreSQL (set RUNS_BENCH_PG_URL, or install postgresql for initdb): team figures skipped');
        figures.push(...skippedTeamFigures(opts.runs));
      }
    }

    // --- report ------------------------------------------------------------------------------------
    const wallSeconds = (performance.now() - wallStart) / 1000;
    process.stdout.write(table(figures));
    const missed = figures.filter((f) => f.met === false);
    process.stdout.write(missed.length ? `\nmissed: ${missed.map((f) => f.key).join(', ')}\n` : '\nall targets met\n');
    for (const w of warnings) process.stdout.write(`check failed: ${w}\n`);
    process.stdout.write(`bench wall time: ${wallSeconds.toFixed(1)} s\n`);

    const result = {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        arch: os.arch(),
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model ?? null,
        total_mem_mb: Math.round(os.totalmem() / MB),
        loadavg_end: os.loadavg(),
        rss_source: haveTime ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (preload)',
      },
      options: {
        runs: opts.runs,
        repeat: K,
        big_log_mb: opts.bigLogMb,
        big_log_repeat: opts.bigLogRepeat,
        figures: [...opts.figures],
      },
      tree: { root: tree.root, generated: tree.generated, generate_seconds: tree.seconds },
      figures,
      checks,
      missed: missed.map((f) => f.key),
      warnings,
      wall_seconds: wallSeconds,
    };
    fs.mkdirSync(path.dirname(opts.json), { recursive: true });
    fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${opts.json}`);
    if (warnings.length > 0) {
      process.stderr.write(
        `bench: ${warnings.length} answer check(s) failed (wrong run or row counts, see above); the figures measure a wrong result\n`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`bench: ${err.message}\n`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The web view: `runs ui` start-up and GET /api/runs on the whole tree, and one page drawing 50
// runs of 1,000 train points each in headless Chromium. Absolute targets (PRODUCT.md / issue 13);
// no floor: nothing simpler gives the same page.

/** `runs ui --port 0` until its page answers; the time is from spawn to the first 200 for `/`. */
async function startUi(root, db) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [BIN, '--root', root, '--db', db, 'ui', '--port', '0'], {
    cwd: PROJECT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const closed = new Promise((r) => proc.on('close', (code) => r(code)));
  const url = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /runs ui: (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    closed.then((code) => reject(new Error(`runs ui exited (${code}) before serving: ${err.trim()}`)));
  });
  const res = await fetch(url);
  await res.text();
  if (!res.ok) throw new Error(`runs ui: GET / answered ${res.status}`);
  const ms = performance.now() - t0;
  return {
    url,
    ms,
    stop: async () => {
      proc.kill('SIGINT');
      const code = await closed;
      if (code !== 0) warn(`runs ui exited with ${code} after SIGINT: ${err.trim()}`);
    },
  };
}

function absFigure(key, figure, samples, maxMs) {
  const ours = samples.length ? median(samples) : null;
  return {
    key,
    figure,
    unit: 'ms',
    ours: ours === null ? null : round(ours),
    floor: null,
    ratio: null,
    target: `< ${maxMs / 1000} s`,
    met: ours === null ? null : ours < maxMs,
    samples: { ours: samples.map((x) => round(x)) },
  };
}

async function uiFigures({ opts, tree, work, oursDb, figures, checks, ours }) {
  const K = opts.repeat;
  if (!fs.existsSync(oursDb)) {
    log('ui: indexing the tree first (untimed)');
    measure('runs index (for ui)', ours(tree.root, oursDb, 'index'), work);
  }
  // Start-up and the runs table's request, on the whole tree.
  const start = [];
  const api = [];
  for (let k = 1; k <= K; k++) {
    const ui = await startUi(tree.root, oursDb);
    start.push(ui.ms);
    if (k === 1) {
      const first = await (await fetch(`${ui.url}api/runs`)).json(); // warm-up: builds the cached table
      checks.ui_api_runs = { runs: first.length, expected_runs: opts.runs };
      if (first.length !== opts.runs) warn(`GET /api/runs returned ${first.length} runs, expected ${opts.runs}`);
      for (let j = 0; j < K; j++) {
        // The answer's time: until the last byte arrived (parsing 10,000 objects is the client's).
        const t0 = performance.now();
        const res = await fetch(`${ui.url}api/runs`);
        const body = await res.arrayBuffer();
        api.push(performance.now() - t0);
        const rows = JSON.parse(Buffer.from(body).toString('utf8'));
        if (rows.length !== opts.runs) warn(`GET /api/runs returned ${rows.length} runs, expected ${opts.runs}`);
      }
    }
    await ui.stop();
    log(`ui start ${k}/${K}: ${fmtS(ui.ms)}${k === 1 ? `; GET /api/runs warm ${api.map(fmtS).join(', ')}` : ''}`);
  }
  figures.push(absFigure('ui_start', `runs ui start, ${opts.runs} runs (until the page answers)`, start, 1000));
  figures.push(absFigure('ui_api_runs', `GET /api/runs, ${opts.runs} runs (warm)`, api, 150));

  // 50 runs of 1,000 train points: copies of the tree's first runs (100 train points each) with
  // 900 more train lines appended.
  const n = Math.min(50, opts.runs);
  const drawRoot = path.join(work, 'draw', 'runs');
  const drawDb = path.join(work, 'draw.db');
  for (let i = 0; i < n; i++) {
    fs.cpSync(path.join(tree.root, runId(i)), path.join(drawRoot, runId(i)), { recursive: true });
    appendTrainLines(path.join(drawRoot, runId(i), 'train.log'), 900, i + 1);
  }
  measure('runs index (draw tree)', ours(drawRoot, drawDb, 'index'), work);
  const key = 'ui_draw';
  const label = `page: ${n} selected runs x 1,000 points drawn (headless Chromium)`;
  if (!fs.existsSync(CHROMIUM)) {
    warn(`no Chromium at ${CHROMIUM} (apt-get install -y chromium): ${key} not measured`);
    figures.push(absFigure(key, label, [], 1000));
    return;
  }
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(work, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const ui = await startUi(drawRoot, drawDb);
  const draw = [];
  try {
    const page = await context.newPage();
    for (let k = 0; k <= K; k++) {
      // A fresh page each time: nothing cached in the page; k = 0 warms the server and the browser.
      await page.goto(ui.url);
      await page.waitForSelector('body[data-ready="1"]');
      /* global window -- the page.evaluate() callbacks run in the browser */
      const ids = await page.evaluate(() => window.runsDashboard.state.runs.map((r) => r.id));
      const ms = await page.evaluate((sel) => window.runsDashboard.select(sel), ids);
      const drawn = await page.evaluate(() => {
        const u = window.runsDashboard.plot();
        let train = 0;
        let val = 0;
        u.series.forEach((s, i) => {
          if (i === 0) return;
          const pts = u.data[i].filter((v) => v !== null).length;
          if (s.label.endsWith(' train')) train += pts;
          if (s.label.endsWith(' val')) val++;
        });
        return { train, valSeries: val };
      });
      if (k === 0) {
        checks.ui_draw = {
          runs: ids.length,
          expected_runs: n,
          train_points: drawn.train,
          expected_train_points: n * 1000,
          val_series: drawn.valSeries,
        };
        if (ids.length !== n || drawn.train !== n * 1000 || drawn.valSeries !== n) {
          warn(
            `page drew ${drawn.train} train points of ${ids.length} runs (${drawn.valSeries} val series), expected ${n * 1000} of ${n}`,
          );
        }
        continue;
      }
      draw.push(ms);
      log(`ui draw ${k}/${K}: ${fmtS(ms)}`);
    }
  } finally {
    await context.close();
    await ui.stop();
  }
  figures.push(absFigure(key, label, draw, 1000));
}

/** A tree left dirty by an interrupted growing-log step gets its run rewritten. */
function restoreIfDirty(tree) {
  const marker = path.join(tree.dir, '.dirty');
  if (!fs.existsSync(marker)) return;
  const i = Number(fs.readFileSync(marker, 'utf8').trim());
  if (Number.isInteger(i) && i >= 0) {
    log(`restoring run ${runId(i)} (left modified by an interrupted bench)`);
    writeRun(tree.root, i);
  }
  fs.rmSync(marker, { force: true });
}

/** Median wall times; ratio = ours / floor; met when ratio (and absolute limit, if any) hold. */
function timeFigure(key, figure, s, { maxRatio, maxOursMs }) {
  const ours = median(s.ours);
  const floor = median(s.floor);
  const ratio = ours / floor;
  const parts = [];
  let met = null;
  if (maxRatio !== undefined) {
    parts.push(`<= ${maxRatio}x`);
    met = ratio <= maxRatio;
  }
  if (maxOursMs !== undefined) {
    parts.push(`< ${maxOursMs / 1000} s`);
    met = met !== false && ours < maxOursMs;
  }
  return {
    key,
    figure,
    unit: 'ms',
    ours: round(ours),
    floor: round(floor),
    ratio: round(ratio, 3),
    target: parts.join(' and ') || null,
    met,
    samples: { ours: s.ours.map((x) => round(x)), floor: s.floor.map((x) => round(x)) },
  };
}

/** Peak RSS in MB; the target is absolute (<= 300 MB); the floor is the floor script's RSS. */
function rssFigure(key, figure, oursKb, floorKb, s) {
  const ours = oursKb / 1024;
  const floor = floorKb / 1024;
  return {
    key,
    figure,
    unit: 'MB',
    ours: round(ours, 1),
    floor: round(floor, 1),
    ratio: round(ours / floor, 3),
    target: '<= 300 MB',
    met: Number.isFinite(ours) ? ours <= 300 : null,
    samples: { ours: s.oursRss.map((k) => round(k / 1024, 1)), floor: s.floorRss.map((k) => round(k / 1024, 1)) },
  };
}

function round(x, digits = 1) {
  if (!Number.isFinite(x)) return null;
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

function table(figures) {
  const fmt = (f, v) => (v === null ? 'n/a' : f.unit === 'ms' ? fmtS(v) : `${v.toFixed(0)} MB`);
  const rows = [['figure', 'ours', 'floor', 'ratio', 'target', 'met?']];
  for (const f of figures) {
    rows.push([
      f.figure,
      fmt(f, f.ours),
      fmt(f, f.floor),
      f.ratio === null ? 'n/a' : `${f.ratio.toFixed(2)}x`,
      f.target ?? '-',
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) =>
    `| ${r.map((cell, c) => (c === 0 || c >= 4 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const sep = `|${widths.map((w, c) => (c === 0 || c >= 4 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return `${[line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n')}\n`;
}

process.exitCode = await main();
