// Bytes a run folder takes, by kind (`runs du`, `runs prune`). Apparent sizes (st.size), so what
// `prune` prints as freed is what the files held; symlinks count as themselves, never followed.
import fs from 'node:fs';
import path from 'node:path';
import { ADAPTERS_DIR, LOG_FILE } from './layout.js';

export const TEST_LOG_FILE = 'test.log';
/** `0000100_adapters.safetensors`: a periodic checkpoint (mlx_lm 0.6+: `f"{it:07d}_adapters.safetensors"`). */
const PERIODIC = /^(\d+)_adapters\.(safetensors|npz)$/;

export interface CheckpointFileOnDisk {
  iter: number;
  /** Absolute path. */
  file: string;
  bytes: number;
}

export interface FolderUsage {
  /** Periodic checkpoint files (what `runs prune` may delete). */
  checkpoints: number;
  /** train.log and test.log. */
  log: number;
  /** Everything else: run.json, config.yaml, adapters.safetensors, adapter_config.json, … */
  other: number;
  total: number;
  checkpointFiles: CheckpointFileOnDisk[];
}

/** Periodic checkpoints in `<run>/adapters/` (and the old `adapters/checkpoints/N_adapters.npz`), by iteration. */
export function listCheckpointFiles(runDir: string): CheckpointFileOnDisk[] {
  const out: CheckpointFileOnDisk[] = [];
  const adapters = path.join(runDir, ADAPTERS_DIR);
  for (const dir of [adapters, path.join(adapters, 'checkpoints')]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = PERIODIC.exec(name);
      if (!m) continue;
      const file = path.join(dir, name);
      const st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      out.push({ iter: Number(m[1]), file, bytes: st.size });
    }
  }
  return out.sort((a, b) => a.iter - b.iter || (a.file < b.file ? -1 : 1));
}

/** Walks the folder once (lstat: a symlink is a few bytes, its target is not ours to count). */
export function folderUsage(runDir: string): FolderUsage {
  const checkpointFiles = listCheckpointFiles(runDir);
  const periodic = new Set(checkpointFiles.map((c) => c.file));
  const usage: FolderUsage = { checkpoints: 0, log: 0, other: 0, total: 0, checkpointFiles };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(file);
        continue;
      }
      const st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!st) continue;
      if (periodic.has(file)) usage.checkpoints += st.size;
      else if (dir === runDir && (e.name === LOG_FILE || e.name === TEST_LOG_FILE)) usage.log += st.size;
      else usage.other += st.size;
    }
  };
  walk(runDir);
  usage.total = usage.checkpoints + usage.log + usage.other;
  return usage;
}
