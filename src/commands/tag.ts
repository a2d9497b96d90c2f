// runs tag / runs note: written to run.json first (the truth), then to the index.
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { checkTags } from '../core/tags.js';
import fs from 'node:fs';
import { runPaths } from '../storage/layout.js';
import { resolvesOutsideRoot } from '../storage/scan.js';
import { updateManifestFile } from '../storage/manifest-file.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { syncOneRun } from '../indexer/sync.js';

export async function tagRun(
  ctx: Context,
  ref: string,
  tags: string[],
  opts: { remove?: boolean },
): Promise<{ id: string; tags: string[] }> {
  if (!opts.remove) checkTags(tags, 'tag');
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const next = updateRunJson(ctx.locations().root, run.id, (m) => {
    const current = m.tags ?? [];
    if (opts.remove) checkTags(tags, 'tag', new Set(current));
    const updated = opts.remove ? current.filter((t) => !tags.includes(t)) : [...new Set([...current, ...tags])];
    return { ...m, tags: updated };
  });
  await syncOneRun(ctx, run.id);
  return { id: run.id, tags: next.tags ?? [] };
}

export async function noteRun(ctx: Context, ref: string, text: string): Promise<{ id: string; note: string | null }> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const note = text.trim() === '' ? null : text;
  updateRunJson(ctx.locations().root, run.id, (m) => ({ ...m, note }));
  await syncOneRun(ctx, run.id);
  return { id: run.id, note };
}

/** The update, with a file-system refusal (read-only folder or disk, full disk) said in one line. */
function updateRunJson(
  root: string,
  id: string,
  change: Parameters<typeof updateManifestFile>[1],
): ReturnType<typeof updateManifestFile> {
  const paths = runPaths(root, id);
  const file = paths.manifest;
  // A run.json that is a link out of the root is neither read nor replaced (issue 10, item 11).
  const outside = resolvesOutsideRoot(fs.realpathSync.native(root), paths.dir, file);
  if (outside !== null) {
    throw new RunsError(
      `${file} resolves outside the runs root (to ${outside}); runs does not read or write it: put the file itself in the run folder`,
    );
  }
  try {
    return updateManifestFile(file, change);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOSPC' || code === 'EDQUOT') {
      const why =
        code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'the disk is full'
            : 'no write permission';
      const fix =
        code === 'ENOSPC' || code === 'EDQUOT'
          ? 'free some space and try again'
          : 'make the run folder writable and try again';
      throw new RunsError(`cannot write ${file} (${why}); nothing was changed: ${fix}`);
    }
    throw err;
  }
}
