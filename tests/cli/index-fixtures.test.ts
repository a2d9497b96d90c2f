// Every fixture log through the whole path: folder -> `runs index` -> SQL, compared with
// EXPECTED.json (values read at run time, never copied here).
import { describe, expect, it } from 'vitest';
import { readExpected, type ExpectedParse } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, makeTree } from '../helpers/tree.js';

const expected = readExpected();

describe('fixture logs through runs index and SQL', () => {
  it('covers all 18 fixtures', () => {
    expect(expected).toHaveLength(18);
  });

  it.each(expected.map((e) => [e.file, e] as const))('%s', async (file, want) => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: file });
    const indexed = await runCli([...tree.flags, 'index']);
    expect(indexed.exitCode).toBe(0);
    expect(indexed.stdout).toBe('');

    const q = await runCli([
      ...tree.flags,
      'sql',
      '--json',
      `select log_format as era, train_reports, val_reports, last_iter, final_val_loss, best_val_loss,
              best_val_iter, final_train_loss, test_loss, test_ppl, checkpoints, outcome_hint,
              (select count(*) from metrics m where m.run_id = runs.id and split = 'train') as train_rows,
              (select count(*) from metrics m where m.run_id = runs.id and split = 'val') as val_rows,
              (select count(*) from checkpoints c where c.run_id = runs.id) as checkpoint_rows
       from runs`,
    ]);
    expect(q.exitCode).toBe(0);
    const [row] = JSON.parse(q.stdout) as Record<string, unknown>[];
    const { file: _f, notes: _n, ...fields }: ExpectedParse = want;
    for (const [key, value] of Object.entries(fields)) expect(row?.[key], key).toBe(value);
    // The metrics/checkpoints tables agree with the summary columns.
    expect(row?.train_rows).toBe(want.train_reports);
    expect(row?.val_rows).toBe(want.val_reports);
    expect(row?.checkpoint_rows).toBe(want.checkpoints);
  });
});
