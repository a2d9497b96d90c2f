// `<root>/latest`: a relative symlink to the newest run, replaced atomically.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { compareRunIds, parseRunId } from '../core/run-id.js';
import { LATEST_LINK } from './layout.js';

/**
 * Points `latest` at `id` unless it already points at a newer run (several `runs train` may start
 * at once; the newest must win whatever order they get here). The new link is made under a temp
 * name and renamed over the old one, so `latest` always resolves. The target is relative, so the
 * tree can be moved or synced to another machine.
 */
export function pointLatestAt(root: string, id: string): void {
  const current = readLatest(root);
  if (current && current !== id && compareRunIds(current, id) > 0 && fs.existsSync(path.join(root, current))) return;
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

/** The newest run-id-named directory under the root, or `floor` when none is newer. */
function newestRunFolder(root: string, floor: string): string {
  let best = floor;
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (e.isDirectory() && parseRunId(e.name) && compareRunIds(e.name, best) > 0) best = e.name;
  }
  return best;
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
    if (e.isDirectory() && parseRunId(e.name) && (newest === null || compareRunIds(e.name, newest) > 0)) newest = e.name;
  }
  if (newest === null) fs.rmSync(path.join(root, LATEST_LINK), { force: true });
  else pointLatestAt(root, newest);
}
