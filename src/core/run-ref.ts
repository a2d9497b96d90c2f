// Run references (`RUN`, `A`, `B` in commands): full id, unique id prefix, `latest`, `latest~N`.
// Resolved in one place, against the ids the index knows; a reference is never a path.
import { RunsError, UsageError } from './errors.js';

export interface RefCandidate {
  id: string;
  /** Epoch ms used to order runs for `latest` / `latest~N`. */
  startedMs: number;
}

const LATEST = /^latest(?:~(\d+))?$/;

/**
 * Resolves one reference to a run id, or throws a RunsError that lists the candidates. A
 * reference is only ever compared with the known ids (folder names directly under the root), so
 * any id that is listed can be named (spaces, unicode, a leading `-` after `--`), and nothing
 * else can be reached: a path is not an id.
 */
export function resolveRunRef(ref: string, runs: readonly RefCandidate[]): string {
  if (ref === '' || ref.includes('/') || ref.includes('\\') || ref.includes('\0')) {
    throw new UsageError(
      `${JSON.stringify(ref)} is not a run reference: use a run id, a unique id prefix, latest or latest~N (never a path)`,
    );
  }
  const latest = LATEST.exec(ref);
  if (latest) {
    const back = latest[1] === undefined ? 0 : Number(latest[1]);
    const newestFirst = [...runs].sort((a, b) => b.startedMs - a.startedMs || (a.id < b.id ? 1 : -1));
    const hit = newestFirst[back];
    if (!hit) {
      throw new RunsError(
        runs.length === 0
          ? 'there are no runs yet: record one with `runs train`'
          : `${ref} goes past the oldest run: there are ${runs.length} run(s), so latest~${runs.length - 1} is the oldest`,
      );
    }
    return hit.id;
  }
  const exact = runs.find((r) => r.id === ref);
  if (exact) return exact.id;
  // A name typed on one system may be stored composed differently (macOS keeps é as e + accent).
  const nfc = ref.normalize('NFC');
  const same = runs.find((r) => r.id.normalize('NFC') === nfc);
  if (same) return same.id;
  const matches = runs.filter((r) => r.id.normalize('NFC').startsWith(nfc)).map((r) => r.id).sort();
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const near = runs.map((r) => r.id).sort().slice(-5);
    throw new RunsError(
      `no run matches "${ref}"` +
        (near.length ? `; newest runs: ${near.join(', ')} (see runs list)` : ': there are no runs yet'),
    );
  }
  const shown = matches.slice(0, 10).join(', ') + (matches.length > 10 ? `, … (${matches.length} in all)` : '');
  throw new RunsError(`"${ref}" is ambiguous; it matches ${shown}: give more of the id`);
}
