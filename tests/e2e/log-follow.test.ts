// `runs log --follow` while `runs train` runs. Why real processes: following means a second,
// independent process reading a log that another process (the recorder) is still writing, and
// returning by itself when that run ends; only the shipped bundle, spawned, shows both.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';

const LOG = path.join(FIXTURE_LOGS, '16-mlxlm-0.28-crlf-line-endings.log');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runs log --follow (spawn)', () => {
  it('prints what the trainer writes while it runs and returns when the run ends, with the whole log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-follow-'));
    try {
      const root = path.join(dir, 'runs');
      const flags = ['--root', root, '--db', path.join(dir, 'runs.db')];
      const recorder = spawn(
        process.execPath,
        [BIN, ...flags, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '200'],
        {
          env: { ...process.env, FAKE_LOG: LOG, FAKE_DELAY_MS: '40' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      recorder.stderr.resume();
      const trained = new Promise<number | null>((r) => recorder.on('close', (code) => r(code)));
      // Wait until the run has a log (the recorder made the folder and the trainer started) and the
      // recorder has made the index: before that a reader answers from a temporary one and says so.
      let runDir = '';
      for (let i = 0; i < 400 && !runDir; i++) {
        await sleep(50);
        const name =
          fs.existsSync(path.join(dir, 'runs.db')) && fs.existsSync(root)
            ? fs.readdirSync(root).find((n) => /^\d{4}-/.test(n) && fs.existsSync(path.join(root, n, 'train.log')))
            : undefined;
        if (name) runDir = path.join(root, name);
      }
      expect(runDir).not.toBe('');

      const follower = spawn(process.execPath, [BIN, ...flags, 'log', 'latest', '--follow', '--raw'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      follower.stdout.on('data', (d: Buffer) => (out += d.toString()));
      follower.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const followed = new Promise<number | null>((r) => follower.on('close', (code) => r(code)));
      // The follower started before the trainer finished: it has seen the run running.
      expect(recorder.exitCode).toBeNull();

      expect(await trained).toBe(0);
      expect(await followed).toBe(0);
      expect(err).toBe('');
      expect(out).toBe(fs.readFileSync(LOG, 'utf8'));
      expect(fs.readFileSync(path.join(runDir, 'train.log'), 'utf8')).toBe(out);
      // Without --raw the same text comes out (this log has no terminal codes).
      expect(
        execFileSync(process.execPath, [BIN, ...flags, 'log', 'latest', '--tail', '2'], { encoding: 'utf8' }),
      ).toBe(
        `${out.split('\n').slice(-3, -1).join('\n')}\n`, // the log ends with a newline: the last piece is ''
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
