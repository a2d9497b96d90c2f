// Finding run folders under the root and the facts that tell whether a run changed.
import fs from 'node:fs';
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

