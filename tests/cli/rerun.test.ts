// runs train --from, runs resume, runs test: the stand-in trainer (a real child process) dumps the
// argv it got (FAKE_ARGV_FILE), so the tests check what the trainer really receives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTree, type Tree } from '../helpers/tree.js';

const PARENT_LOG = path.join(FIXTURE_LOGS, '16-mlxlm-0.28-crlf-line-endings.log'); // 200 iters, saves at 50..200
const CHILD_LOG = path.join(FIXTURE_LOGS, '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log'); // 60 iters
let tree: Tree;
let work: string;
let argvFile: string;
let parent: string;
const TRAINER = `node ${FAKE_TRAINER}`;

const dumps = () =>
  fs
    .readFileSync(argvFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
const manifestOf = (id: string) =>
  JSON.parse(fs.readFileSync(path.join(tree.root, id, 'run.json'), 'utf8')) as Record<string, unknown>;
const newestId = () => fs.readlinkSync(path.join(tree.root, 'latest'));
const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCli([...tree.flags, ...argv], { cwd: work, env: { RUNS_TRAINER: TRAINER, FAKE_ARGV_FILE: argvFile, ...env } });

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else out[path.relative(dir, f)] = `${fs.statSync(f).mtimeMs}:${fs.readFileSync(f, 'base64')}`;
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  tree = makeTree();
  work = path.join(tree.dir, 'work');
  fs.mkdirSync(work);
  argvFile = path.join(tree.dir, 'argv.jsonl');
  fs.writeFileSync(
    path.join(work, 'lora.yaml'),
    'model: acme/tiny-4bit\nlora_parameters: {rank: 8, scale: 20.0, dropout: 0.0}\n',
  );
  const r = await cli(
    ['train', '--config', 'lora.yaml', '--', '--iters', '200', '--data', 'data/sql', '--learning-rate', '1e-5'],
    { FAKE_LOG: PARENT_LOG },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  parent = newestId();
});

afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('runs train --from', () => {
  it("reproduces the parent's trainer argv in a new folder, with the user's arguments last (they win); parent untouched", async () => {
    const before = snapshot(path.join(tree.root, parent));
    fs.rmSync(argvFile);
    // Another cwd and another RUNS_TRAINER: the parent's own trainer line is what runs.
    const r = await runCli([...tree.flags, 'train', '--from', parent, '--', '--learning-rate', '2e-5'], {
      cwd: work,
      env: { RUNS_TRAINER: 'no-such-trainer', FAKE_ARGV_FILE: argvFile, FAKE_LOG: PARENT_LOG },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`re-running ${parent}\n`);
    const child = newestId();
    expect(child).not.toBe(parent);
    const [dump] = dumps();
    const P = path.join(tree.root, parent);
    const C = path.join(tree.root, child);
    const parentArgv = (manifestOf(parent).command as string[]).slice(2); // without `node fake-trainer.mjs`
    expect(dump!.argv).toEqual([
      ...parentArgv.slice(0, -2).map((w) => w.split(P).join(C)),
      '--learning-rate',
      '2e-5',
      '--adapter-path',
      path.join(C, 'adapters'),
    ]);
    expect(dump!.argv).toEqual([
      '--train',
      '-c',
      path.join(C, 'config.yaml'),
      '--iters',
      '200',
      '--data',
      'data/sql',
      '--learning-rate',
      '1e-5',
      '--learning-rate',
      '2e-5',
      '--adapter-path',
      path.join(C, 'adapters'),
    ]);
    expect(fs.readFileSync(path.join(C, 'config.yaml'))).toEqual(fs.readFileSync(path.join(P, 'config.yaml')));
    expect(manifestOf(child)).toMatchObject({
      parent,
      learning_rate: 2e-5,
      iters: 200,
      trainer: TRAINER,
      trainer_args: ['--iters', '200', '--data', 'data/sql', '--learning-rate', '1e-5', '--learning-rate', '2e-5'],
    });
    expect(manifestOf(child).iter_offset).toBeUndefined();
    expect(snapshot(P)).toEqual(before);
  });

  it('an unknown parent is exit 1 and makes no folder', async () => {
    const count = fs.readdirSync(tree.root).length;
    const r = await cli(['train', '--from', '1999']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error: no run matches "1999"/);
    expect(fs.readdirSync(tree.root).length).toBe(count);
  });
});

describe('runs resume', () => {
  it.each([
    ['best', 200], // best val 1.569 at Iter 200: the checkpoint saved there
    ['150', 150],
    ['last', 200],
  ])(
    '--checkpoint %s passes --resume-adapter-file of checkpoint %i and records parent + iter_offset',
    async (which, iter) => {
      fs.rmSync(argvFile, { force: true });
      const r = await cli(['resume', parent, '--checkpoint', which, '--', '--iters', '60'], { FAKE_LOG: CHILD_LOG });
      expect(r.exitCode, r.stderr).toBe(0);
      const child = newestId();
      const file = path.join(tree.root, parent, 'adapters', `${String(iter).padStart(7, '0')}_adapters.safetensors`);
      expect(fs.existsSync(file)).toBe(true);
      const argv = dumps()[0]!.argv;
      expect(argv.slice(argv.indexOf('--resume-adapter-file'), argv.indexOf('--resume-adapter-file') + 4)).toEqual([
        '--resume-adapter-file',
        file,
        '--iters',
        '60',
      ]);
      expect(argv.slice(-2)).toEqual(['--adapter-path', path.join(tree.root, child, 'adapters')]);
      expect(manifestOf(child)).toMatchObject({ parent, iter_offset: iter });
    },
  );

  it('plot --json draws one continued curve: the parent up to the checkpoint, then the child after it', async () => {
    const r = await cli(['resume', parent, '--checkpoint', '150', '--', '--iters', '60'], { FAKE_LOG: CHILD_LOG });
    expect(r.exitCode).toBe(0);
    const child = newestId();
    const points = JSON.parse((await cli(['plot', child, '--json'])).stdout) as {
      run_id: string;
      split: string;
      iter: number;
      loss: number;
    }[];
    const parentPoints = JSON.parse((await cli(['plot', parent, '--json'])).stdout) as typeof points;
    for (const split of ['train', 'val']) {
      const xs = points.filter((p) => p.split === split).map((p) => p.iter);
      expect(xs.length).toBeGreaterThan(0);
      // Strictly increasing: no overlap and no restart at 1.
      for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]!);
      const fromParent = parentPoints.filter((p) => p.split === split && p.iter <= 150).map((p) => [p.iter, p.loss]);
      expect(points.filter((p) => p.split === split && p.iter <= 150).map((p) => [p.iter, p.loss])).toEqual(fromParent);
      expect(Math.max(...xs)).toBe(210);
    }
    // The child's first train report (its Iter 49) sits at 150 + 49.
    const firstChildTrain = Number(/Iter (\d+): Train loss/.exec(fs.readFileSync(CHILD_LOG, 'utf8'))![1]);
    expect(points.find((p) => p.split === 'train' && p.iter > 150)!.iter).toBe(150 + firstChildTrain);
    // On the tokens axis too: the child's tokens continue after the parent's 50,252 at Iter 150
    // (its own counter restarts: 12,193 at its Iter 49).
    const byTokens = JSON.parse((await cli(['plot', child, '--json', '--x', 'tokens', '--split', 'train'])).stdout) as {
      iter: number;
      trained_tokens: number;
    }[];
    for (let i = 1; i < byTokens.length; i++)
      expect(byTokens[i]!.trained_tokens).toBeGreaterThan(byTokens[i - 1]!.trained_tokens);
    expect(byTokens.find((p) => p.iter === 150)!.trained_tokens).toBe(50252);
    expect(byTokens.find((p) => p.iter === 150 + firstChildTrain)!.trained_tokens).toBe(50252 + 12193);
    // show draws the same joined curve (its x axis runs to 210).
    expect((await cli(['show', child])).stdout).toMatch(/\n\s+1\s+210\s+iter\n/);
  });

  it('a re-run of a resumed run whose checkpoint was pruned since: exit 1, no folder; the user can name another', async () => {
    const resumed = await cli(['resume', parent, '--checkpoint', '100', '--', '--iters', '60'], {
      FAKE_LOG: CHILD_LOG,
    });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const child = newestId();
    const gone = path.join(tree.root, parent, 'adapters', '0000100_adapters.safetensors');
    const kept = fs.readFileSync(gone);
    fs.rmSync(gone); // as `runs prune` would
    try {
      const before = fs.readdirSync(tree.root).sort();
      const r = await cli(['train', '--from', child], { FAKE_LOG: CHILD_LOG });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(
        `Error: ${child} resumed from ${gone}, which no longer exists (pruned?); resume from a checkpoint that exists: runs resume ${parent} --checkpoint ITER\n`,
      );
      expect(fs.readdirSync(tree.root).sort()).toEqual(before);
      expect(newestId()).toBe(child);
      // The user's own --resume-adapter-file wins (argparse: the last one), so the re-run goes ahead.
      const other = path.join(tree.root, parent, 'adapters', '0000150_adapters.safetensors');
      const r2 = await cli(['train', '--from', child, '--', '--resume-adapter-file', other], { FAKE_LOG: CHILD_LOG });
      expect(r2.exitCode, r2.stderr).toBe(0);
      expect(dumps().at(-1)!.argv.slice(-4, -2)).toEqual(['--resume-adapter-file', other]);
    } finally {
      fs.writeFileSync(gone, kept);
    }
  });

  it('a checkpoint that does not exist is exit 1 with the list; a bad --checkpoint is exit 2', async () => {
    const r = await cli(['resume', parent, '--checkpoint', '75']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`Error: ${parent} has no checkpoint at iteration 75; it has 50, 100, 150, 200\n`);
    expect((await cli(['resume', parent, '--checkpoint', 'newest'])).exitCode).toBe(2);
  });
});

