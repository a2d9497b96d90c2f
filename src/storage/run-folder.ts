// Creating a run folder: never reuses or overwrites one.
import fs from 'node:fs';
import { formatRunId, withCollisionSuffix } from '../core/run-id.js';
import { runPaths, type RunPaths } from './layout.js';

/**
 * Makes `<root>/<id>` for a run starting at `now`. mkdir without `recursive` fails with EEXIST
 * when another run took the name, which makes the claim atomic across processes: the loser
 * tries `_2`, `_3`, … instead of sharing a folder.
 */
export function createRunFolder(root: string, now: Date): { id: string; paths: RunPaths } {
  fs.mkdirSync(root, { recursive: true });
  const base = formatRunId(now);
  for (let attempt = 1; ; attempt++) {
    const id = withCollisionSuffix(base, attempt);
    const paths = runPaths(root, id);
    try {
      fs.mkdirSync(paths.dir);
      return { id, paths };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
