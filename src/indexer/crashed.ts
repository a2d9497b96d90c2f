// The status a run gets in the index when its record does not say: a `running` run whose recorder
// died is `crashed` (written into run.json only by `runs index`, for runs of this host), and a run
// without a recorded status takes what its log says.
import type { RunStatus } from '../core/manifest.js';
import type { OutcomeHint } from '../core/records.js';
import type { RunPaths } from '../storage/layout.js';
import { updateManifestFile } from '../storage/manifest-file.js';

/** A run whose recorder died: say so in run.json (the truth) and the index. */
export function markCrashed(paths: RunPaths, id: string, warn: (w: string) => void): RunStatus {
  try {
    const next = updateManifestFile(paths.manifest, (m) =>
      m.status === 'running'
        ? {
            ...m,
            status: 'crashed',
            warnings: [...(m.warnings ?? []), 'the recorder (runs train) stopped without recording an outcome'],
          }
        : m,
    );
    return next.status ?? 'crashed';
  } catch (err) {
    warn(`${id}: recorder is gone but run.json could not be updated (${(err as Error).message}); shown as crashed`);
    return 'crashed';
  }
}

/** Status of a run without a recorded one (adopted folders, legacy run.json): what the log says. */
export function statusFromHint(hint: OutcomeHint, recorded: RunStatus): RunStatus {
  if (recorded !== 'unknown') return recorded;
  switch (hint) {
    case 'completed':
      return 'completed';
    case 'interrupted':
      return 'interrupted';
    case 'crashed':
      return 'failed';
    default:
      return 'unknown';
  }
}