describe('runs test', () => {
  it('runs the trainer with --test on the run adapters and its config, in its cwd; stores test loss/ppl; output in test.log', async () => {
    const testLog = path.join(tree.dir, 'test-output.log');
    fs.writeFileSync(testLog, 'Loading pretrained model\nTesting\nTest loss 1.234, Test ppl 3.435.\n');
    fs.rmSync(argvFile, { force: true });
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-elsewhere-'));
    try {
      const r = await runCli([...tree.flags, 'test', parent], {
        cwd: elsewhere,
        env: { FAKE_ARGV_FILE: argvFile, FAKE_LOG: testLog },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('Loading pretrained model\nTesting\nTest loss 1.234, Test ppl 3.435.\n'); // the trainer's output, relayed
      expect(r.stderr).toContain(
        `${parent}: test loss 1.234, test ppl 3.435 (stored; output in ${path.join(tree.root, parent, 'test.log')})`,
      );
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    const P = path.join(tree.root, parent);
    const [dump] = dumps();
    expect(dump).toEqual({
      argv: [
        '--test',
        '-c',
        path.join(P, 'config.yaml'),
        '--iters',
        '200',
        '--data',
        'data/sql',
        '--learning-rate',
        '1e-5',
        '--adapter-path',
        path.join(P, 'adapters'),
      ],
      cwd: work, // where the run was trained: relative --data resolves as it did then
    });
    expect(fs.readFileSync(path.join(P, 'test.log'), 'utf8')).toBe(fs.readFileSync(testLog, 'utf8')); // appended to by later tests
    expect(manifestOf(parent)).toMatchObject({ test_loss: 1.234, test_ppl: 3.435, status: 'completed' });
    const [row] = JSON.parse((await cli(['list', '--json', '--where', `id = '${parent}'`])).stdout) as Record<
      string,
      unknown
    >[];
    expect(row).toMatchObject({ test_loss: 1.234, test_ppl: 3.435 });
    // Survives a rebuild: the result is in run.json, not only in the index.
    await cli(['index', '--rebuild']);
    const [rebuilt] = JSON.parse((await cli(['list', '--json', '--where', `id = '${parent}'`])).stdout) as Record<
      string,
      unknown
    >[];
    expect(rebuilt).toMatchObject({ test_loss: 1.234, test_ppl: 3.435 });
  });

  it('a trainer that prints no test line: exit 1, nothing stored; a failing trainer: its exit code', async () => {
    const before = manifestOf(parent);
    const noLine = path.join(tree.dir, 'no-test.log');
    fs.writeFileSync(noLine, 'Loading pretrained model\n');
    const r = await cli(['test', parent], { FAKE_LOG: noLine });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error: the trainer printed no "Test loss …, Test ppl …" line/);
    const failed = await cli(['test', parent], { FAKE_LOG: noLine, FAKE_EXIT_CODE: '3' });
    expect(failed.exitCode).toBe(3);
    expect(failed.stderr).toContain('nothing was stored');
    expect(manifestOf(parent)).toEqual(before);
  });
});
