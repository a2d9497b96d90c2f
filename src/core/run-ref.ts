// Run references (`RUN`, `A`, `B` in commands): full id, unique id prefix, `latest`, `latest~N`.
// Resolved in one place, against the ids the index knows; a reference is never a path.
import { RunsError, UsageError } from './errors.js';

export interface RefCandidate {
  id: string;
  /** Epoch ms used to order runs for `latest` / `latest~N`. */
  startedMs: number;
}

const LATEST = /^latest(?:~(\d+))?$/;

/** Newest first, as `latest~N` counts: by start time, then by id. */
function newestFirst(runs: readonly RefCandidate[]): RefCandidate[] {
  return [...runs].sort((a, b) => b.startedMs - a.startedMs || (a.id < b.id ? 1 : -1));
}

/**
 * Resolves one reference to a run id, or throws a RunsError that lists the candidates. A
 * reference is only ever compared with the known ids (folder names directly under the root), so
 * any id that is listed can be named (spaces, unicode, a leading `-` after `--`), and nothing
 * else can be reached: a path is not an id.
 */
export function resolveRunRef(ref: string, runs: readonly RefCandidate[]): string {
  // A backslash is fine: on macOS and Linux it is part of a folder name, not a separator.
  if (ref === '' || ref.includes('/') || ref.includes('\0')) {
    throw new UsageError(
      `${JSON.stringify(ref)} is not a run reference: use a run id, a unique id prefix, latest or latest~N (never a path)`,
    );
  }
  const latest = LATEST.exec(ref);
  if (latest) {
    const back = latest[1] === undefined ? 0 : Number(latest[1]);
    const hit = newestFirst(runs)[back];
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
  const matches = runs
    .filter((r) => r.id.normalize('NFC').startsWith(nfc))
    .map((r) => r.id)
    .sort();
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    // The runs `latest`, `latest~1`, … name (ids need not be timestamps: sorting them is no order).
    const near = newestFirst(runs)
      .slice(0, 5)
      .map((r) => r.id);
    throw new RunsError(
      `no run matches "${ref}"` +
        (near.length ? `; newest runs: ${near.join(', ')} (see runs list)` : ': there are no runs yet'),
    );
  }
  const shown = matches.slice(0, 10).join(', ') + (matches.length > 10 ? `, … (${matches.length} in all)` : '');
  throw new RunsError(`"${ref}" is ambiguous; it matches ${shown}: give more of the id`);
}

/**
 * A reference into the team database, where candidates are `host:id`: `host:id`, `host:latest`,
 * `host:<prefix>` pick among one host's runs; an unqualified ref is matched against the bare ids
 * of every host (and `latest` is the newest run of anyone). A bare id or prefix that more than one
 * host has is an error listing each `host:id`.
 */
export function resolveTeamRunRef(ref: string, runs: readonly RefCandidate[]): string {
  const colon = ref.indexOf(':');
  if (colon > 0) {
    const host = ref.slice(0, colon);
    const own = runs.filter((r) => r.id.startsWith(`${host}:`));
    if (own.length === 0) {
      const hosts = [...new Set(runs.map((r) => r.id.slice(0, r.id.indexOf(':'))))].sort();
      throw new RunsError(
        `no runs from host "${host}" in the team database` + (hosts.length ? `; hosts: ${hosts.join(', ')}` : ''),
      );
    }
    const bare = own.map((r) => ({ id: r.id.slice(colon + 1), startedMs: r.startedMs }));
    return `${host}:${resolveRunRef(ref.slice(colon + 1), bare)}`;
  }
  if (LATEST.test(ref)) return resolveRunRef(ref, runs);
  const bareOf = (id: string) => id.slice(id.indexOf(':') + 1);
  const exact = runs.filter((r) => bareOf(r.id) === ref);
  const hits = exact.length > 0 ? exact : runs.filter((r) => bareOf(r.id).startsWith(ref));
  if (hits.length === 1) return hits[0]!.id;
  if (hits.length === 0) {
    const near = [...runs]
      .sort((a, b) => b.startedMs - a.startedMs)
      .slice(0, 5)
      .map((r) => r.id);
    throw new RunsError(
      `no run matches "${ref}" in the team database` +
        (near.length
          ? `; newest runs: ${near.join(', ')} (see runs --team list)`
          : ': nobody has pushed runs yet (runs push)'),
    );
  }
  const bareIds = new Set(hits.map((r) => bareOf(r.id)));
  const listed = hits.map((r) => r.id).sort();
  const shown = listed.slice(0, 10).join(', ') + (listed.length > 10 ? `, … (${listed.length} in all)` : '');
  throw new RunsError(
    bareIds.size === 1
      ? `"${ref}" is a run of more than one host: ${shown}; say which one as host:id`
      : `"${ref}" is ambiguous; it matches ${shown}: give more of the id, or host:id`,
  );
}
