// Finding run folders under the root and the facts that tell whether a run changed.
import fs from 'node:fs';
import path from 'node:path';
import { LATEST_LINK, runPaths } from './layout.js';

/**
 * Names of the candidate run folders directly under the root: real directories only. A symlink
 * is skipped on purpose (it may point outside the root; a run is a folder the root holds), as are
 * `latest`, dot-folders and files. One readdir: cheap enough for every read command.
 */
export function listRunFolderNames(root: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name === LATEST_LINK || e.name.startsWith('.')) continue;
    names.push(e.name);
  }
  return names.sort();
}

/** Size and mtime of one file; null when it is missing. `notFile` when something else is there. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  notFile?: boolean;
}

export function stampOf(file: string): FileStamp | null {
  let st: fs.Stats | undefined;
  try {
    // throwIfNoEntry: a missing config.yaml is the common case; building an Error for it is not free.
    st = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return null; // EACCES, ENOTDIR (the run folder was replaced by a file), …
  }
  if (!st) return null;
  return { size: st.size, mtimeMs: Math.trunc(st.mtimeMs), notFile: st.isFile() ? undefined : true };
}

export interface RunFolderStamps {
  manifest: FileStamp | null;
  log: FileStamp | null;
  adapterConfig: FileStamp | null;
  config: FileStamp | null;
  metricsJsonl: FileStamp | null;
}

export function stampRunFolder(root: string, id: string): RunFolderStamps {
  const p = runPaths(root, id);
  return {
    manifest: stampOf(p.manifest),
    log: stampOf(p.log),
    adapterConfig: stampOf(p.adapterConfig),
    config: stampOf(p.config),
    metricsJsonl: stampOf(p.metricsJsonl),
  };
}

/** A folder is a run when it holds a run.json or a train.log (adopted runs have only the log). */
export function isRunFolder(stamps: RunFolderStamps): boolean {
  return stamps.manifest !== null || stamps.log !== null;
}

/**
 * Where `file` (inside run folder `runDir`) really is, when that is outside the root: a run's
 * files may be symlinks (or sit in a symlinked `adapters/`), and one pointing at a credentials
 * file or /etc/shadow must never be read into the index. Null when the file is inside the root or
 * missing. Cheap in the common case: one lstat per path component below the run folder; realpath
 * only when one of them is a link.
 */
export function resolvesOutsideRoot(rootReal: string, runDir: string, file: string): string | null {
  let linked = false;
  for (let p = file; p.length > runDir.length; p = path.dirname(p)) {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined) return null;
    if (st.isSymbolicLink()) {
      linked = true;
      break;
    }
  }
  if (!linked) return null;
  let real: string;
  try {
    real = fs.realpathSync.native(file);
  } catch {
    return null; // a dangling link: nothing to read
  }
  return real === rootReal || real.startsWith(rootReal + path.sep) ? null : real;
}
