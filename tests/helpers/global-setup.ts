// Before the suite: builds dist/runs.mjs once (spawn tests run the shipped bundle, as users do) and
// prepares the shared PostgreSQL for the team tests. The server itself is started by the first
// test that asks for it (tests/helpers/pg.ts), so a run without team tests never starts one;
// it is stopped here at the end. Without initdb (and no RUNS_TEST_PG_URL) the team tests are
// skipped, and this says so where it cannot be missed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findPgBin, stopCluster } from './pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgState: string;
  }
}

export default function setup(project: TestProject): () => void {
  // Every temp dir a test makes (fs.mkdtempSync(os.tmpdir()...), in the workers and in the CLI
  // processes they spawn) lands inside this one, which goes at the end: tests remove what they
  // create by construction, also when a test fails before its own cleanup.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-tests-'));
  process.env.TMPDIR = scratch;
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: projectRoot, stdio: 'inherit' });
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-pg-'));
  project.provide('pgState', state);
  if (!process.env.RUNS_TEST_PG_URL && !findPgBin()) {
    process.stderr.write(
      '\n*** PostgreSQL tests SKIPPED: initdb not found. Install PostgreSQL (apt-get install -y postgresql),\n' +
        '*** set RUNS_TEST_PG_BIN to its bin directory, or RUNS_TEST_PG_URL to a server the tests may use.\n\n',
    );
  }
  return () => {
    stopCluster(path.join(state, 'cluster'));
    fs.rmSync(state, { recursive: true, force: true });
    try {
      fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    } catch (err) {
      process.stderr.write(`\n*** could not remove the tests' temp dir ${scratch}: ${(err as Error).message}\n`);
    }
  };
}
