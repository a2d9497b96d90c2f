// An empty result still prints its full CSV header (a script reading the columns must not break
// on a day without runs).
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const empty = makeTree();
const full = makeTree();
addRun(full, '2026-01-01_00-00-00', {
  log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
  manifest: completedManifest('2026-01-01_00-00-00'),
});
afterAll(() => {
  fs.rmSync(empty.dir, { recursive: true, force: true });
  fs.rmSync(full.dir, { recursive: true, force: true });
});

describe('empty CSV', () => {
  it('runs list --csv with no runs prints the same header as with runs', async () => {
    const withRuns = (await runCli([...full.flags, 'list', '--csv'])).stdout.split('\n')[0];
    expect(withRuns!.split(',').length).toBeGreaterThan(20);
    const r = await runCli([...empty.flags, 'list', '--csv']);
    expect(r).toEqual({ exitCode: 0, stdout: `${withRuns}\n`, stderr: '' });
    const filtered = await runCli([...full.flags, 'list', '--csv', '--status', 'crashed']);
    expect(filtered.stdout).toBe(`${withRuns}\n`);
  });
});
