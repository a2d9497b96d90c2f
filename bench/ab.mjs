// A/B measurement of two builds of `runs` on the same generated tree, alternating A and B in pairs
// (AB, BA, AB, ... so drift on a shared machine falls on both), reporting wall time and peak RSS,
// each checked for its answer (run and metric row counts equal what the generator wrote).
//
//   node bench/ab.mjs --a DIST_A/runs.mjs --b DIST_B/runs.mjs [--figure index|noop|list] [--runs 10000] [--pairs 5]
//
//   --figure index  full index of an empty database (also the database size); the default
//   --figure noop   `runs index` with nothing changed (each build's database indexed first, untimed)
//   --figure list   `runs list --sort val_loss --limit 20 --json` (same: indexed first, untimed)
//
// What it is for: deciding a design choice by measurement (issue 12: the writer thread against
// in-thread writes, a WITHOUT ROWID metrics table), or finding which commit made a figure slower
// (build the old commit in a worktree of its own). On a shared machine only such alternating pairs
// mean anything: compare the two medians of one run, never figures of different runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTree } from './generate.mjs';
import { measure, median, rmDb } from './measure.mjs';

const FIGURES = ['index', 'noop', 'list'];
const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    figure: { type: 'string', default: 'index' },
    runs: { type: 'string', default: '10000' },
    pairs: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h' },
  },
});
const usage =
  'usage: node bench/ab.mjs --a DIST_A/runs.mjs --b DIST_B/runs.mjs [--figure index|noop|list] [--runs N] [--pairs K]\n';
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
if (!values.a || !values.b || !FIGURES.includes(values.figure)) {
  process.stderr.write(usage);
  process.exit(2);
}
// measure() runs from the project root: relative paths are taken from where we were started.
values.a = path.resolve(values.a);
values.b = path.resolve(values.b);
const figure = values.figure;
const runs = Number(values.runs);
const pairs = Number(values.pairs);
const tree = ensureTree({ runs });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-ab-'));
const wantRows = tree.expected.train + tree.expected.val + tree.expected.test;
/** One database per build: a no-op pass or a list reads what that build indexed. */
const dbOf = { a: path.join(work, 'a.db'), b: path.join(work, 'b.db') };

const cli = (bin, db, ...cmd) => [bin, '--root', tree.root, '--db', db, ...cmd];

function checkCounts(bin, db) {
  const count = (sql) => Number(JSON.parse(measure('count', cli(bin, db, 'sql', '--json', sql), work).stdout)[0].n);
  const gotRuns = count('select count(*) as n from runs');
  const gotRows = count('select count(*) as n from metrics');
  if (gotRuns !== runs || gotRows !== wantRows) {
    throw new Error(`${bin}: indexed ${gotRuns} runs / ${gotRows} rows, expected ${runs} / ${wantRows}`);
  }
}

function once(which) {
  const bin = values[which];
  const db = dbOf[which];
  if (figure === 'index') rmDb(db);
  const argv =
    figure === 'list' ? cli(bin, db, 'list', '--sort', 'val_loss', '--limit', '20', '--json') : cli(bin, db, 'index');
  const r = measure(`${which} ${figure}`, argv, work);
  if (figure === 'list') {
    const rows = JSON.parse(r.stdout);
    if (rows.length !== Math.min(20, runs)) throw new Error(`${bin} list: ${rows.length} rows, expected 20`);
  } else checkCounts(bin, db);
  fs.rmSync(db + '-wal', { force: true });
  return { ms: r.ms, cpuMs: r.cpuMs, rssKb: r.rssKb, bytes: fs.statSync(db).size };
}

if (figure !== 'index') {
  for (const which of ['a', 'b']) {
    rmDb(dbOf[which]);
    measure(`${which} first index`, cli(values[which], dbOf[which], 'index'), work);
    checkCounts(values[which], dbOf[which]);
  }
  // One untimed pass each: the page cache holds the tree and both bundles for every measured pair.
  for (const which of ['a', 'b']) once(which);
}

const results = { a: [], b: [] };
for (let k = 0; k < pairs; k++) {
  const order = k % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  for (const which of order) {
    const r = once(which);
    results[which].push(r);
    process.stderr.write(
      `pair ${k + 1}/${pairs} ${which}: ${(r.ms / 1000).toFixed(3)} s (cpu ${(r.cpuMs / 1000).toFixed(3)} s), ${(r.rssKb / 1024).toFixed(0)} MB RSS, db ${(r.bytes / 1e6).toFixed(1)} MB\n`,
    );
  }
}
const summary = { figure };
for (const which of ['a', 'b']) {
  const rs = results[which];
  summary[which] = {
    bin: values[which],
    wall_s: median(rs.map((r) => r.ms)) / 1000,
    wall_s_all: rs.map((r) => +(r.ms / 1000).toFixed(3)),
    cpu_s: median(rs.map((r) => r.cpuMs)) / 1000,
    cpu_s_all: rs.map((r) => +(r.cpuMs / 1000).toFixed(3)),
    peak_rss_mb: median(rs.map((r) => r.rssKb)) / 1024,
    db_mb: median(rs.map((r) => r.bytes)) / 1e6,
  };
}
summary.b_vs_a_wall = summary.b.wall_s / summary.a.wall_s;
summary.b_vs_a_cpu = summary.b.cpu_s / summary.a.cpu_s;
summary.load_average = os.loadavg();
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
fs.rmSync(work, { recursive: true, force: true });
