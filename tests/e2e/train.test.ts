// `runs train` end to end, against the built bundle (dist/runs.mjs) and the stand-in trainer.
// Why each needs a real process:
// - clean run / exit code: the trainer is a separate process; its bytes must reach train.log
//   through real pipes, and `runs train` must leave with the child's code as a process exit code.
// - SIGINT: signals are delivered to processes; only a real recorder can show that it survives
//   Ctrl-C, forwards it once to its detached child and exits 130 itself.
// - eight at once: the unique-folder and `latest` guarantees are about concurrent processes racing
//   on the same root, which in-process calls cannot reproduce.
// - trainer not found: spawn's ENOENT comes from the OS.
// - kill escalation: needs a child that really ignores SIGINT and a real SIGKILL of its group.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';

const LONG_LOG = path.join(FIXTURE_LOGS, '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log');
const SHORT_LOG = path.join(FIXTURE_LOGS, '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log');
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const TRAINER = `${quote(process.execPath)} ${quote(FAKE_TRAINER)}`;

interface Recorder {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-e2e-train-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5 }); // a killed trainer may still be exiting
});

function startTrain(
  root: string,
  opts: { env?: Record<string, string>; before?: string[]; trainer?: string; args?: string[] } = {},
): Recorder {
  const argv = [
    BIN,
    '--root',
    root,
    '--db',
    path.join(path.dirname(root), `${path.basename(root)}.db`),
    'train',
    '--trainer',
    opts.trainer ?? TRAINER,
    ...(opts.before ?? []),
    '--',
    ...(opts.args ?? ['--iters', '10']),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.RUNS_TRAINER;
  const child = spawn(process.execPath, argv, { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function runFolders(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function onlyRun(root: string): { id: string; dir: string; manifest: Record<string, unknown> } {
  const [id, ...rest] = runFolders(root);
  expect(rest).toEqual([]);
  const dir = path.join(root, id!);
  return { id: id!, dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) };
}

// A hang guard, not a timing check: generous because the 2 cores here are shared with other suites.
async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const logSize = (root: string) => {
  try {
    const [id] = runFolders(root);
    return id ? fs.statSync(path.join(root, id, 'train.log')).size : 0;
  } catch {
    return 0;
  }
};

describe('train (spawn)', () => {
  it('records a clean run: exit 0, completed, byte-identical log, checkpoints, latest, config copy', async () => {
    const root = path.join(tmp, 'clean');
    const config = path.join(tmp, 'lora.yaml');
    const configBytes = Buffer.from(
      '# comment kept\r\nmodel: acme/tiny\niters: 300\nlora_parameters: {rank: 16, scale: 20.0, dropout: 0.0}\n',
    );
    fs.writeFileSync(config, configBytes);
    const { done } = startTrain(root, {
      env: { FAKE_LOG: LONG_LOG },
      before: ['--config', config, '--tag', 'base', '--note', 'first'],
    });
    const r = await done;
    expect(r.code).toBe(0);
    const { id, dir, manifest } = onlyRun(root);

    expect(manifest).toMatchObject({
      id,
      status: 'completed',
      exit_code: 0,
      signal: null,
      model: 'acme/tiny',
      iters: 10, // the flag beats the YAML
      lora_rank: 16,
      tags: ['base'],
      note: 'first',
      cwd: tmp,
      git_sha: null, // tmp is not inside a git repository
      git_dirty: null,
    });
    expect(manifest.finished_at).toEqual(expect.any(String));
    expect(manifest.uid).toMatch(/^[0-9a-f-]{36}$/);
    const command = manifest.command as string[];
    expect(command.slice(-2)).toEqual(['--adapter-path', path.join(dir, 'adapters')]);
    expect(command).toContain('--train');

    expect(fs.readFileSync(path.join(dir, 'train.log')).equals(fs.readFileSync(LONG_LOG))).toBe(true);
    expect(r.stdout).toBe(fs.readFileSync(LONG_LOG, 'utf8')); // teed to the terminal, untouched
    expect(fs.readFileSync(path.join(dir, 'config.yaml')).equals(configBytes)).toBe(true);

    const adapters = fs.readdirSync(path.join(dir, 'adapters')).sort();
    for (let it = 100; it <= 1000; it += 100)
      expect(adapters).toContain(`${String(it).padStart(7, '0')}_adapters.safetensors`);
    expect(adapters).toContain('adapters.safetensors');
    const adapterConfig = JSON.parse(fs.readFileSync(path.join(dir, 'adapters', 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ adapter_path: path.join(dir, 'adapters'), iters: 10, train: true });

    expect(fs.readlinkSync(path.join(root, 'latest'))).toBe(id);
    expect(fs.realpathSync(path.join(root, 'latest'))).toBe(fs.realpathSync(dir));
    expect(fs.existsSync(path.join(dir, '.heartbeat'))).toBe(false);
    expect(r.stderr).toMatch(new RegExp(`^run ${id}  ->  `, 'm'));
    // The closing line carries the summary the live index holds (fixture 15: best val 1.071 @ 700).
    expect(r.stderr).toMatch(
      new RegExp(
        `^run ${id} completed in \\d+s: best val loss 1\\.071 @ 700, final train loss 0\\.912, test loss 1\\.083$`,
        'm',
      ),
    );
  });

  it("passes on the trainer's exit code: 3 → exit 3, failed; each stream teed to its own", async () => {
    const root = path.join(tmp, 'fail');
    const r = await startTrain(root, {
      env: { FAKE_LOG: SHORT_LOG, FAKE_EXIT_CODE: '3', FAKE_STDERR_PATTERN: 'Val loss' },
    }).done;
    expect(r.code).toBe(3);
    const { dir, manifest } = onlyRun(root);
    expect(manifest).toMatchObject({ status: 'failed', exit_code: 3, signal: null });
    const fixtureLines = fs.readFileSync(SHORT_LOG, 'utf8').split('\n');
    const valLines = fixtureLines.filter((l) => l.includes('Val loss'));
    expect(valLines.length).toBeGreaterThan(0);
    for (const l of valLines) expect(r.stderr).toContain(l);
    expect(r.stdout).not.toContain('Val loss');
    // both streams land in train.log (their relative order is up to the two pipes)
    expect(fs.readFileSync(path.join(dir, 'train.log'), 'utf8').split('\n').sort()).toEqual([...fixtureLines].sort());
    expect(r.stderr).toMatch(/failed in \d+s/);
  });

  it('Ctrl-C: forwards SIGINT once, exits 130, run.json interrupted, partial log kept', async () => {
    const root = path.join(tmp, 'sigint');
    const rec = startTrain(root, { env: { FAKE_LOG: LONG_LOG, FAKE_DELAY_MS: '20' } });
    await waitFor(() => logSize(root) > 0);
    const live = onlyRun(root);
    expect(live.manifest).toMatchObject({ status: 'running', exit_code: null, finished_at: null, pid: rec.child.pid });
    expect(fs.existsSync(path.join(live.dir, '.heartbeat'))).toBe(true);
    rec.child.kill('SIGINT'); // the recorder only: the trainer is in its own process group
    const r = await rec.done;
    expect(r.code).toBe(130);
    expect(r.signal).toBeNull();
    const { dir, manifest } = onlyRun(root);
    expect(manifest).toMatchObject({ status: 'interrupted', exit_code: null, signal: 'SIGINT' });
    const log = fs.readFileSync(path.join(dir, 'train.log'), 'utf8');
    const fixture = fs.readFileSync(LONG_LOG, 'utf8');
    const traceback = log.indexOf('Traceback (most recent call last):');
    expect(traceback).toBeGreaterThan(0);
    expect(log.slice(traceback)).toMatch(/KeyboardInterrupt\n$/);
    // once: a second SIGINT would have printed a second traceback
    expect(log.split('KeyboardInterrupt').length).toBe(2);
    const stdoutPart = log.slice(0, traceback);
    expect(fixture.startsWith(stdoutPart)).toBe(true);
    expect(stdoutPart.length).toBeLessThan(fixture.length);
    expect(r.stderr).toMatch(/interrupted in \d+s/);
  });

  it('eight runs started at once get eight folders; latest is the newest', async () => {
    const root = path.join(tmp, 'many');
    const recs = Array.from({ length: 8 }, () => startTrain(root, { env: { FAKE_LOG: SHORT_LOG } }));
    const results = await Promise.all(recs.map((r) => r.done));
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    const ids = runFolders(root);
    expect(ids).toHaveLength(8);
    for (const id of ids) {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, id, 'run.json'), 'utf8'));
      expect(manifest).toMatchObject({ id, status: 'completed', exit_code: 0 });
      expect(fs.readFileSync(path.join(root, id, 'train.log')).equals(fs.readFileSync(SHORT_LOG))).toBe(true);
    }
    const uids = new Set(ids.map((id) => JSON.parse(fs.readFileSync(path.join(root, id, 'run.json'), 'utf8')).uid));
    expect(uids.size).toBe(8);
    const { compareRunIds } = await import('../../src/core/run-id.js');
    const newest = [...ids].sort(compareRunIds).at(-1)!;
    expect(fs.readlinkSync(path.join(root, 'latest'))).toBe(newest);
    expect(fs.statSync(path.join(root, 'latest')).isDirectory()).toBe(true);
  });

  // Issue 10 item 8: the trainer is looked up BEFORE the run folder is made: no junk run, `latest`
  // does not move, and the advice is the README's install line.
  it.each([
    [
      'a path that does not exist',
      '/nonexistent/mlx_lm.lora',
      /^Error: trainer "\/nonexistent\/mlx_lm\.lora" cannot be started \(\/nonexistent\/mlx_lm\.lora does not exist\); no run was made: check --trainer/,
    ],
    [
      'a name not on PATH',
      'mlx_lm_lora_not_installed',
      /^Error: trainer "mlx_lm_lora_not_installed" cannot be started \(not found on PATH\); no run was made: check --trainer/,
    ],
    [
      'a file that is not executable',
      'NOT_EXECUTABLE',
      /cannot be started \(.+not-executable\.sh is not executable\); no run was made/,
    ],
  ])(
    'a trainer that cannot be started (%s): exit 127, one line, no run folder, latest unchanged',
    async (_what, trainer, message) => {
      const root = path.join(tmp, `missing-${Math.random().toString(36).slice(2)}`);
      expect((await startTrain(root).done).code).toBe(0);
      const first = onlyRun(root).id;
      if (trainer === 'NOT_EXECUTABLE') {
        trainer = path.join(tmp, 'not-executable.sh');
        fs.writeFileSync(trainer, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
      }
      const r = await startTrain(root, { trainer }).done;
      expect(r.code).toBe(127);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).toContain('pip install "mlx-lm[train]"');
      expect(runFolders(root)).toEqual([first]);
      expect(fs.readlinkSync(path.join(root, 'latest'))).toBe(first);
    },
  );

  it('the default trainer missing from PATH: the advice is to install mlx-lm[train]', async () => {
    const root = path.join(tmp, 'no-default-trainer');
    const argv = [BIN, '--root', root, 'train', '--', '--iters', '10'];
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path.join(tmp, 'empty-path') };
    delete env.RUNS_TRAINER;
    const r = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
    expect(r.status).toBe(127);
    expect(r.stderr).toBe(
      'Error: trainer "mlx_lm.lora" cannot be started (not found on PATH); no run was made: ' +
        'install the trainer with `pip install "mlx-lm[train]"`, or pass --trainer CMD (or set RUNS_TRAINER)\n',
    );
    expect(fs.existsSync(root)).toBe(false);
  });

  it('kills a trainer that ignores SIGINT after RUNS_KILL_GRACE, exit 137, interrupted', async () => {
    const root = path.join(tmp, 'stubborn');
    const rec = startTrain(root, {
      env: { FAKE_LOG: LONG_LOG, FAKE_IGNORE_SIGINT: '1', FAKE_HANG_AFTER_LINES: '3', RUNS_KILL_GRACE: '1' },
    });
    await waitFor(() => logSize(root) > 0);
    const sent = Date.now();
    rec.child.kill('SIGINT');
    const r = await rec.done;
    const waited = Date.now() - sent;
    expect(r.code).toBe(137);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5000);
    expect(r.stderr).toContain('trainer did not stop within 1s after SIGINT; killed it');
    const { dir, manifest } = onlyRun(root);
    expect(manifest).toMatchObject({ status: 'interrupted', exit_code: null, signal: 'SIGKILL' });
    expect(fs.readFileSync(path.join(dir, 'train.log'), 'utf8')).toContain('fake-trainer: ignoring SIGINT');
  });
});
