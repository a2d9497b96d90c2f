// Telling a live recorder from a crashed one: pid, host, heartbeat age, process start time.
// Why real processes: pid liveness (kill 0) and start times (ps) are answers only the OS gives;
// a child that already exited supplies a pid that is really gone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_STALE_MS, isRecorderAlive } from '../../src/storage/liveness.js';
import { processStartedAt } from '../../src/trainer/probe.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-liveness-'));
const NOW = Date.now();
const HOST = 'this-host';
// A pid that existed and is gone: a child that already exited.
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;

function heartbeat(ageMs: number | null): string {
  const file = path.join(dir, `hb-${Math.random().toString(36).slice(2)}`);
  if (ageMs !== null) {
    fs.writeFileSync(file, '');
    const t = new Date(NOW - ageMs);
    fs.utimesSync(file, t, t);
  }
  return file;
}

const STALE = HEARTBEAT_STALE_MS + 1000;
const hourAgo = new Date(NOW - 3_600_000).toISOString();

describe('isRecorderAlive', () => {
  it.each([
    ['this host, pid alive, fresh heartbeat', { host: HOST, pid: process.pid, started_at: hourAgo }, 1000, null, true],
    ['this host, pid gone', { host: HOST, pid: deadPid, started_at: hourAgo }, 1000, null, false],
    [
      'this host, pid alive, stale heartbeat, process older than the run (a Mac that slept)',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      STALE,
      new Date(NOW - 7_200_000),
      true,
    ],
    [
      'this host, pid alive, stale heartbeat, process newer than the run (pid reused)',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      STALE,
      new Date(NOW - 60_000),
      false,
    ],
    [
      'this host, pid alive, stale heartbeat, start time unknown',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      STALE,
      null,
      true,
    ],
    [
      'this host, pid alive, no heartbeat file yet, process older than the run',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      null,
      new Date(NOW - 7_200_000),
      true,
    ],
    [
      'this host, pid alive, no heartbeat file, process newer than the run (pid reused)',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      null,
      new Date(NOW - 60_000),
      false,
    ],
    [
      'this host, pid alive, no heartbeat file, start time unknown',
      { host: HOST, pid: process.pid, started_at: hourAgo },
      null,
      null,
      true,
    ],
    ['another host, fresh heartbeat', { host: 'other', pid: deadPid, started_at: hourAgo }, 1000, null, true],
    ['another host, stale heartbeat', { host: 'other', pid: process.pid, started_at: hourAgo }, STALE, null, false],
    ['another host, no heartbeat', { host: 'other', pid: process.pid, started_at: hourAgo }, null, null, false],
  ] as const)('%s → %s', (_name, manifest, ageMs, started, alive) => {
    const probe = { thisHost: HOST, nowMs: NOW, processStartedAt: () => started };
    expect(isRecorderAlive({ ...manifest }, heartbeat(ageMs), probe)).toBe(alive);
  });
});

describe('processStartedAt', () => {
  it('reads this process start time from ps (within the seconds ps prints)', () => {
    const started = processStartedAt(process.pid);
    expect(started).not.toBeNull();
    const expected = Date.now() - process.uptime() * 1000;
    expect(Math.abs(started!.getTime() - expected)).toBeLessThan(5_000);
  });

  it('is null for a pid that does not exist', () => {
    expect(processStartedAt(deadPid)).toBeNull();
  });
});
