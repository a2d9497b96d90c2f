// Temp run trees for tests: real folders, real files, a real SQLite file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_LOGS } from './paths.js';

export interface Tree {
  dir: string;
  root: string;
  db: string;
  /** Global flags pointing the CLI at this tree. */
  flags: string[];
}

export function makeTree(prefix = 'runs-tree-'): Tree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(dir, 'runs');
  const db = path.join(dir, 'runs.db');
  fs.mkdirSync(root, { recursive: true });
  // An empty file is an index not yet filled (SQLite's own view of a 0-byte file): read commands
  // use it, as they would the index `runs index` or `runs train` made. Without it they would
  // answer from a temporary index and say so (they never create one); tests of that delete it.
  fs.writeFileSync(db, '');
  return { dir, root, db, flags: ['--root', root, '--db', db] };
}

export interface RunSpec {
  /** Fixture log name in tests/fixtures/mlx-logs, or raw bytes. */
  log?: string | Buffer;
  manifest?: Record<string, unknown> | string;
  adapterConfig?: Record<string, unknown>;
  config?: string;
}

export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURE_LOGS, name));
}

export function addRun(tree: Tree, id: string, spec: RunSpec): string {
  const dir = path.join(tree.root, id);
  fs.mkdirSync(path.join(dir, 'adapters'), { recursive: true });
  if (spec.log !== undefined) {
    fs.writeFileSync(path.join(dir, 'train.log'), typeof spec.log === 'string' ? fixtureBytes(spec.log) : spec.log);
  }
  if (spec.manifest !== undefined) {
    fs.writeFileSync(
      path.join(dir, 'run.json'),
      typeof spec.manifest === 'string' ? spec.manifest : JSON.stringify(spec.manifest, null, 2),
    );
  }
  if (spec.adapterConfig) {
    fs.writeFileSync(path.join(dir, 'adapters', 'adapter_config.json'), JSON.stringify(spec.adapterConfig, null, 4));
  }
  if (spec.config !== undefined) fs.writeFileSync(path.join(dir, 'config.yaml'), spec.config);
  return dir;
}

/** A finished run.json as `runs train` writes it. */
export function completedManifest(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    id,
    uid: `00000000-0000-4000-8000-${id.replace(/\D/g, '').slice(-12).padStart(12, '0')}`,
    status: 'completed',
    started_at: '2026-11-29T14:05:09.000Z',
    finished_at: '2026-11-29T14:46:21.000Z',
    exit_code: 0,
    signal: null,
    command: ['mlx_lm.lora', '--train'],
    host: 'test-host',
    pid: 1,
    git_sha: null,
    git_dirty: null,
    tags: [],
    note: null,
    ...over,
  };
}
