// A lock file next to a file several processes change (run.json: the recorder, `runs tag`,
// `runs note`, crash marking). Node has no flock(); O_EXCL creation ('wx') is atomic on every
// local file system and on NFSv3+, so "whoever creates the lock file holds the lock".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RunsError } from '../core/errors.js';
import { pidExists } from './liveness.js';

/** How long a writer waits for the lock before giving up with a message (holders keep it for milliseconds). */
const LOCK_WAIT_MS = 60_000;
/**
 * A lock older than this is stale whatever its holder: an update is one read and one write of a
 * small file, so a holder that kept the lock this long is stopped or on another host (whose pid
 * we cannot check). A same-host holder whose pid is gone is stale at once.
 */
const LOCK_STALE_MS = 30_000;
/** A lock file still empty after this long: its creator died between creating and filling it. */
const EMPTY_LOCK_STALE_MS = 5_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

/**
 * Runs `fn` while holding `.<name>.lock` beside `file`. Synchronous on purpose: callers do a short
 * read-modify-write, and a sync critical section cannot be interleaved with other work of this
 * process. Throws a RunsError when the lock stays held by a live process for LOCK_WAIT_MS.
 */
export function withFileLock<T>(file: string, fn: () => T): T {
  const lock = lockPathFor(file);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') };
  acquire(file, lock, me);
  try {
    return fn();
  } finally {
    release(lock, me);
  }
}

function acquire(file: string, lock: string, me: LockOwner): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let pause = 1;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      try {
        fs.writeSync(fd, JSON.stringify(me));
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(lock);
    if (held !== null && isStale(held)) {
      breakStaleLock(lock, held.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = held?.owner ? ` by pid ${held.owner.pid} on ${held.owner.host}` : '';
      throw new RunsError(
        `${file} is being changed${who} (lock file ${lock}); ` +
          'wait for that runs command to finish, or delete the lock file if no runs command is running',
      );
    }
    // Jittered back-off: many waiters must not retry in lock-step.
    sleepSync(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 25);
  }
}

interface HeldLock {
  text: string;
  owner: LockOwner | null;
  ageMs: number;
}

function readLock(lock: string): HeldLock | null {
  try {
    const st = fs.statSync(lock);
    const text = fs.readFileSync(lock, 'utf8');
    let owner: LockOwner | null = null;
    try {
      const v = JSON.parse(text) as Partial<LockOwner>;
      if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string')
        owner = v as LockOwner;
    } catch {
      owner = null;
    }
    return { text, owner, ageMs: Date.now() - st.mtimeMs };
  } catch {
    return null; // released between our open and this read: just try again
  }
}

function isStale(held: HeldLock): boolean {
  if (held.owner === null) return held.ageMs > EMPTY_LOCK_STALE_MS;
  if (held.owner.host === os.hostname() && !pidExists(held.owner.pid)) return true;
  return held.ageMs > LOCK_STALE_MS;
}

/**
 * Removes a stale lock, but only the one we judged: breakers take `<lock>.break` (O_EXCL) so two
 * of them cannot both remove "the stale lock" when the second would be removing a fresh lock the
 * first one's retry already made. Inside, the lock must still hold the very content we judged.
 */
function breakStaleLock(lock: string, judged: string): void {
  const breaker = `${lock}.break`;
  try {
    fs.writeFileSync(breaker, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another breaker is at it (it needs microseconds); one that died leaves an old file.
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > EMPTY_LOCK_STALE_MS) fs.rmSync(breaker, { force: true });
    } catch {
      // gone already
    }
    sleepSync(1);
    return;
  }
  try {
    let now: string | null = null;
    try {
      now = fs.readFileSync(lock, 'utf8');
    } catch {
      now = null;
    }
    if (now === judged) fs.rmSync(lock, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

function release(lock: string, me: LockOwner): void {
  try {
    // Only our own lock: if it was broken as stale (we were stopped for LOCK_STALE_MS), the file
    // may now be another writer's.
    const held = readLock(lock);
    if (held?.owner?.token === me.token) fs.rmSync(lock, { force: true });
  } catch {
    // a lock file left behind is stale at once (our pid is gone when we exit)
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
