// People's views show local time (the TZ of the shell); JSON and CSV keep ISO 8601 UTC.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const tree = makeTree();
const A = '2026-11-29_14-05-09';
const B = '2026-11-29_15-00-00';
addRun(tree, A, {
  log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
  manifest: completedManifest(A, { started_at: '2026-11-29T14:05:09.000Z', finished_at: '2026-11-29T14:46:21.000Z' }),
});
addRun(tree, B, {
  log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
  manifest: completedManifest(B, { started_at: '2026-11-29T15:00:00.000Z', finished_at: '2026-11-29T15:30:00.000Z' }),
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

const cli = (tz: string, ...argv: string[]) => runBundle([...tree.flags, ...argv], { env: { TZ: tz, COLUMNS: '200' } });

describe('local time', () => {
  it('show: started and finished in local time; --json keeps UTC', async () => {
    const tokyo = await cli('Asia/Tokyo', 'show', A);
    expect(tokyo.exitCode).toBe(0);
    expect(tokyo.stdout).toMatch(/\nstarted\s+2026-11-29 23:05:09\n/);
    expect(tokyo.stdout).toMatch(/\nfinished\s+2026-11-29 23:46:21\n/);
    const ny = await cli('America/New_York', 'show', A);
    expect(ny.stdout).toMatch(/\nstarted\s+2026-11-29 09:05:09\n/);
    const json = JSON.parse((await cli('Asia/Tokyo', 'show', A, '--json')).stdout);
    expect(json).toMatchObject({ started_at: '2026-11-29T14:05:09.000Z', finished_at: '2026-11-29T14:46:21.000Z' });
  });

  it('list --columns started_at, diff and compare tables: local; list --json/--csv: UTC', async () => {
    const list = await cli('Asia/Tokyo', 'list', '--columns', 'id,started_at,finished_at');
    expect(list.stdout).toContain(`${A}  2026-11-29 23:05:09  2026-11-29 23:46:21`);
    const csv = await cli('Asia/Tokyo', 'list', '--csv');
    expect(csv.stdout).toContain('2026-11-29T14:05:09.000Z');
    expect(JSON.parse((await cli('Asia/Tokyo', 'list', '--json')).stdout)[1].started_at).toBe(
      '2026-11-29T14:05:09.000Z',
    );
    const diff = await cli('Asia/Tokyo', 'diff', A, B);
    expect(diff.stdout).toMatch(/\nstarted_at\s+2026-11-29 23:05:09\s+2026-11-30 00:00:00\n/);
    const diffJson = JSON.parse((await cli('Asia/Tokyo', 'diff', A, B, '--json')).stdout) as Record<string, unknown>[];
    expect(diffJson).toContainEqual(
      expect.objectContaining({ key: 'started_at', a: '2026-11-29T14:05:09.000Z', b: '2026-11-29T15:00:00.000Z' }),
    );
    const compare = await cli('Asia/Tokyo', 'compare', A, B);
    expect(compare.stdout).toMatch(/\nstarted_at\s+2026-11-29 23:05:09\s+2026-11-30 00:00:00\n/);
  });
});
