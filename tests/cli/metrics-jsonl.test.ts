// metrics.jsonl (the trainer's callback reports) in the index: exact values instead of the 0.32+
// console's rounded ones, read incrementally, a half-written last line never an error; extra
// metrics (metric_values) queryable with runs sql and drawn by runs plot --metric.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpIndex } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const ID = '2026-04-01_09-00-00';
// The 0.32+ console (§3.4): rounded tok/s, tokens in k, no learning rate, it/s or peak memory.
const CONSOLE = [
  'Training',
  '  iter   train_loss     tok/s     tokens',
  '     1    val 3.126    4.73s',
  '    10    2.904 \u25BC      688     13.6k',
  '    20    2.471 \u25BC    1,302     27.1k',
  '    20    val 2.207    4.69s',
  '  save  0000020_adapters.safetensors',
  'train \u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588 100% \u00B7    20/20',
  'Testing',
  'Test loss 1.362, Test ppl 3.904.',
  '',
].join('\n');
const REPORTS = [
  { type: 'val', iteration: 1, val_loss: 3.12612345, val_time: 4.7312 },
  {
    type: 'train',
    iteration: 10,
    train_loss: 2.90412345,
    learning_rate: 2e-5,
    iterations_per_second: 0.53125,
    tokens_per_second: 688.4,
    trained_tokens: 13612,
    peak_memory: 6.28412,
    margin: 0.25,
  },
  {
    type: 'train',
    iteration: 20,
    train_loss: 2.47054321,
    learning_rate: 1.5e-5,
    iterations_per_second: 0.54321,
    tokens_per_second: 1302.25,
    trained_tokens: 27104,
    peak_memory: 6.41,
    margin: 0.5,
  },
  { type: 'val', iteration: 20, val_loss: 2.20698765, val_time: 4.6875 },
];
const line = (o: object) => `${JSON.stringify(o)}\n`;

function metricRows(tree: Tree) {
  return dumpIndex(tree.db).metrics.map((m) => {
    const { run_id: _r, seq: _s, ...rest } = m as Record<string, unknown>;
    return rest;
  });
}

