// runs list's table through the bundle: the sort/filter column is always there, the terminal width
// (COLUMNS) decides what else, --columns names them, stopped runs show how far they got, and runs
// of one model are told apart.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const tree = makeTree();
const LOG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log'; // 1000 iters, a test loss
const MODEL = 'mlx-community/Qwen3-4B-Instruct-2507-4bit';
const A = '2026-11-29_10-00-00';
const B = '2026-11-29_11-00-00';
const F = '2026-11-29_12-00-00';
const run = (id: string, over: Record<string, unknown>) =>
  addRun(tree, id, {
    log: LOG,
    manifest: completedManifest(id, { model: MODEL, iters: 1000, lora_rank: 8, learning_rate: 1e-5, ...over }),
  });
run(A, { batch_size: 4, tags: ['baseline'] });
run(B, { batch_size: 8, tags: [] });
// Stopped at 1000 of a planned 2000.
run(F, { status: 'failed', exit_code: 1, iters: 2000, batch_size: 4, lora_rank: 16 });
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

const list = (columns: number, ...argv: string[]) =>
  runBundle([...tree.flags, 'list', ...argv], { env: { COLUMNS: String(columns) } });
const header = (stdout: string) => stdout.split('\n')[0]!.split(/\s{2,}/);

describe('runs list columns', () => {
  it('an 80-column terminal shows the essentials; a wide one adds lr, rank, test loss, duration, tags', async () => {
    const narrow = await list(80);
    expect(narrow.exitCode).toBe(0);
    expect(narrow.stderr).toBe('');
    expect(header(narrow.stdout)).toEqual(['id', 'status', 'model', 'iters', 'best val', 'train', 'tok/s']);
    for (const line of narrow.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const wide = await list(200);
    expect(header(wide.stdout)).toEqual([
      'id',
      'status',
      'model',
      'params',
      'iters',
      'best val (iter)',
      'final train',
      'test loss',
      'tok/s',
      'lr',
      'rank',
      'duration',
      'tags',
    ]);
    expect(wide.stdout).toMatch(
      new RegExp(
        `\\n${A}\\s+completed\\s+Qwen3-4B-Instruct-2507-4bit\\s+bs=4\\s+1000\\s+1\\.071 \\(700\\)\\s+0\\.912\\s+1\\.083\\s+798\\s+1\\.00e-5\\s+8\\s+\\S+\\s+baseline\\n`,
      ),
    );
    expect(wide.stdout).toMatch(new RegExp(`\\n${B}\\s+completed\\s+\\S+\\s+bs=8\\s`));
  });

  it('a stopped run shows last/iters, as a running one does', async () => {
    const r = await list(120);
    expect(r.stdout).toMatch(new RegExp(`\\n${F}\\s+failed\\s+\\S+\\s+.*1000/2000\\s`));
    expect(r.stdout).toMatch(new RegExp(`\\n${A}\\s+completed\\s+\\S+\\s+.*\\s1000\\s+1\\.071`));
  });

  it('the sort column and the columns --where names are always shown, even at 80 columns', async () => {
    const sorted = await list(80, '--sort', 'test_loss');
    expect(header(sorted.stdout)).toContain('test loss');
    const filtered = await list(80, '--where', "batch_size >= 4 and learning_rate < 1 and model not like '%seed%'");
    expect(filtered.exitCode).toBe(0);
    expect(header(filtered.stdout)).toEqual(expect.arrayContaining(['batch_size', 'lr']));
    expect(header(filtered.stdout)).not.toContain('seed'); // inside a string, not a column
    const peak = await list(80, '--sort', 'peak_mem', '--columns', 'id');
    expect(header(peak.stdout)).toEqual(['id', 'peak mem']);
  });

  it('--columns picks the columns and their order; an unknown one is a usage error listing the valid ones', async () => {
    const r = await list(80, '--columns', 'id,lr,rank,best_val_loss,tags');
    expect(r.exitCode).toBe(0);
    expect(header(r.stdout)).toEqual(['id', 'lr', 'rank', 'best val', 'tags']);
    expect(r.stdout).toMatch(new RegExp(`\\n${F}\\s+1\\.00e-5\\s+16\\s+1\\.071 \\(700\\)\\s+-\\n`));
    const bad = await list(80, '--columns', 'id,rnak');
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('unknown column "rnak"; the columns are: id, status, model, params, iters');
    // JSON is not a table: --columns does not change it.
    const json = JSON.parse((await list(80, '--columns', 'id', '--json')).stdout) as Record<string, unknown>[];
    expect(Object.keys(json[0]!)).toContain('best_val_loss');
  });

  it('runs of the same model are told apart by what differs between them', async () => {
    const r = await list(80, '--columns', 'id,model,params');
    expect(r.stdout).toMatch(new RegExp(`\\n${F}\\s+\\S+\\s+rank=16 bs=4 iters=2000\\n`));
    expect(r.stdout).toMatch(new RegExp(`\\n${B}\\s+\\S+\\s+rank=8 bs=8 iters=1000\\n`));
  });
});
