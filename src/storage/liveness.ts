// Is the recorder (`runs train`) of a `running` run still alive? If not, the run crashed.
import fs from 'node:fs';
import type { RunManifest } from '../core/manifest.js';

/** A heartbeat older than this means the recorder stopped touching it: it is gone. */
export const HEARTBEAT_STALE_MS = 60_000;

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * On this host: the pid must exist, and the heartbeat (touched every few seconds by the recorder)
 * must be fresh — a live pid with a stale heartbeat is a reused pid. On another host (a synced
 * folder) pids mean nothing, so the heartbeat alone decides.
 */
export function isRecorderAlive(manifest: RunManifest, heartbeatFile: string, thisHost: string, nowMs: number): boolean {
  let heartbeatMs: number | null = null;
  try {
    heartbeatMs = fs.statSync(heartbeatFile).mtimeMs;
  } catch {
    heartbeatMs = null;
  }
  const fresh = heartbeatMs !== null && nowMs - heartbeatMs < HEARTBEAT_STALE_MS;
  if (manifest.host === thisHost && typeof manifest.pid === 'number') {
    if (!pidExists(manifest.pid)) return false;
    return heartbeatMs === null ? true : fresh;
  }
  return fresh;
}
