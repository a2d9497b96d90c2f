// Reading and writing run.json. Writes are atomic and keep keys we do not know.
import fs from 'node:fs';
import {
  MANIFEST_SCHEMA_VERSION,
  parseManifest,
  serializeManifest,
  type RunManifest,
} from '../core/manifest.js';
import { RunsError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Bigger than any honest run.json; a huge file is a mistake we warn about rather than load. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export type ManifestRead =
  | { kind: 'ok'; manifest: RunManifest }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string };

export function readManifestFile(file: string): ManifestRead {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { kind: 'invalid', reason: 'is not a regular file' };
    if (st.size > MAX_MANIFEST_BYTES) return { kind: 'invalid', reason: `is too large (${st.size} bytes)` };
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', reason: `cannot be read (${code ?? (err as Error).message})` };
  }
  const parsed = parseManifest(text);
  return parsed.ok ? { kind: 'ok', manifest: parsed.manifest } : { kind: 'invalid', reason: parsed.reason };
}

export function writeManifestFile(file: string, manifest: RunManifest): void {
  writeFileAtomic(file, serializeManifest({ schema_version: MANIFEST_SCHEMA_VERSION, ...manifest }));
}

/**
 * Read-modify-write of run.json (tags, notes, status). Refuses to touch a run.json it cannot
 * parse: rewriting it would lose whatever the user had there.
 */
export function updateManifestFile(file: string, change: (m: RunManifest) => RunManifest): RunManifest {
  const read = readManifestFile(file);
  if (read.kind === 'invalid') {
    throw new RunsError(`${file} ${read.reason}; fix or move that file, then try again (runs never rewrites a run.json it cannot read)`);
  }
  const next = change(read.kind === 'ok' ? read.manifest : {});
  writeManifestFile(file, next);
  return next;
}
