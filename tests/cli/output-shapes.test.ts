// One output shape everywhere, through the bundle: diff --json names (snake_case, which run is a
// and b), deltas without float noise, tags as an array (list, show, sql), params with their types.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';

const tree = makeTree();
const A = '2026-11-29_10-00-00';
const B = '2026-11-29_11-00-00';
/** A short log whose val losses we choose (1.071 - 1.052 is -0.018999999999999906 in floats). */
const log = (vals: number[]) =>
  Buffer.from(
    vals
      .map(
        (v, i) =>
          `Iter ${(i + 1) * 10}: Train loss ${(v + 0.1).toFixed(3)}, Learning Rate 1.000e-05, It/sec 2.000, Tokens/sec 500.000, Trained Tokens ${(i + 1) * 1000}, Peak mem 3.062 GB\n` +
          `Iter ${(i + 1) * 10}: Val loss ${v.toFixed(3)}, Val took 0.187s\n`,
      )
      .join(''),
  );
addRun(tree, A, {
  log: log([1.2, 1.071]),
  manifest: completedManifest(A, { started_at: '2026-11-29T10:00:00.000Z', tags: ['baseline', 'qwen'] }),
  config:
    'model: m\ngrad_checkpoint: true\nlora_parameters:\n  keys: [self_attn.q_proj, self_attn.v_proj]\n  rank: 8\n  scale: 20.0\n',
});
addRun(tree, B, {
  log: log([1.15, 1.052]),
  manifest: completedManifest(B, { started_at: '2026-11-29T11:00:00.000Z', tags: [] }),
  config: 'model: m\ngrad_checkpoint: false\nlora_parameters:\n  keys: [self_attn.q_proj]\n  rank: 8\n  scale: 20.0\n',
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runBundle([...tree.flags, ...argv]);

describe('diff --json', () => {
  it('keys are snake_case, every row says which run is a and b, deltas are as precise as their operands', async () => {
    const r = await cli('diff', A, B, '--json');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['section', 'key', 'iter', 'a', 'b', 'delta', 'verdict', 'a_id', 'b_id']);
      expect(row.key).toMatch(/^[a-z0-9_.]+$/); // no labels with spaces or "@"
      expect(row).toMatchObject({ a_id: A, b_id: B });
    }
    expect(rows).toContainEqual({
      section: 'metric',
      key: 'best_val_loss',
      iter: null,
      a: 1.071,
      b: 1.052,
      delta: -0.019, // not -0.018999999999999906
      verdict: 'better',
      a_id: A,
      b_id: B,
    });
    expect(rows).toContainEqual(
      expect.objectContaining({ section: 'val_loss', key: 'val_loss', iter: 20, delta: -0.019 }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ section: 'val_loss', key: 'val_loss', iter: 10, delta: -0.05 }),
    );
    // Config values keep their types: a boolean and a list, as the config files said.
    expect(rows).toContainEqual(
      expect.objectContaining({ section: 'config', key: 'grad_checkpoint', a: true, b: false }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        key: 'lora_parameters.keys',
        a: ['self_attn.q_proj', 'self_attn.v_proj'],
        b: ['self_attn.q_proj'],
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ section: 'metadata', key: 'tags', a: ['baseline', 'qwen'], b: [] }),
    );
    // The table for people keeps its labels.
    const table = await cli('diff', A, B);
    expect(table.stdout).toMatch(/\nbest val loss\s+1\.071\s+1\.052\s+-0\.019 \(better\)\n/);
    expect(table.stdout).toMatch(/\ngrad_checkpoint\s+yes\s+no\n/);
  });

  it('--csv has the same columns, a_id and b_id on every row', async () => {
    const r = await cli('diff', A, B, '--csv');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('section,key,iter,a,b,delta,verdict,a_id,b_id');
    expect(lines).toContain(`metric,best_val_loss,,1.071,1.052,-0.019,better,${A},${B}`);
  });
});

describe('tags are an array in every JSON', () => {
  it('list --json, show --json and sql --json (the tags column); CSV keeps the JSON text', async () => {
    const list = JSON.parse((await cli('list', '--json')).stdout) as { id: string; tags: unknown }[];
    expect(list.find((r) => r.id === A)!.tags).toEqual(['baseline', 'qwen']);
    expect(list.find((r) => r.id === B)!.tags).toEqual([]);
    expect(JSON.parse((await cli('show', A, '--json')).stdout).tags).toEqual(['baseline', 'qwen']);
    const sql = await cli('sql', 'select id, tags from runs order by id', '--json');
    expect(sql.exitCode).toBe(0);
    expect(JSON.parse(sql.stdout)).toEqual([
      { id: A, tags: ['baseline', 'qwen'] },
      { id: B, tags: [] },
    ]);
    const csv = await cli('sql', 'select id, tags from runs order by id', '--csv');
    expect(csv.stdout).toBe(`id,tags\n${A},"[""baseline"",""qwen""]"\n${B},[]\n`);
  });
});

describe('params keep their types in JSON', () => {
  it('show --json params: booleans, lists and numbers as the config had them', async () => {
    const j = JSON.parse((await cli('show', A, '--json')).stdout) as { params: Record<string, unknown> };
    expect(j.params).toMatchObject({
      grad_checkpoint: true,
      'lora_parameters.keys': ['self_attn.q_proj', 'self_attn.v_proj'],
      'lora_parameters.rank': 8,
      'lora_parameters.scale': 20,
      model: 'm',
    });
    const cmp = JSON.parse((await cli('compare', A, B, '--json')).stdout) as Record<string, unknown>[];
    expect(cmp).toContainEqual(expect.objectContaining({ key: 'grad_checkpoint', [A]: true, [B]: false }));
  });
});

describe('show --csv', () => {
  it("has the index's metrics columns in table order (all but run_id), one row per report", async () => {
    // The columns as the index itself has them, not a list copied into the test.
    const info = await cli('sql', "select name from pragma_table_info('metrics') order by cid", '--json');
    expect(info.exitCode).toBe(0);
    const columns = (JSON.parse(info.stdout) as { name: string }[]).map((r) => r.name).filter((c) => c !== 'run_id');
    expect(columns).toContain('test_ppl');
    const r = await cli('show', A, '--csv');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(columns.join(','));
    expect(lines).toHaveLength(1 + 4); // two train and two val reports
    expect(lines[1]!.split(',').slice(0, 5)).toEqual(['0', '0', '10', 'train', '1.3']);
  });
});
