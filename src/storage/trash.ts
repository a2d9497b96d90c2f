// `<root>/.trash/`: where `runs rm` puts run folders until `runs restore` or `runs trash --empty`.
// Every move is one rename inside the root (same file system: atomic, nothing copied); every
// delete is checked to stay inside the root's own trash folder.
import fs from 'node:fs';
import path from 'node:path';
import { RunsError } from '../core/errors.js';

export const TRASH_DIR = '.trash';

export function trashDir(root: string): string {
  return path.join(root, TRASH_DIR);
}

/** Names in the trash (run ids), sorted; [] when there is no trash. */
export function listTrash(root: string): string[] {
  try {
    return fs
      .readdirSync(trashDir(root), { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The trash folder, made if needed, after checking it is a real directory of this root: a
 * `.trash` that is a symlink (or resolves elsewhere) could send moves and deletes outside it.
 */
function checkedTrash(root: string, create: boolean): string | null {
  const dir = trashDir(root);
  let st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!st) {
    if (!create) return null;
    fs.mkdirSync(dir);
    st = fs.lstatSync(dir);
  }
  if (!st.isDirectory() || st.isSymbolicLink()) {
    throw new RunsError(
      `${dir} is not a plain folder (a symlink or a file); runs keeps removed runs only in a real .trash folder inside the root: move it aside and try again`,
    );
  }
  if (path.dirname(fs.realpathSync(dir)) !== fs.realpathSync(root)) {
    throw new RunsError(`${dir} resolves outside the runs root; move it aside and try again`);
  }
  return dir;
}

/** Moves `<root>/<id>` into the trash. */
export function moveToTrash(root: string, id: string): string {
  const dir = checkedTrash(root, true)!;
  const target = path.join(dir, id);
  if (fs.existsSync(target)) {
    throw new RunsError(
      `${target} already exists (a run with this id was removed before); restore or empty it first (runs trash --empty)`,
    );
  }
  fs.renameSync(path.join(root, id), target);
  return target;
}

/** Moves `<root>/.trash/<id>` back to `<root>/<id>`. */
export function restoreFromTrash(root: string, id: string): string {
  const dir = checkedTrash(root, false);
  const from = dir ? path.join(dir, id) : null;
  if (!from || !fs.lstatSync(from, { throwIfNoEntry: false }))
    throw new RunsError(`${id} is not in the trash (${trashDir(root)}); see runs trash`);
  const target = path.join(root, id);
  if (fs.lstatSync(target, { throwIfNoEntry: false })) {
    throw new RunsError(`${target} already exists; move it aside before restoring ${id}`);
  }
  fs.renameSync(from, target);
  return target;
}

/**
 * Deletes the trashed entries for good. A symlink in the trash is removed as a link (its target
 * is not ours); nothing outside `<root>/.trash` is touched.
 */
export function deleteFromTrash(root: string, ids: readonly string[]): void {
  const dir = checkedTrash(root, false);
  if (!dir) return;
  for (const id of ids) {
    if (id.includes('/') || id.includes(path.sep) || id === '..' || id === '.') continue;
    const entry = path.join(dir, id);
    const st = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink() || !st.isDirectory()) fs.unlinkSync(entry);
    else fs.rmSync(entry, { recursive: true }); // rm -r does not follow symlinks inside
  }
}
