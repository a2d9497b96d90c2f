// Tricky argv, end to end through commander into the command (one table, like changesets' cli tests).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, makeTree } from '../helpers/tree.js';

const SHORT = path.join(FIXTURE_LOGS, '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log');

describe('argv wiring', () => {
  it('train: args after -- reach the trainer unchanged, before --adapter-path; repeated --tag keeps every value', async () => {
    const tree = makeTree();
    const r = await runCli(
      [
        ...tree.flags,
        'train',
        '--tag',
        'a',
        '--tag',
        'b',
        '--tag',
        'a',
        '--',
        '--iters',
        '10',
        '--data',
        'my data',
        '--x=y',
        '-c2',
      ],
      { env: { RUNS_TRAINER: `node ${FAKE_TRAINER}`, FAKE_LOG: SHORT } },
    );
    expect(r.exitCode).toBe(0);
    const [id] = fs.readdirSync(tree.root).filter((n) => n !== 'latest' && !n.startsWith('.') && !n.endsWith('.db'));
    const manifest = JSON.parse(fs.readFileSync(path.join(tree.root, id!, 'run.json'), 'utf8'));
    expect(manifest.tags).toEqual(['a', 'b']);
    expect(manifest.command).toEqual([
      'node',
      FAKE_TRAINER,
      '--train',
      '--iters',
      '10',
      '--data',
      'my data',
      '--x=y',
      '-c2',
      '--adapter-path',
      path.join(tree.root, id!, 'adapters'),
    ]);
    expect(manifest).toMatchObject({ iters: 10, data_dir: 'my data', trainer: `node ${FAKE_TRAINER}` });
  });

  it.each([
    [['--root', '{root}', '--db', '{db}', 'list', '--json'], 0],
    [['list', '--root', '{root}', '--db', '{db}', '--json'], 0],
    [['list', '--json', '--root', '{root}', '--db', '{db}'], 0],
    [['--root', '{root}', '--db', '{db}', 'list', '--sort', 'bogus'], 2],
    [['--root', '{root}', '--db', '{db}', 'list', '--limit', '0'], 2],
    [['--root', '{root}', '--db', '{db}', 'list', '--json', '--csv'], 2],
    [['--root', '{root}', '--db', '{db}', 'frobnicate'], 2],
    [['--root', '{root}', '--db', '{db}', 'show'], 2],
  ])('%j exits %i', async (argv, code) => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log' });
    const r = await runCli(argv.map((a) => a.replace('{root}', tree.root).replace('{db}', tree.db)));
    expect(r.exitCode).toBe(code);
    if (code === 0) expect(JSON.parse(r.stdout)).toHaveLength(1);
    else expect(r.stdout).toBe('');
  });

  it('RUNS_ROOT and RUNS_DB point the commands at a tree; flags win over them', async () => {
    const a = makeTree();
    const b = makeTree();
    addRun(a, '2026-01-01_00-00-00', { log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log' });
    const viaEnv = await runCli(['list', '--json'], { env: { RUNS_ROOT: a.root, RUNS_DB: a.db } });
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(1);
    const flagWins = await runCli(['list', '--json', '--root', b.root, '--db', b.db], {
      env: { RUNS_ROOT: a.root, RUNS_DB: a.db },
    });
    expect(JSON.parse(flagWins.stdout)).toEqual([]);
  });
});
