// `<root>/latest`: a relative symlink to the newest run, replaced atomically.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { compareRunIds, parseRunId } from '../core/run-id.js';
import { LATEST_LINK, runPaths } from './layout.js';
import { readManifestFile } from './manifest-file.js';

/**
 * Points `latest` at `id` unless it already points at a run that started later (several `runs
 * train` may start at once; the newest must win whatever order they get here). "Later" is by
 * `started_at` (UTC) in run.json, the order `runs show latest` uses too: the folder name is local
 * time, which runs backwards at a DST fall-back or a time-zone change. The new link is made under a
 * temp name and renamed over the old one, so `latest` always resolves. The target is relative, so
 * the tree can be moved or synced to another machine.
 */
export function pointLatestAt(root: string, id: string): void {
  const current = readLatest(root);
  if (current && current !== id && fs.existsSync(path.join(root, current)) && compareStarts(root, current, id) > 0)
    return;
  // The check above and the rename are not one atomic step: a run that started earlier can rename
  // its (older) link over a newer one written in between. So after each rename, look at the run
  // folders: if a newer one exists, point there and check again. Whoever renames last has then
  // just seen that nothing newer exists, so the newest run always has the last word.
  let target = id;
  for (let i = 0; i < 100; i++) {
    replaceLink(root, target);
    const newest = newestRunFolder(root, target);
    if (newest === target) return;
    target = newest;
  }
}

/** When a run started (epoch ms): `started_at` from run.json, else the local time its name says. */
function startedMs(root: string, id: string): number | null {
  const read = readManifestFile(runPaths(root, id).manifest);
  if (read.kind === 'ok' && typeof read.manifest.started_at === 'string') {
    const ms = Date.parse(read.manifest.started_at);
    if (!Number.isNaN(ms)) return ms;
  }
  return parseRunId(id)?.startedAt.getTime() ?? null;
}

/** > 0 when run `a` started after run `b` (ties: the id order, `_2` after the plain id). */
function compareStarts(root: string, a: string, b: string, bMs = startedMs(root, b)): number {
  const aMs = startedMs(root, a);
  if (aMs !== null && bMs !== null && aMs !== bMs) return aMs - bMs;
  return compareRunIds(a, b);
}

/**
 * A folder's mtime is at least the time it was made, so a run that started after `floor` has a
 * folder touched after floor's start (same machine, same clock): only those are read. Slack for
 * file systems that keep mtimes to 1-2 s.
 */
const MTIME_SLACK_MS = 5_000;

/** The run-id-named directory under the root that started last, or `floor` when none started after it. */
function newestRunFolder(root: string, floor: string): string {
  let best = floor;
  let bestMs = startedMs(root, floor);
  const since = (bestMs ?? 0) - MTIME_SLACK_MS;
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === best || !parseRunId(e.name)) continue;
    const st = fs.statSync(path.join(root, e.name), { throwIfNoEntry: false });
    if (!st || st.mtimeMs < since) continue;
    if (compareStarts(root, e.name, best, bestMs) > 0) {
      best = e.name;
      bestMs = startedMs(root, best);
    }
  }
  return best;
}

function replaceLink(root: string, id: string): void {
  const tmp = path.join(root, `.${LATEST_LINK}.${process.pid}.${randomBytes(4).toString('hex')}`);
  fs.symlinkSync(id, tmp);
  try {
    fs.renameSync(tmp, path.join(root, LATEST_LINK));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The run id `latest` names, or null (missing, not a link, or pointing outside the root). */
export function readLatest(root: string): string | null {
  try {
    const target = fs.readlinkSync(path.join(root, LATEST_LINK));
    return target.includes('/') || target.includes(path.sep) || target.startsWith('.') ? null : target;
  } catch {
    return null;
  }
}

/**
 * After run folders left the root (`runs rm`): if `latest` named one of them, point it at the
 * newest run left, or remove the link when none is left. A link naming another run is kept.
 */
export function repointLatestAfterRemoval(root: string, removed: readonly string[]): void {
  const current = readLatest(root);
  if (current === null || !removed.includes(current)) return;
  let newest: string | null = null;
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (e.isDirectory() && parseRunId(e.name) && (newest === null || compareStarts(root, e.name, newest) > 0))
      newest = e.name;
  }
  if (newest === null) fs.rmSync(path.join(root, LATEST_LINK), { force: true });
  else pointLatestAt(root, newest);
}
