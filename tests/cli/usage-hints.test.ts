// Usage mistakes a new user makes, answered with the fix (exit 2, stderr only), through the bundle.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const tree = makeTree();
const ID = '2026-11-29_14-05-09';
addRun(tree, ID, {
  log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
  manifest: completedManifest(ID),
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('usage hints', () => {
  it('runs train --iters 600 (no --) says trainer options go after --', async () => {
    const r = await runBundle([...tree.flags, 'train', '--iters', '600']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown option '--iters'");
    expect(r.stderr).toContain('trainer options go after `--`');
    expect(fs.readdirSync(tree.root).sort()).toEqual([ID]); // no run folder was made
  });

  it('an unknown --where column lists the columns', async () => {
    const r = await runBundle([...tree.flags, 'list', '--where', 'rank >= 16']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no such column: rank; the runs columns are: id, uid, .*lora_rank.*best_val_loss/);
    // The same for `runs best`, which filters the same way.
    const best = await runBundle([...tree.flags, 'best', '--where', 'rank >= 16']);
    expect(best.exitCode).toBe(2);
    expect(best.stderr).toContain('the runs columns are: id');
  });

  it('runs note RUN some words (unquoted) says to quote the note, and stores nothing', async () => {
    const r = await runBundle([...tree.flags, 'note', ID, 'lr', 'too', 'high']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: the note is one argument: quote it, e.g. runs note ${ID} "lr too high"\n`);
    expect(JSON.parse(fs.readFileSync(`${tree.root}/${ID}/run.json`, 'utf8')).note).toBeNull();
    const quoted = await runBundle([...tree.flags, 'note', ID, 'lr too high']);
    expect(quoted.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(`${tree.root}/${ID}/run.json`, 'utf8')).note).toBe('lr too high');
  });
});
