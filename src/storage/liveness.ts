// Is the recorder (`runs train`) of a `running` run still alive? If not, the run crashed. Both
// sides of the heartbeat live here: the recorder's writer (startHeartbeat) and the indexer's
// check (isRecorderAlive), so the beat interval and the staleness limit are read side by side.
import fs from 'node:fs';
import type { RunManifest } from '../core/manifest.js';

/** How often the recorder proves it is alive (the indexer tells `running` from `crashed` by it). */
export const HEARTBEAT_MS = 5000;
/** A heartbeat older than this means the recorder stopped touching it (every HEARTBEAT_MS while alive). */
export const HEARTBEAT_STALE_MS = 60_000;
/** Clock slack between the recorder writing started_at and its process having started. */
const START_SLACK_MS = 5_000;

/** Whether a process with this pid exists on this host (it may be someone else's). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LivenessProbe {
  thisHost: string;
  nowMs: number;
  /** When the process with this pid started (null when unknown); asked only when in doubt. */
  processStartedAt: (pid: number) => Date | null;
}

/**
 * On this host: a dead pid means crashed. A live pid with a fresh heartbeat is the recorder. A
 * live pid with a stale or missing heartbeat is either a reused pid or a recorder that was paused
 * (a Mac that slept): the process start time tells them apart — a process that started after the run
 * did is not its recorder. On another host (a synced folder) pids mean nothing, so the heartbeat
 * alone decides.
 */
export function isRecorderAlive(manifest: RunManifest, heartbeatFile: string, probe: LivenessProbe): boolean {
  let heartbeatMs: number | null;
  try {
    heartbeatMs = fs.statSync(heartbeatFile).mtimeMs;
  } catch {
    heartbeatMs = null;
  }
  const fresh = heartbeatMs !== null && probe.nowMs - heartbeatMs < HEARTBEAT_STALE_MS;
  if (manifest.host !== probe.thisHost || typeof manifest.pid !== 'number') return fresh;
  if (!pidExists(manifest.pid)) return false;
  if (fresh) return true;
  // A stale heartbeat, or none at all (a recorder that died before its first beat, or one from
  // before heartbeats existed): the pid may be reused by an unrelated process, so ask when it started.
  const runStarted = manifest.started_at ? Date.parse(manifest.started_at) : NaN;
  const processStarted = probe.processStartedAt(manifest.pid)?.getTime() ?? NaN;
  if (Number.isNaN(runStarted) || Number.isNaN(processStarted)) return true; // in doubt: not crashed
  return processStarted <= runStarted + START_SLACK_MS;
}

/**
 * Touches `<run>/.heartbeat` now and every few seconds. A `running` run whose heartbeat is old has
 * lost its recorder (a pid alone can be reused). Errors are ignored: the heartbeat is a hint.
 */
export function startHeartbeat(file: string): { stop(): void } {
  const beat = () => {
    try {
      const now = new Date();
      fs.utimesSync(file, now, now);
    } catch {
      try {
        fs.writeFileSync(file, `${process.pid}\n`);
      } catch {
        // a hint only
      }
    }
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      try {
        fs.rmSync(file, { force: true });
      } catch {
        // a stale heartbeat only makes the indexer look at the pid too
      }
    },
  };
}
