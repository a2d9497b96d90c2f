// Reliability of `runs train` under faults, concurrency and a full disk (issue #6, items 1, 2, 3, 8),
// against the built bundle (dist/runs.mjs) and the stand-in trainer. Every test here breaks
// something on purpose in a real process; why each needs one is said at the top of the test.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';

const LONG_LOG = path.join(FIXTURE_LOGS, '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log');
const SHORT_LOG = path.join(FIXTURE_LOGS, '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log');
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const TRAINER = `${quote(process.execPath)} ${quote(FAKE_TRAINER)}`;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Proc {
  child: ReturnType<typeof spawn>;
  done: Promise<Finished>;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-e2e-reliability-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `node dist/runs.mjs --root ROOT --db DB ...argv`, output collected. */
function runs(root: string, db: string, argv: string[], env: Record<string, string> = {}): Proc {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete fullEnv.RUNS_TRAINER;
  const child = spawn(process.execPath, [BIN, '--root', root, '--db', db, ...argv], {
    cwd: tmp,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function train(root: string, db: string, env: Record<string, string>): Proc {
  return runs(root, db, ['train', '--trainer', TRAINER, '--', '--iters', '10'], env);
}

function runFolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'lost+found')
    .map((e) => e.name)
    .sort();
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond`; gives up early, with the recorder's output, if the recorder has already ended. */
async function waitFor(cond: () => boolean, what: string, proc?: Proc, timeoutMs = 15_000): Promise<void> {
  let ended: Finished | null = null;
  void proc?.done.then((f) => (ended = f));
  const start = Date.now();
  while (!cond()) {
    if (ended !== null) {
      const f: Finished = ended;
      throw new Error(`the recorder ended (code ${f.code}, signal ${f.signal}) before ${what}:\n${f.stderr}`);
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const readIf = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** The only run folder under root (waits for it to appear). */
async function theRun(root: string, proc?: Proc): Promise<{ id: string; dir: string }> {
  await waitFor(() => runFolders(root).length === 1, 'the run folder', proc);
  const [id] = runFolders(root);
  return { id: id!, dir: path.join(root, id!) };
}

/** Pid of the recorder's child running the stand-in trainer (Linux /proc). */
function trainerPidOf(recorderPid: number): number | null {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== recorderPid) continue;
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('fake-trainer.mjs')) return Number(name);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
}

/**
 * Metric records a log holds, counted independently of our parser: each complete
 * `Iter N: Train loss` / `Iter N: Val loss` line and each `Test loss` line (fixtures 09/15 print
 * nothing else that is a metric; EXPECTED.json agrees: fixture 15 = 100 + 11 + 1).
 */
function metricLinesIn(log: string): number {
  const lines = log.split('\n');
  lines.pop(); // an unfinished last line (none expected) is not counted
  return lines.filter((l) => /^Iter \d+: (Train|Val) loss /.test(l) || /^Test loss /.test(l)).length;
}

function dbAll<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all(...params) as T[];
  } finally {
    conn.close();
  }
}

/** run.json parsed; fails the test with the raw text when it is not valid JSON. */
function manifestOf(dir: string): Record<string, unknown> {
  const text = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`run.json is not valid JSON (${(err as Error).message}):\n${text}`, { cause: err });
  }
}

/** After any outcome: valid run.json with a finished_at after started_at, no temp files left. */
function expectCleanFinish(dir: string): Record<string, unknown> {
  const m = manifestOf(dir);
  expect(typeof m.finished_at).toBe('string');
  expect(Number.isNaN(Date.parse(m.finished_at as string))).toBe(false);
  expect(Date.parse(m.finished_at as string)).toBeGreaterThanOrEqual(Date.parse(m.started_at as string));
  const leftovers = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === '.heartbeat' || f === '.reserve');
  expect(leftovers).toEqual([]);
  return m;
}

describe('recorder killed with SIGKILL (item 1)', () => {
  it('keeps folder, log and run.json; the next list shows the run crashed with its metrics, and runs index records it', async () => {
    // Real process: SIGKILL cannot be caught, so only a real recorder dying for real shows what a
    // crash leaves on disk, and the liveness check needs a pid that is really gone.
    const root = path.join(tmp, 'kill9');
    const db = path.join(tmp, 'kill9.db');
    const rec = train(root, db, { FAKE_LOG: LONG_LOG, FAKE_DELAY_MS: '15' });
    const { id, dir } = await theRun(root, rec);
    const log = path.join(dir, 'train.log');
    await waitFor(() => readIf(log).includes('Iter 300: Train loss'), 'Iter 300 in train.log', rec);
    const before = manifestOf(dir);
    expect(before).toMatchObject({ id, status: 'running', pid: rec.child.pid, finished_at: null });
    const beforeText = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');

    rec.child.kill('SIGKILL');
    const r = await rec.done; // reaped: its pid no longer exists
    expect(r.signal).toBe('SIGKILL');
    // The trainer, in its own process group, loses its stdout pipe and ends at its next line; nobody
    // appends to train.log any more.

    const logText = fs.readFileSync(log, 'utf8');
    expect(fs.readFileSync(LONG_LOG, 'utf8').startsWith(logText)).toBe(true);
    expect(logText.endsWith('\n')).toBe(true);
    const expectedMetrics = metricLinesIn(logText);
    expect(expectedMetrics).toBeGreaterThan(30);
    expect(expectedMetrics).toBeLessThan(112);
    expect(manifestOf(dir)).toEqual(before); // still valid, untouched until an indexer looks

    const list = await runs(root, db, ['list', '--json']).done;
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: string; status: string; last_iter: number | null }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, status: 'crashed' });
    expect(dbAll<{ n: number }>(db, 'select count(*) as n from metrics where run_id = ?', id)[0]!.n).toBe(
      expectedMetrics,
    );

    // A read command keeps what it derived in the index: run.json is not touched (issue 10 item 5).
    expect(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).toBe(beforeText);

    // `runs index` records it in run.json (the folders are the truth), keeping everything else.
    const index = await runs(root, db, ['index']).done;
    expect(index.code).toBe(0);
    const after = manifestOf(dir);
    expect(after).toMatchObject({ ...before, status: 'crashed' });
    expect(after.warnings).toEqual([expect.stringMatching(/recorder .*stopped without recording an outcome/)]);
    expect(fs.readFileSync(log, 'utf8')).toBe(logText);
    expect(dbAll(db, 'select status from runs')).toEqual([{ status: 'crashed' }]);
    expect(dbAll<{ n: number }>(db, 'select count(*) as n from metrics')[0]!.n).toBe(expectedMetrics);
  });
});

describe('trainer outcomes (item 2)', () => {
  it('exit 1: runs train exits 1, failed, valid run.json with finished_at', async () => {
    // Real process: the trainer's exit code must become the recorder's own process exit code.
    const root = path.join(tmp, 'exit1');
    const r = await train(root, path.join(tmp, 'exit1.db'), { FAKE_LOG: SHORT_LOG, FAKE_EXIT_CODE: '1' }).done;
    expect(r.code).toBe(1);
    const { dir } = await theRun(root);
    expect(expectCleanFinish(dir)).toMatchObject({ status: 'failed', exit_code: 1, signal: null });
    expect(fs.readFileSync(path.join(dir, 'train.log')).equals(fs.readFileSync(SHORT_LOG))).toBe(true);
    expect(r.stderr).toMatch(/ failed in \d+s/);
  });

  it('trainer killed by SIGKILL (e.g. the OOM killer): exit 137, failed, signal SIGKILL', async () => {
    // Real process: the trainer must really die by a signal the recorder did not send.
    const root = path.join(tmp, 'trainer-kill9');
    const rec = train(root, path.join(tmp, 'trainer-kill9.db'), { FAKE_LOG: LONG_LOG, FAKE_HANG_AFTER_LINES: '10' });
    const { dir } = await theRun(root, rec);
    await waitFor(() => readIf(path.join(dir, 'train.log')).split('\n').length > 10, 'ten lines in train.log', rec);
    let trainerPid: number | null = null;
    await waitFor(() => (trainerPid = trainerPidOf(rec.child.pid!)) !== null, 'the trainer process', rec);
    process.kill(trainerPid!, 'SIGKILL');
    const r = await rec.done;
    expect(r.code).toBe(137);
    expect(r.signal).toBeNull();
    // Nobody asked it to stop: this is a failure, not an interruption.
    expect(expectCleanFinish(dir)).toMatchObject({ status: 'failed', exit_code: null, signal: 'SIGKILL' });
    expect(r.stderr).not.toContain('stopping the trainer');
  });

  it('SIGTERM to the recorder: forwarded once, exit 143, interrupted', async () => {
    // Real process: SIGTERM is delivered to the recorder's pid; forwarding it to the detached
    // trainer's process group and exiting 143 are process-level behaviours.
    const root = path.join(tmp, 'sigterm');
    const rec = train(root, path.join(tmp, 'sigterm.db'), { FAKE_LOG: LONG_LOG, FAKE_HANG_AFTER_LINES: '10' });
    const { dir } = await theRun(root, rec);
    await waitFor(() => readIf(path.join(dir, 'train.log')).split('\n').length > 10, 'ten lines in train.log', rec);
    rec.child.kill('SIGTERM');
    const r = await rec.done;
    expect(r.code).toBe(143);
    expect(r.signal).toBeNull();
    expect(expectCleanFinish(dir)).toMatchObject({ status: 'interrupted', exit_code: null, signal: 'SIGTERM' });
    expect(r.stderr.match(/runs: SIGTERM: stopping the trainer/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/ interrupted in \d+s/);
    const logText = fs.readFileSync(path.join(dir, 'train.log'), 'utf8');
    expect(fs.readFileSync(LONG_LOG, 'utf8').startsWith(logText)).toBe(true);
  });
});

describe('concurrency (item 3)', () => {
  it('8 runs train + runs index in a loop + runs list in a loop: own folders, latest resolves, no lock errors, full metrics', async () => {
    // Real processes: folder claims, the `latest` rename and SQLite's locking are about separate
    // processes racing on one root and one database file; in-process calls would serialize them.
    const root = path.join(tmp, 'concurrent');
    const db = path.join(tmp, 'concurrent.db');
    fs.mkdirSync(root, { recursive: true });
    const recorders = Array.from({ length: 8 }, () => train(root, db, { FAKE_LOG: LONG_LOG, FAKE_DELAY_MS: '4' }));
    let trainersDone = false;
    const all = Promise.all(recorders.map((r) => r.done)).finally(() => (trainersDone = true));

    const others: Finished[] = [];
    const loop = async (argv: string[]) => {
      let n = 0;
      while (!trainersDone || n === 0) {
        others.push(await runs(root, db, argv).done);
        n++;
      }
      return n;
    };
    // `latest` must resolve at every moment once it exists (it is replaced by rename, never removed).
    let latestChecks = 0;
    const latestFailures: string[] = [];
    const watchLatest = (async () => {
      const link = path.join(root, 'latest');
      while (!trainersDone) {
        let exists = true;
        try {
          fs.lstatSync(link);
        } catch {
          exists = false;
        }
        if (exists) {
          latestChecks++;
          try {
            if (!fs.statSync(link).isDirectory()) latestFailures.push('latest is not a directory');
          } catch (err) {
            latestFailures.push((err as Error).message);
          }
        }
        await sleep(3);
      }
    })();
    const [results, indexRuns, listRuns] = await Promise.all([
      all,
      loop(['index']),
      loop(['list', '--json']),
      watchLatest,
    ]);

    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    expect(indexRuns).toBeGreaterThan(0);
    expect(listRuns).toBeGreaterThan(0);
    for (const o of others) {
      expect(o.code, o.stderr).toBe(0);
      expect(o.stderr.split('\n').filter((l) => /^(warning|error)\b/i.test(l))).toEqual([]);
    }
    const allStderr = [...results, ...others].map((r) => r.stderr).join('\n');
    expect(allStderr).not.toMatch(/database is locked|SQLITE_BUSY|index was not updated|internal error/i);
    expect(latestChecks).toBeGreaterThan(0);
    expect(latestFailures).toEqual([]);

    const ids = runFolders(root);
    expect(ids).toHaveLength(8);
    const fixture = fs.readFileSync(LONG_LOG);
    const expected = metricLinesIn(fixture.toString('utf8'));
    expect(expected).toBe(112);
    for (const id of ids) {
      expect(fs.readFileSync(path.join(root, id, 'train.log')).equals(fixture)).toBe(true);
      expect(manifestOf(path.join(root, id))).toMatchObject({ id, status: 'completed' });
    }
    // What the recorders and the loops left in the index, with no extra `runs index` at the end.
    const counts = dbAll<{ id: string; status: string; n: number }>(
      db,
      'select r.id, r.status, (select count(*) from metrics m where m.run_id = r.id) as n from runs r order by r.id',
    );
    expect(counts).toEqual(ids.map((id) => ({ id, status: 'completed', n: expected })));
    const stdoutOfRuns = results.map((r) => r.stdout);
    expect(new Set(stdoutOfRuns)).toEqual(new Set([fixture.toString('utf8')]));
  });
});

describe('disk full (item 8)', () => {
  // Both tests: a real (tiny) file system, so ENOSPC comes from the kernel part-way through a
  // write, while the trainer (a separate process) keeps printing. Mounting needs root.
  let mountPoint: string | null = null;
  let mountError: string | null = null;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-e2e-tinyfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      mountPoint = dir;
    } catch (err) {
      mountError = ((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0]!;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(() => {
    if (mountPoint === null) return;
    try {
      execFileSync('umount', [mountPoint]);
      fs.rmdirSync(mountPoint);
    } catch {
      // a busy mount point is released when the last process using it ends
    }
  });
  const skipReason = () => `cannot mount a 200k tmpfs here (${mountError}); run the suite as root to test a full disk`;

  it('disk fills mid-run: trainer runs to its end, one warning, train.log a clean prefix, run.json records it', async (ctx) => {
    // Real process: see the describe; the recorder must outlive ENOSPC on its own log writes.
    if (mountPoint === null) return ctx.skip(skipReason());
    // ~460 KB of log for a 200 KB file system; the last line proves the trainer reached its end.
    const bigLog = path.join(tmp, 'big.log');
    const lines = ['Starting training..., iters: 4000'];
    for (let i = 1; i <= 3600; i++) {
      lines.push(
        `Iter ${i}: Train loss ${(2 - i / 4000).toFixed(3)}, Learning Rate 1.000e-05, It/sec 2.000, Tokens/sec 800.000, Trained Tokens ${i * 400}, Peak mem 5.000 GB`,
      );
    }
    lines.push('fake-trainer: reached the end of its log');
    fs.writeFileSync(bigLog, `${lines.join('\n')}\n`);
    const bigBytes = fs.readFileSync(bigLog);
    expect(bigBytes.length).toBeGreaterThan(400_000);

    const root = path.join(mountPoint, 'runs');
    const db = path.join(tmp, 'diskfull.db'); // the index lives elsewhere: only the run folder is short of space
    const r = await train(root, db, { FAKE_LOG: bigLog }).done;

    expect(r.code, r.stderr).toBe(0); // the trainer's own code
    expect(r.stdout.endsWith('fake-trainer: reached the end of its log\n')).toBe(true);
    expect(r.stdout).toBe(bigBytes.toString('utf8')); // every byte still reached the terminal
    const problems = r.stderr.split('\n').filter((l) => /ENOSPC|no space/i.test(l));
    expect(problems, r.stderr).toHaveLength(1);
    expect(problems[0]).toMatch(/^warning: cannot write .*train\.log \(ENOSPC\); the trainer keeps running/);
    expect(r.stderr).not.toMatch(/internal error|could not record the outcome/);

    const [id] = runFolders(root);
    const dir = path.join(root, id!);
    const log = fs.readFileSync(path.join(dir, 'train.log'));
    expect(log.length).toBeGreaterThan(0);
    expect(log.length).toBeLessThan(bigBytes.length);
    expect(bigBytes.subarray(0, log.length).equals(log)).toBe(true);

    // run.json was written before the disk filled; the outcome and the mark still get in.
    const m = expectCleanFinish(dir);
    expect(m).toMatchObject({ id, status: 'completed', exit_code: 0 });
    expect(m.warnings).toEqual([expect.stringMatching(/^train\.log incomplete: .*ENOSPC/)]);

    const list = await runs(root, db, ['list', '--json']).done;
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, status: 'completed' })]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('disk already full at the start: exit 1, one clear error, no trainer, no half-made run folder', async (ctx) => {
    // Real process: ENOSPC from the kernel on the very first write (run.json), before any trainer.
    if (mountPoint === null) return ctx.skip(skipReason());
    const root = path.join(mountPoint, 'full-runs');
    fs.mkdirSync(root);
    const filler = path.join(mountPoint, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      const chunk = Buffer.alloc(4096, 1);
      for (;;) fs.writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    try {
      const r = await train(root, path.join(tmp, 'full.db'), { FAKE_LOG: SHORT_LOG }).done;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe(''); // the trainer never ran
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^Error: cannot create the run in .*full-runs.* \(ENOSPC: .*\).*free some disk space/);
      expect(runFolders(root)).toEqual([]);
    } finally {
      fs.rmSync(filler, { force: true });
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
