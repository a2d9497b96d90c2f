// `<root>/latest`: a relative symlink to the newest run, replaced atomically.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { compareRunIds } from '../core/run-id.js';
import { LATEST_LINK } from './layout.js';

/**
 * Points `latest` at `id` unless it already points at a newer run (several `runs train` may start
 * at once; the newest must win whatever order they get here). The new link is made under a temp
 * name and renamed over the old one, so `latest` always resolves. The target is relative, so the
 * tree can be moved or synced to another machine.
 */
export function pointLatestAt(root: string, id: string): void {
  const link = path.join(root, LATEST_LINK);
  const current = readLatest(root);
  if (current && current !== id && compareRunIds(current, id) > 0 && fs.existsSync(path.join(root, current))) return;
  const tmp = path.join(root, `.${LATEST_LINK}.${process.pid}.${randomBytes(4).toString('hex')}`);
  fs.symlinkSync(id, tmp);
  try {
    fs.renameSync(tmp, link);
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
