// A pass over many runs writes on a worker thread (dist/write-worker.mjs).
// Why a real process: the writer thread exists only in the shipped bundle (in-process tests run
// the TypeScript source, which writes in the calling thread), so the built CLI must index a tree
// big enough to take that path, and the result must equal what the in-thread writer produces.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURE_LOGS } from '../helpers/paths.js';
import { dumpIndex } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const dump = dumpIndex;

describe('bulk index on the writer thread (spawn)', () => {
  it('indexes 240 runs of every fixture format exactly as the in-thread writer does', async () => {
    const tree = makeTree('runs-bulk-');
    const logs = fs
      .readdirSync(FIXTURE_LOGS)
      .filter((f) => f.endsWith('.log'))
      .sort();
    for (let i = 0; i < 240; i++) {
      const id = `2026-02-${String(1 + Math.floor(i / 60)).padStart(2, '0')}_00-${String(i % 60).padStart(2, '0')}-00`;
      addRun(tree, id, {
        log: logs[i % logs.length],
        manifest: i % 3 === 0 ? completedManifest(id, { tags: [`t${i}`] }) : undefined,
        adapterConfig:
          i % 2 === 0
            ? { model: `m${i % 7}`, lora_parameters: { rank: 8 + (i % 3), scale: 20, dropout: 0 } }
            : undefined,
      });
    }
    const out = execFileSync(process.execPath, [BIN, ...tree.flags, 'index'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
    const viaWorker = dump(tree.db);
    expect(viaWorker.runs).toHaveLength(240);

    const inThreadDb = path.join(tree.dir, 'in-thread.db');
    const r = await runCli(['--root', tree.root, '--db', inThreadDb, 'index']);
    expect(r.exitCode).toBe(0);
    const inThread = dump(inThreadDb);
    expect(viaWorker.metrics.length).toBeGreaterThan(5000);
    expect(viaWorker).toEqual(inThread);
    // Two full index passes of 240 runs: ~13 s alone, over 30 s when the 2 cores are shared with other suites.
  }, 120_000);
});
