// The other trainers' fixture logs (tests/fixtures/trainer-logs, written from the format strings of
// shared/mlx-lm-formats.md §3.7 by make-fixtures.py) through what users run: `node dist/runs.mjs
// index`, then SQL, compared with that folder's EXPECTED.json (values read at run time).
// Why a real process: the parser, the writer and SQLite are exercised as bundled.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedParse } from '../helpers/index-dump.js';
import { BIN, TRAINER_LOGS } from '../helpers/paths.js';
import { addRun, makeTree, type Tree } from '../helpers/tree.js';

type Expected = ExpectedParse & { extra_values: Record<string, number> };
const expected = JSON.parse(fs.readFileSync(path.join(TRAINER_LOGS, 'EXPECTED.json'), 'utf8')) as Expected[];
const runId = (i: number) => `2026-03-01_00-00-${String(i).padStart(2, '0')}`;
const cli = (tree: Tree, ...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...tree.flags, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

let tree: Tree;
let rows: Map<string, Record<string, unknown>>;
let extras: Map<string, Record<string, number>>;

beforeAll(() => {
  tree = makeTree('runs-trainer-logs-');
  expected.forEach((e, i) => addRun(tree, runId(i), { log: fs.readFileSync(path.join(TRAINER_LOGS, e.file)) }));
  expect(cli(tree, 'index')).toBe('');
  const out = cli(
    tree,
    'sql',
    '--json',
    `select id, log_format as era, train_reports, val_reports, last_iter, final_val_loss, best_val_loss,
            best_val_iter, final_train_loss, test_loss, test_ppl, checkpoints, outcome_hint,
            (select count(*) from metrics m where m.run_id = runs.id and split = 'train') as train_rows,
            (select count(*) from metrics m where m.run_id = runs.id and split = 'val') as val_rows,
            (select count(*) from checkpoints c where c.run_id = runs.id) as checkpoint_rows
     from runs`,
  );
  rows = new Map((JSON.parse(out) as Record<string, unknown>[]).map((r) => [r.id as string, r]));
  extras = new Map();
  const values = cli(
    tree,
    'sql',
    '--json',
    'select run_id, name, count(*) as n from metric_values group by run_id, name order by run_id, name',
  );
  for (const v of JSON.parse(values) as { run_id: string; name: string; n: number }[]) {
    extras.set(v.run_id, { ...(extras.get(v.run_id) ?? {}), [v.name]: v.n });
  }
});

afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('other trainers through runs index (bundle) and SQL', () => {
  it('EXPECTED.json lists every log in the folder, once', () => {
    const logs = fs
      .readdirSync(TRAINER_LOGS)
      .filter((f) => f.endsWith('.log'))
      .sort();
    expect(expected.map((e) => e.file).sort()).toEqual(logs);
    expect(logs.length).toBeGreaterThanOrEqual(10);
  });

  it.each(expected.map((e, i) => [e.file, e, i] as const))('%s', (_file, want, i) => {
    const row = rows.get(runId(i));
    const { file: _f, notes: _n, extra_values: _x, ...fields } = want;
    for (const [key, value] of Object.entries(fields)) expect(row?.[key], key).toBe(value);
    expect(row?.train_rows).toBe(want.train_reports);
    expect(row?.val_rows).toBe(want.val_reports);
    expect(row?.checkpoint_rows).toBe(want.checkpoints);
    // Rewards, accuracy, margin, KL, grad norm, perplexity, …: one metric_values row per printed value.
    expect(extras.get(runId(i)) ?? {}).toEqual(want.extra_values);
  });
});
