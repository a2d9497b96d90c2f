// What the bench scripts share: spawning one measured process (wall time around the spawn, peak
// RSS from /usr/bin/time or, without it, the child's own resourceUsage via rss-preload.cjs), the
// median, and removing a SQLite database with its side files. bench.mjs and ab.mjs import it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT = path.resolve(BENCH_DIR, '..');
const TIME = '/usr/bin/time';
const MB = 1024 * 1024;

export const haveTime = fs.existsSync(TIME);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function rmDb(db) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + suffix, { force: true });
}

/**
 * Spawns `node ...args` from the project root and returns wall time (ms, measured around the
 * spawn), CPU time (ms, user + system, with /usr/bin/time only; else NaN) and peak RSS (KiB:
 * /usr/bin/time %M, else the child's own resourceUsage via a preload).
 * `work` is a scratch directory for the RSS file. Throws when the process fails.
 */
export function measure(label, args, work) {
  const rssFile = path.join(work, 'rss.txt');
  fs.rmSync(rssFile, { force: true });
  let cmd;
  let argv;
  const env = { ...process.env };
  if (haveTime) {
    cmd = TIME;
    argv = ['-f', '%U %S %M', '-o', rssFile, process.execPath, ...args];
  } else {
    cmd = process.execPath;
    argv = ['--require', path.join(BENCH_DIR, 'rss-preload.cjs'), ...args];
    env.BENCH_RSS_FILE = rssFile;
  }
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * MB });
  const ms = performance.now() - t0;
  if (r.error) throw new Error(`${label}: could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const err = String(r.stderr).trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `${label} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n  node ${args.join(' ')}\n${err}`,
    );
  }
  let rssKb = NaN;
  let cpuMs = NaN;
  try {
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1].split(' ').map(Number);
    rssKb = last[last.length - 1];
    // CPU seconds (user + system) come only from /usr/bin/time: steadier than wall time when other
    // processes share the cores (though not immune: caches are shared too).
    if (last.length === 3) cpuMs = (last[0] + last[1]) * 1000;
  } catch {
    // left NaN: reported as missing
  }
  return { ms, cpuMs, rssKb, stdout: String(r.stdout), stderr: String(r.stderr) };
}
