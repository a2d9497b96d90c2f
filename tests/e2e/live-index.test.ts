// Metrics are in the index while `runs train` is still running.
// Why a real process: live indexing happens inside a recorder that is busy relaying a trainer's
// pipes; only a second, independent process (`runs sql`) reading the same SQLite file while the
// first one runs can show that rows arrive before the run ends.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';

const LOG = path.join(FIXTURE_LOGS, '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live indexing (spawn)', () => {
  it('a slow run shows its rows so far in runs sql and runs list before it ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-live-'));
    const flags = ['--root', path.join(dir, 'runs'), '--db', path.join(dir, 'runs.db')];
    const env = { ...process.env, FAKE_LOG: LOG, FAKE_HANG_AFTER_LINES: '40' };
    const recorder = spawn(
      process.execPath,
      [BIN, ...flags, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '1000'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    recorder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    recorder.stdout.resume();
    const exited = new Promise<number | null>((r) => recorder.on('close', (code) => r(code)));

    const sql = (q: string) => execFileSync(process.execPath, [BIN, ...flags, 'sql', '--csv', q], { encoding: 'utf8' });
    // What the stand-in prints before it hangs (the first 40 lines of the fixture) holds these records.
    const first40 = fs.readFileSync(LOG, 'utf8').split('\n').slice(0, 40);
    const expectTrain = first40.filter((l) => l.includes(': Train loss ')).length;
    const expectVal = first40.filter((l) => l.includes(': Val loss ')).length;
    expect(expectTrain).toBeGreaterThan(10);

    let counts = '';
    for (let i = 0; i < 100; i++) {
      await sleep(100);
      if (!fs.existsSync(path.join(dir, 'runs.db'))) continue;
      counts = sql('select split, count(*) as n from metrics group by split order by split');
      if (counts === `split,n\ntrain,${expectTrain}\nval,${expectVal}\n`) break;
    }
    expect(counts).toBe(`split,n\ntrain,${expectTrain}\nval,${expectVal}\n`);
    // The trainer is still going (it hangs after line 40): the run is listed as running.
    expect(recorder.exitCode).toBeNull();
    const list = JSON.parse(
      execFileSync(process.execPath, [BIN, ...flags, 'list', '--json'], { encoding: 'utf8' }),
    ) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'running', iters: 1000, best_val_loss: expect.any(Number) });

    recorder.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted in \d+s/);
    const after = sql('select status, last_iter from runs');
    expect(after).toMatch(/^status,last_iter\ninterrupted,\d+\n$/);
  });
});
