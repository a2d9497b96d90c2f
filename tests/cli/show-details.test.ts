// runs show through the bundle: why a run stopped, its warnings, diverged losses, how and where it
// was run, in the text and in --json; show --help says what --json prints.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const tree = makeTree();
const CRASH = '2026-11-29_10-00-00';
const NAN = '2026-11-29_11-00-00';
const CTRL_C = '2026-11-29_12-00-00';
const OK = '2026-11-29_13-00-00';
const METAL =
  'RuntimeError: [metal::malloc] Attempting to allocate 19327352832 bytes which is greater than the maximum allowed buffer size of 17179869184 bytes.';
addRun(tree, CRASH, {
  log: '11-rich-ui-no-color-dora-metal-malloc-crash.log',
  manifest: completedManifest(CRASH, {
    status: 'failed',
    exit_code: 1,
    command: ['mlx_lm.lora', '--train', '--data', 'my data', '--seed', '7'],
    cwd: '/Users/lena/sqlft',
    host: 'mbp-lena',
    git_sha: '0123456789abcdef0123',
    git_dirty: true,
    seed: 7,
    warnings: ['the trainer wrote no metrics file; metrics come from the console'],
  }),
});
addRun(tree, NAN, {
  log: '08-mlxlm-0.27-all-train-loss-nan-trunc.log',
  manifest: completedManifest(NAN, { status: 'failed', exit_code: 1 }),
});
addRun(tree, CTRL_C, { log: '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log' });
addRun(tree, OK, {
  log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
  manifest: completedManifest(OK),
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runBundle([...tree.flags, ...argv]);
const json = async (id: string) => {
  const r = await cli('show', id, '--json');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('runs show', () => {
  it('a failed run: the reason (the traceback exception line), command, cwd, host, git, seed, warnings', async () => {
    const r = await cli('show', CRASH);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`\nreason  ${METAL}\n`);
    expect(r.stdout).toMatch(/\ncommand\s+mlx_lm\.lora --train --data 'my data' --seed 7\n/);
    expect(r.stdout).toMatch(/\ncwd\s+\/Users\/lena\/sqlft\n/);
    expect(r.stdout).toMatch(/\ngit\s+0123456789ab \(dirty\)\n/);
    expect(r.stdout).toMatch(/\nhost\s+mbp-lena\n/);
    expect(r.stdout).toMatch(/\nseed\s+7\n/);
    expect(r.stdout).toMatch(
      /\nwarnings \(\d+\)\n- the trainer wrote no metrics file; metrics come from the console\n/,
    );
    expect(await json(CRASH)).toMatchObject({
      failure_reason: METAL,
      command: ['mlx_lm.lora', '--train', '--data', 'my data', '--seed', '7'],
      cwd: '/Users/lena/sqlft',
      host: 'mbp-lena',
      git_sha: '0123456789abcdef0123',
      git_dirty: true,
      seed: 7,
      warnings: expect.arrayContaining(['the trainer wrote no metrics file; metrics come from the console']),
      diverged: false,
    });
  });

  it('losses that went NaN are flagged', async () => {
    const r = await cli('show', NAN);
    expect(r.stdout).toMatch(/\ndiverged\s+NaN\/inf loss in \d+ reports?, first at iter \d+\n/);
    const j = await json(NAN);
    expect(j.diverged).toBe(true);
    expect(j.non_finite_losses).toBeGreaterThan(0);
    expect(typeof j.first_non_finite_iter).toBe('number');
  });

  it('an interrupted run says KeyboardInterrupt; a completed one has no reason and no flag', async () => {
    expect((await json(CTRL_C)).failure_reason).toBe('KeyboardInterrupt');
    const ok = await json(OK);
    expect(ok).toMatchObject({ failure_reason: null, diverged: false, non_finite_losses: 0, warnings: [] });
    const text = (await cli('show', OK)).stdout;
    expect(text).not.toMatch(/\n(reason|diverged)\s/);
    expect(text).not.toContain('warnings (');
  });

  it('show --help says what --json prints', async () => {
    const r = await cli('show', '--help');
    expect(r.exitCode).toBe(0);
    for (const field of [
      'failure_reason',
      'diverged',
      'command',
      'warnings',
      'params',
      'checkpoint_files',
      'best_val_loss',
    ])
      expect(r.stdout).toContain(field);
    // …and every field it names is in the output.
    const j = await json(OK);
    for (const field of [
      'failure_reason',
      'diverged',
      'non_finite_losses',
      'first_non_finite_iter',
      'command',
      'cwd',
      'host',
      'git_sha',
      'git_dirty',
      'seed',
      'warnings',
      'params',
      'checkpoint_files',
    ])
      expect(j).toHaveProperty(field);
  });
});
