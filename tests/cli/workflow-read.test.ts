// runs best / du / log / compare on a temp tree built from fixture logs (real files, real SQLite).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

let tree: Tree;
const A = '2026-11-28_22-10-03';
const B = '2026-11-29_09-41-17';
const C = '2026-11-29_14-05-09';
const QWEN = 'mlx-community/Qwen3-4B-Instruct-2507-4bit';

const cli = (...argv: string[]) => runCli([...tree.flags, ...argv]);

beforeAll(() => {
  tree = makeTree();
  // A: best val 1.071 @ 700, test loss, 10 checkpoints on disk of 1000 bytes each.
  const a = addRun(tree, A, {
    log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
    manifest: completedManifest(A, {
      started_at: '2026-11-28T22:10:03.000Z',
      model: QWEN,
      data_dir: 'data/sql',
      lora_rank: 8,
      iters: 1000,
      tags: ['baseline'],
    }),
    adapterConfig: {
      model: QWEN,
      data: 'data/sql',
      lora_parameters: { rank: 8, scale: 20, dropout: 0 },
      iters: 1000,
      batch_size: 4,
    },
  });
  for (let it = 100; it <= 1000; it += 100)
    fs.writeFileSync(
      path.join(a, 'adapters', `${String(it).padStart(7, '0')}_adapters.safetensors`),
      Buffer.alloc(1000, 1),
    );
  fs.writeFileSync(path.join(a, 'adapters', 'adapters.safetensors'), Buffer.alloc(1000, 1));
  // B: best val 1.127 @ 300, rank 16, faster.
  addRun(tree, B, {
    log: '13-mlxlm-0.29-resumed-fine-tuned-weights.log',
    manifest: completedManifest(B, {
      started_at: '2026-11-29T09:41:17.000Z',
      model: QWEN,
      data_dir: 'data/sql',
      lora_rank: 16,
      iters: 400,
    }),
    adapterConfig: {
      model: QWEN,
      data: 'data/sql',
      lora_parameters: { rank: 16, scale: 20, dropout: 0.05 },
      iters: 400,
      batch_size: 4,
    },
  });
  // C: the rich UI log with ANSI colours; interrupted-free, best val 1.318.
  addRun(tree, C, {
    log: '10-rich-ui-ansi-truecolor-complete-with-test.log',
    manifest: completedManifest(C, { started_at: '2026-11-29T14:05:09.000Z', status: 'failed', exit_code: 1 }),
  });
});

afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('runs best', () => {
  it('prints the id of the run with the lowest best val loss, nothing on stderr', async () => {
    expect(await cli('best')).toEqual({ exitCode: 0, stdout: `${A}\n`, stderr: '' });
  });

  it('--path prints the absolute folder', async () => {
    const r = await cli('best', '--path');
    expect(r.stdout).toBe(`${path.join(tree.root, A)}\n`);
    expect(path.isAbsolute(r.stdout.trim())).toBe(true);
  });

  it.each([
    [['--by', 'tokens_per_sec'], C], // higher is better (the rich-UI run is the fastest)
    [['--by', 'started'], C], // newest
    [['--where', 'lora_rank >= 16'], B],
    [['--status', 'failed'], C],
  ])('%j picks %s', async (args, id) => {
    const r = await cli('best', ...args);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${id}\n`);
  });

  it('--json prints an array of one run summary', async () => {
    const rows = JSON.parse((await cli('best', '--json')).stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: A, best_val_loss: 1.071, best_val_iter: 700, tags: ['baseline'] });
  });

  it('says so when no run matches or none has the value (exit 1, stdout empty)', async () => {
    const none = await cli('best', '--status', 'crashed');
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('Error: no run matches --status / --where; drop them to see every run (runs list)\n');
    const noValue = await cli('best', '--by', 'test_loss', '--where', 'lora_rank = 16');
    expect(noValue.exitCode).toBe(1);
    expect(noValue.stderr).toMatch(/^Error: no matching run has a test_loss value yet; try another --by/);
  });

  it('a bad --by is a usage error (exit 2); a bad --where too', async () => {
    expect((await cli('best', '--by', 'bogus')).exitCode).toBe(2);
    const r = await cli('best', '--where', 'nope > 1');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: --where/);
  });
});

describe('runs du', () => {
  it('--json: bytes per run by kind, largest first; the parts add up to the total', async () => {
    const r = await cli('du', '--json');
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, number | string>[];
    expect(rows.map((x) => x.id)).toEqual(
      [A, C, B].sort(
        (x, y) =>
          (rows.find((q) => q.id === y)!.total_bytes as number) - (rows.find((q) => q.id === x)!.total_bytes as number),
      ),
    );
    const a = rows.find((x) => x.id === A)!;
    expect(a).toMatchObject({
      checkpoint_files: 10,
      checkpoints_bytes: 10_000,
      log_bytes: fixtureBytes('15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log').length,
    });
    for (const row of rows)
      expect(row.total_bytes).toBe(
        (row.checkpoints_bytes as number) + (row.log_bytes as number) + (row.other_bytes as number),
      );
    const sizes = rows.map((x) => x.total_bytes as number);
    expect([...sizes].sort((x, y) => y - x)).toEqual(sizes);
  });

  it('the table ends with a total row; RUN arguments limit it', async () => {
    const r = await cli('du');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+ckpts\s+checkpoints\s+log\s+other\s+total$/);
    expect(lines.at(-1)).toMatch(/^total \(3 runs\)\s+10\s+10\.0 kB/);
    const one = JSON.parse((await cli('du', B, '--json')).stdout) as { id: string }[];
    expect(one.map((x) => x.id)).toEqual([B]);
  });

  it('--csv has the header even with no runs', async () => {
    const empty = makeTree();
    try {
      const r = await runCli([...empty.flags, 'du', '--csv']);
      expect(r).toEqual({
        exitCode: 0,
        stdout: 'id,status,checkpoint_files,checkpoints_bytes,log_bytes,other_bytes,total_bytes\n',
        stderr: '',
      });
    } finally {
      fs.rmSync(empty.dir, { recursive: true, force: true });
    }
  });

  it('an unknown run is exit 1 with the candidates', async () => {
    const r = await cli('du', '1999');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error: no run matches "1999"; newest runs: /);
  });
});

describe('runs log', () => {
  const richLog = () => fixtureBytes('10-rich-ui-ansi-truecolor-complete-with-test.log').toString('utf8');

  it('prints the log with terminal codes stripped', async () => {
    expect(richLog()).toContain('\x1b[');
    const r = await cli('log', C);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b');
    // eslint-disable-next-line no-control-regex -- colour codes
    expect(r.stdout).toBe(richLog().replace(/\x1b\[[0-9;]*m/g, ''));
  });

  it('--raw prints the bytes as written', async () => {
    expect((await cli('log', C, '--raw')).stdout).toBe(richLog());
  });

  it('--tail N prints the last N lines', async () => {
    const text = fixtureBytes('13-mlxlm-0.29-resumed-fine-tuned-weights.log').toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    expect((await cli('log', B, '--tail', '3')).stdout).toBe(`${lines.slice(-3).join('\n')}\n`);
    expect((await cli('log', B, '--tail', '100000')).stdout).toBe(text);
  });

  it('--follow on a finished run prints the log and returns', async () => {
    const r = await cli('log', B, '--follow');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(fixtureBytes('13-mlxlm-0.29-resumed-fine-tuned-weights.log').toString('utf8'));
  });

  it('a bad --tail is exit 2; a run without train.log is exit 1', async () => {
    expect((await cli('log', B, '--tail', '0')).exitCode).toBe(2);
    const id = '2026-11-30_08-00-00';
    addRun(tree, id, { manifest: completedManifest(id, { started_at: '2026-11-30T08:00:00.000Z' }) });
    try {
      const r = await cli('log', id);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^Error: run ${id} has no train.log yet`));
    } finally {
      fs.rmSync(path.join(tree.root, id), { recursive: true });
    }
  });
});

describe('runs compare', () => {
  it('--json: one row per changed key or metric, one column per run, the best named', async () => {
    const r = await cli('compare', A, B, C, '--json');
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.find((x) => x.key === 'lora_rank')).toEqual({
      section: 'config',
      key: 'lora_rank',
      [A]: 8,
      [B]: 16,
      [C]: null,
      best: null,
    });
    expect(rows.find((x) => x.key === 'best_val_loss')).toEqual({
      section: 'metric',
      key: 'best_val_loss',
      [A]: 1.071,
      [B]: 1.127,
      [C]: 1.318,
      best: A,
    });
    expect(rows.find((x) => x.key === 'tokens_per_sec')!.best).toBe(C);
    // Unchanged keys are left out unless --all.
    const two = JSON.parse((await cli('compare', A, B, '--json')).stdout) as Record<string, unknown>[];
    expect(two.find((x) => x.key === 'batch_size')).toBeUndefined();
    const all = JSON.parse((await cli('compare', A, B, '--json', '--all')).stdout) as Record<string, unknown>[];
    expect(all.find((x) => x.key === 'batch_size')).toEqual({
      section: 'config',
      key: 'batch_size',
      [A]: 4,
      [B]: 4,
      best: null,
    });
  });

  it('the table has a column per run and marks the best; the legend goes to stderr', async () => {
    const r = await cli('compare', A, B);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^config\\s+${A}\\s+${B}\\n`));
    expect(r.stdout).toMatch(/best_val_loss\s+1\.071 \*\s+1\.127\n/);
    expect(r.stderr).toBe('* = best of the row\n');
  });

  it('needs two different runs (exit 2)', async () => {
    const r = await cli('compare', A, A);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`Error: compare needs at least two different runs (got ${A})\n`);
  });
});
