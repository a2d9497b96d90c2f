// Reading and writing run.json. Every write goes through updateManifestFile: under the run's
// lock, atomic (tmp + rename), keeping keys we do not know.
import fs from 'node:fs';
import { MANIFEST_SCHEMA_VERSION, parseManifest, serializeManifest, type RunManifest } from '../core/manifest.js';
import { RunsError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { withFileLock } from './file-lock.js';
import { MAX_RUN_FILE_BYTES } from './layout.js';

export type ManifestRead =
  { kind: 'ok'; manifest: RunManifest } | { kind: 'missing' } | { kind: 'invalid'; reason: string };

export function readManifestFile(file: string): ManifestRead {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { kind: 'invalid', reason: 'is not a regular file' };
    if (st.size > MAX_RUN_FILE_BYTES) return { kind: 'invalid', reason: `is too large (${st.size} bytes)` };
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', reason: `cannot be read (${code ?? (err as Error).message})` };
  }
  const parsed = parseManifest(text);
  return parsed.ok ? { kind: 'ok', manifest: parsed.manifest } : { kind: 'invalid', reason: parsed.reason };
}

function writeManifestFile(file: string, manifest: RunManifest): void {
  const text = serializeManifest({ schema_version: MANIFEST_SCHEMA_VERSION, ...manifest });
  const bytes = Buffer.byteLength(text);
  // Never write what our own reader would refuse: the run would lose everything run.json holds.
  if (bytes > MAX_RUN_FILE_BYTES) {
    throw new RunsError(
      `the change would make ${file} ${bytes} bytes, over the ${MAX_RUN_FILE_BYTES} bytes runs reads; nothing was written (use a shorter value)`,
    );
  }
  writeFileAtomic(file, text);
}

/**
 * THE way to change run.json (the recorder's first write and its outcome, `runs tag`, `runs note`,
 * crash marking, and any later writer): read-modify-write under the run's lock file, so two
 * writers never both start from the same old copy and one of them lose the other's change.
 * `change` gets the current content (`{}` when there is no run.json yet) and must be quick (it
 * runs while other writers wait). Refuses to touch a run.json it cannot parse: rewriting it would
 * lose whatever the user had there.
 */
export function updateManifestFile(file: string, change: (m: RunManifest) => RunManifest): RunManifest {
  return withFileLock(file, () => {
    const read = readManifestFile(file);
    if (read.kind === 'invalid') {
      throw new RunsError(
        `${file} ${read.reason}; fix or move that file, then try again (runs never rewrites a run.json it cannot read)`,
      );
    }
    const current = read.kind === 'ok' ? read.manifest : {};
    const next = keepRecordedOutcome(current, change(current));
    writeManifestFile(file, next);
    return next;
  });
}

/**
 * A recorded outcome (completed / failed / interrupted / crashed, with its exit code and signal)
 * is never replaced by `running`: that is always an older state (no run starts twice).
 */
function keepRecordedOutcome(current: RunManifest, next: RunManifest): RunManifest {
  if (current.status === undefined || current.status === 'running' || next.status !== 'running') return next;
  return {
    ...next,
    status: current.status,
    finished_at: current.finished_at,
    exit_code: current.exit_code,
    signal: current.signal,
  };
}
