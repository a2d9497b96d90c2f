// The `runs` reporter for mlx-lm 0.32+ (python/runs_launch.py) with a stand-in mlx_lm package
// (tests/fixtures/fake-mlx: the SUPPORT_CALLBACK registry, get_reporting_callbacks looked up when
// training starts, upstream's train/val payloads, the rich-table console). Why real processes:
// the reporter is Python started by the bundle, with the interpreter named by the shebang of the
// `mlx_lm.lora` console script found on PATH.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT } from '../helpers/paths.js';

const FAKE = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'fake-mlx');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-reporter-'));
  dirs.push(dir);
  const root = path.join(dir, 'runs');
  const env = {
    ...process.env,
    PATH: `${path.join(FAKE, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    PYTHONPATH: path.join(FAKE, 'site-packages'),
    RUNS_ROOT: root,
    RUNS_DB: path.join(dir, 'runs.db'),
    RUNS_TRAINER: '',
  };
  return { dir, root, env, db: path.join(dir, 'runs.db') };
}

const jsonLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, number | string>);
const trainRows = (db: string) => {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite
      .prepare(
        "select iter, loss, learning_rate, it_per_sec, tokens_per_sec, trained_tokens, peak_mem_gb from metrics where split = 'train' order by seq",
      )
      .all();
  } finally {
    sqlite.close();
  }
};
const asRow = (r: Record<string, number | string>) => ({
  iter: r.iteration,
  loss: r.train_loss,
  learning_rate: r.learning_rate,
  it_per_sec: r.iterations_per_second,
  tokens_per_sec: r.tokens_per_second,
  trained_tokens: r.trained_tokens,
  peak_mem_gb: r.peak_memory,
});

describe.skipIf(!hasPython)('runs reporter (python3 + stand-in mlx_lm)', () => {
  it('default trainer: the index holds the exact values the callbacks got; --report-to wandb still reports', () => {
    const t = setup();
    const r = spawnSync(process.execPath, [BIN, 'train', '--', '--iters', '20', '--report-to', 'wandb'], {
      cwd: t.dir,
      env: t.env,
      encoding: 'utf8',
    });
    expect(r.stderr).not.toMatch(/warning|Error/);
    expect(r.status).toBe(0);
    const run = path.join(t.root, fs.readlinkSync(path.join(t.root, 'latest')));
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      status: 'completed',
      metrics_source: 'callback',
      trainer_family: 'mlx-lm',
      trainer_version: '0.32.2',
    });
    expect(manifest.command).toEqual(expect.arrayContaining(['--report-to', 'wandb,runs']));

    const reports = jsonLines(path.join(run, 'metrics.jsonl'));
    const train = reports.filter((x) => x.type === 'train');
    expect(train).toHaveLength(4);
    expect(trainRows(t.db)).toEqual(train.map(asRow));
    // Values the 0.32+ console never printed: they can only have come from the callbacks.
    const console = fs.readFileSync(path.join(run, 'train.log'), 'utf8');
    for (const x of train) {
      for (const key of ['learning_rate', 'iterations_per_second', 'trained_tokens', 'peak_memory', 'train_loss']) {
        expect(console, key).not.toContain(String(x[key]));
      }
    }
    // Val rows at the iteration the console prints (the callback's iteration + 1).
    const sqlite = new Database(t.db, { readonly: true });
    const val = sqlite.prepare("select iter, loss from metrics where split = 'val' order by seq").all();
    const test = sqlite.prepare("select loss, test_ppl from metrics where split = 'test'").all();
    sqlite.close();
    expect(val).toEqual(reports.filter((x) => x.type === 'val').map((x) => ({ iter: x.iteration, loss: x.val_loss })));
    expect(val.map((v) => (v as { iter: number }).iter)).toEqual([1, 10, 20]);
    expect(test).toEqual([{ loss: 1.362, test_ppl: 3.904 }]); // only the console has it
    // The user's reporter got every report too.
    const wandb = jsonLines(path.join(run, 'adapters', 'wandb-calls.jsonl'));
    expect(wandb.filter((x) => x.kind === 'train').map((x) => x.train_loss)).toEqual(train.map((x) => x.train_loss));
  });

  it('an mlx-lm without the callback registry: one notice, the run as before, metrics from the console', () => {
    const t = setup();
    const env = { ...t.env, FAKE_MLX_BEFORE_REGISTRY: '1' };
    const r = spawnSync(process.execPath, [BIN, 'train', '--', '--iters', '10'], { cwd: t.dir, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr.match(/no reporting-callback registry/g)).toHaveLength(1);
    const run = path.join(t.root, fs.readlinkSync(path.join(t.root, 'latest')));
    expect(fs.existsSync(path.join(run, 'metrics.jsonl'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ status: 'completed', metrics_source: 'console' });
    // The console's rounded values: 3 decimals, no learning rate.
    expect(trainRows(t.db)).toEqual([
      {
        iter: 5,
        loss: 2.842,
        learning_rate: null,
        it_per_sec: null,
        tokens_per_sec: 695,
        trained_tokens: 6800,
        peak_mem_gb: null,
      },
      {
        iter: 10,
        loss: 2.781,
        learning_rate: null,
        it_per_sec: null,
        tokens_per_sec: 701,
        trained_tokens: 13600,
        peak_mem_gb: null,
      },
    ]);
  });

  it('a trainer killed mid-run leaves a readable metrics.jsonl and a consistent index', async () => {
    const t = setup();
    const child = spawn(process.execPath, [BIN, 'train', '--', '--iters', '40', '--hang-after', '2'], {
      cwd: t.dir,
      env: t.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait (no time limit) until the stand-in has reported twice and said who it is.
    let run: string;
    for (;;) {
      await new Promise((res) => setTimeout(res, 50));
      try {
        run = path.join(t.root, fs.readlinkSync(path.join(t.root, 'latest')));
        const lines = jsonLines(path.join(run, 'metrics.jsonl')).filter((x) => x.type === 'train');
        if (lines.length >= 2 && fs.existsSync(path.join(run, 'trainer.pid'))) break;
      } catch {
        // not there yet
      }
    }
    process.kill(Number(fs.readFileSync(path.join(run, 'trainer.pid'), 'utf8')), 'SIGKILL');
    expect(await exited).toBe(137);
    const train = jsonLines(path.join(run, 'metrics.jsonl')).filter((x) => x.type === 'train');
    expect(train).toHaveLength(2);
    const idx = spawnSync(process.execPath, [BIN, 'index'], { env: t.env, encoding: 'utf8' });
    expect(idx.status).toBe(0);
    expect(trainRows(t.db)).toEqual(train.map(asRow));
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ status: 'failed', signal: 'SIGKILL', metrics_source: 'callback' });
  });
});