describe('metrics.jsonl', () => {
  it('gives the exact train/val values; the console gives test loss, checkpoints and the era', async () => {
    const tree = makeTree();
    const dir = addRun(tree, ID, { log: Buffer.from(CONSOLE), manifest: completedManifest(ID) });
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), REPORTS.map(line).join(''));
    const r = await runCli([...tree.flags, 'index']);
    expect(r.exitCode).toBe(0);
    const rows = metricRows(tree);
    expect(rows.filter((m) => m.split === 'train')).toEqual([
      {
        segment: 0,
        iter: 10,
        split: 'train',
        loss: 2.90412345,
        learning_rate: 2e-5,
        it_per_sec: 0.53125,
        tokens_per_sec: 688.4,
        trained_tokens: 13612,
        peak_mem_gb: 6.28412,
        val_time_s: null,
        test_ppl: null,
      },
      {
        segment: 0,
        iter: 20,
        split: 'train',
        loss: 2.47054321,
        learning_rate: 1.5e-5,
        it_per_sec: 0.54321,
        tokens_per_sec: 1302.25,
        trained_tokens: 27104,
        peak_mem_gb: 6.41,
        val_time_s: null,
        test_ppl: null,
      },
    ]);
    expect(rows.filter((m) => m.split === 'val').map((m) => [m.iter, m.loss, m.val_time_s])).toEqual([
      [1, 3.12612345, 4.7312],
      [20, 2.20698765, 4.6875],
    ]);
    expect(rows.filter((m) => m.split === 'test').map((m) => [m.loss, m.test_ppl])).toEqual([[1.362, 3.904]]);
    const q = await runCli([
      ...tree.flags,
      'sql',
      '--json',
      'select log_format, last_iter, best_val_loss, final_train_loss, trained_tokens, peak_mem_gb, test_loss, checkpoints from runs',
    ]);
    expect(JSON.parse(q.stdout)).toEqual([
      {
        log_format: 'mlx_lm-rich-ui',
        last_iter: 20,
        best_val_loss: 2.20698765,
        final_train_loss: 2.47054321,
        trained_tokens: 27104,
        peak_mem_gb: 6.41,
        test_loss: 1.362,
        checkpoints: 1,
      },
    ]);
    const margin = await runCli([
      ...tree.flags,
      'sql',
      '--json',
      "select iter, split, value from metric_values where name = 'margin' order by seq",
    ]);
    expect(JSON.parse(margin.stdout)).toEqual([
      { iter: 10, split: 'train', value: 0.25 },
      { iter: 20, split: 'train', value: 0.5 },
    ]);
  });

  it.each([
    ['during training', CONSOLE.slice(0, CONSOLE.indexOf('Testing')), / 1 metric rows/],
    // After the console's test line: the run is re-read, so rows keep the order a rebuild gives.
    ['after the test line', CONSOLE, / 5 metric rows/],
  ])(
    'is read incrementally (%s); a half-written last line waits and is not an error',
    async (_when, consoleText, inserted) => {
      const tree = makeTree();
      const dir = addRun(tree, ID, { log: Buffer.from(consoleText), manifest: completedManifest(ID) });
      const file = path.join(dir, 'metrics.jsonl');
      const last = line(REPORTS[3]!);
      fs.writeFileSync(file, REPORTS.slice(0, 3).map(line).join('') + last.slice(0, 20));
      const first = await runCli([...tree.flags, 'index']);
      expect(first.exitCode).toBe(0);
      expect(first.stderr).not.toMatch(/warning/i);
      expect(
        metricRows(tree)
          .filter((m) => m.split === 'val')
          .map((m) => m.iter),
      ).toEqual([1]);

      fs.appendFileSync(file, last.slice(20));
      const second = await runCli([...tree.flags, 'index']);
      expect(second.exitCode).toBe(0);
      expect(second.stderr).toMatch(/1 changed/);
      expect(second.stderr).toMatch(inserted);
      const grown = dumpIndex(tree.db);
      const fresh = makeTree();
      const freshDir = addRun(fresh, ID, { log: Buffer.from(consoleText), manifest: completedManifest(ID) });
      fs.copyFileSync(file, path.join(freshDir, 'metrics.jsonl'));
      expect((await runCli([...fresh.flags, 'index'])).exitCode).toBe(0);
      const whole = dumpIndex(fresh.db);
      const strip = (d: typeof whole) => ({ ...d, runs: d.runs.map((r) => ({ ...(r as object), path: null })) });
      expect(strip(grown)).toEqual(strip(whole));
    },
  );

  it('replaces console records already indexed when the file appears later', async () => {
    const tree = makeTree();
    const dir = addRun(tree, ID, { log: Buffer.from(CONSOLE), manifest: completedManifest(ID) });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    expect(metricRows(tree).find((m) => m.iter === 10)?.loss).toBe(2.904); // the console's 3 decimals
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), REPORTS.map(line).join(''));
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const rows = metricRows(tree);
    expect(rows.filter((m) => m.split === 'train').map((m) => m.loss)).toEqual([2.90412345, 2.47054321]);
    expect(rows).toHaveLength(5);
  });

  it('runs plot --metric draws an extra metric; an unknown name lists the ones there are', async () => {
    const tree = makeTree();
    const dir = addRun(tree, ID, { log: Buffer.from(CONSOLE), manifest: completedManifest(ID) });
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), REPORTS.map(line).join(''));
    const ok = await runCli([...tree.flags, 'plot', ID, '--metric', 'margin', '--width', '60', '--height', '8']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/margin/);
    expect(ok.stdout).toMatch(/0\.5/);
    const bad = await runCli([...tree.flags, 'plot', ID, '--metric', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^Error: --metric must be one of .*extra metric in the index: margin/);
  });
});

describe('an index made by an older parser', () => {
  it('is re-read once, so runs it could not read get their records', async () => {
    const tree = makeTree();
    addRun(tree, ID, {
      log: Buffer.from(
        'Iter 10: loss 1.234, lr 1.000e-05, it/s 1.100, tok/s 200.000, trained_tok 900, peak_mem 3.100GB\n',
      ),
    });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    // What an older runs left behind: no record for the mlx-lm-lora line, and the version mark that
    // migration 0004 gives an index that already held runs.
    const db = new Database(tree.db);
    db.prepare('delete from metrics').run();
    db.prepare("update index_meta set value = '1' where key = 'parser_version'").run();
    db.close();
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    expect(metricRows(tree).map((m) => [m.iter, m.loss, m.peak_mem_gb])).toEqual([[10, 1.234, 3.1]]);
  });
});
