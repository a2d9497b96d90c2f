// A/B measurement of two builds of `runs` on the same generated tree: full index of an empty
// database, alternating A and B in pairs (ABAB... then BABA... so drift on a shared machine
// falls on both), reporting wall time, peak RSS and database size, each checked for its answer
// (run and metric row counts equal what the generator wrote).
//
//   node bench/ab.mjs --a DIST_A/runs.mjs --b DIST_B/runs.mjs [--runs 10000] [--pairs 5]
//
// What it is for: deciding a design choice by measurement (issue 12: the writer thread against
// in-thread writes, a WITHOUT ROWID metrics table). Build B from a patched worktree.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTree } from './generate.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    runs: { type: 'string', default: '10000' },
    pairs: { type: 'string', default: '5' },
  },
});
if (!values.a || !values.b) {
  process.stderr.write('usage: node bench/ab.mjs --a DIST_A/runs.mjs --b DIST_B/runs.mjs [--runs N] [--pairs K]\n');
  process.exit(2);
}
const runs = Number(values.runs);
const pairs = Number(values.pairs);
const tree = ensureTree({ runs });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-ab-'));
const TIME = '/usr/bin/time';

function indexOnce(bin) {
  const db = path.join(work, 'runs.db');
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + s, { force: true });
  const rssFile = path.join(work, 'rss.txt');
  const t0 = performance.now();
  const r = spawnSync(
    TIME,
    ['-f', '%M', '-o', rssFile, process.execPath, bin, '--root', tree.root, '--db', db, 'index'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${bin} index failed: ${String(r.stderr).trim()}`);
  const rssKb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  const count = (sql) =>
    Number(
      JSON.parse(
        spawnSync(process.execPath, [bin, '--root', tree.root, '--db', db, 'sql', '--json', sql], { encoding: 'utf8' })
          .stdout,
      )[0].n,
    );
  const gotRuns = count('select count(*) as n from runs');
  const gotRows = count('select count(*) as n from metrics');
  const wantRows = tree.expected.train + tree.expected.val + tree.expected.test;
  if (gotRuns !== runs || gotRows !== wantRows) {
    throw new Error(`${bin}: indexed ${gotRuns} runs / ${gotRows} rows, expected ${runs} / ${wantRows}`);
  }
  fs.rmSync(db + '-wal', { force: true });
  return { ms, rssKb, bytes: fs.statSync(db).size };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const results = { a: [], b: [] };
for (let k = 0; k < pairs; k++) {
  const order = k % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  for (const which of order) {
    const r = indexOnce(values[which]);
    results[which].push(r);
    process.stderr.write(
      `pair ${k + 1}/${pairs} ${which}: ${(r.ms / 1000).toFixed(3)} s, ${(r.rssKb / 1024).toFixed(0)} MB RSS, db ${(r.bytes / 1e6).toFixed(1)} MB\n`,
    );
  }
}
const summary = {};
for (const which of ['a', 'b']) {
  const rs = results[which];
  summary[which] = {
    bin: values[which],
    wall_s: median(rs.map((r) => r.ms)) / 1000,
    wall_s_all: rs.map((r) => +(r.ms / 1000).toFixed(3)),
    peak_rss_mb: median(rs.map((r) => r.rssKb)) / 1024,
    db_mb: median(rs.map((r) => r.bytes)) / 1e6,
  };
}
summary.b_vs_a_wall = summary.b.wall_s / summary.a.wall_s;
summary.load_average = os.loadavg();
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
fs.rmSync(work, { recursive: true, force: true });
