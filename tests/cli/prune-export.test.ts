// runs prune / runs export on real temp trees: real checkpoint files, byte counts, byte-identical copies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const A = '2026-11-28_22-10-03';
const LIVE = '2026-11-30_10-00-00';
const trees: Tree[] = [];
afterEach(() => {
  for (const t of trees.splice(0)) fs.rmSync(t.dir, { recursive: true, force: true });
});

/** Fixture 15 (mlx_lm 0.31: val before the step; best val 1.071 at Iter 700) with its 10 checkpoints on disk, each different. */
function tree15(): Tree {
  const tree = makeTree();
  trees.push(tree);
  const dir = addRun(tree, A, {
    log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
    manifest: completedManifest(A, { started_at: '2026-11-28T22:10:03.000Z' }),
    adapterConfig: {
      fine_tune_type: 'lora',
      num_layers: 16,
      lora_parameters: { rank: 8, scale: 20, dropout: 0 },
      model: 'mlx-community/Qwen3-4B-Instruct-2507-4bit',
    },
  });
  for (let it = 100; it <= 1000; it += 100) {
    fs.writeFileSync(
      path.join(dir, 'adapters', `${String(it).padStart(7, '0')}_adapters.safetensors`),
      Buffer.alloc(1000 + it, it / 100),
    );
  }
  fs.writeFileSync(path.join(dir, 'adapters', 'adapters.safetensors'), Buffer.alloc(3000, 0xff));
  return tree;
}

const adapterFiles = (tree: Tree, id = A) => fs.readdirSync(path.join(tree.root, id, 'adapters')).sort();
const duTotal = async (tree: Tree) =>
  (JSON.parse((await runCli([...tree.flags, 'du', '--json'])).stdout) as { total_bytes: number }[]).reduce(
    (a, r) => a + r.total_bytes,
    0,
  );

describe('runs prune', () => {
  it('--dry-run lists what would go and changes nothing; prune then frees exactly the bytes it printed', async () => {
    const tree = tree15();
    const before = adapterFiles(tree);
    const dry = await runCli([...tree.flags, 'prune', A, '--dry-run', '--json']);
    expect(dry.exitCode).toBe(0);
    const listed = JSON.parse(dry.stdout) as { id: string; iter: number; bytes: number; file: string }[];
    // Kept: best (the checkpoint saved at Iter 700, the best val) and last (1000).
    expect(listed.map((f) => f.iter)).toEqual([100, 200, 300, 400, 500, 600, 800, 900]);
    const printed = listed.reduce((a, f) => a + f.bytes, 0);
    expect(dry.stderr).toContain(`dry run: would delete 8 checkpoint file(s), ${printed} bytes`);
    expect(adapterFiles(tree)).toEqual(before);

    const usedBefore = await duTotal(tree);
    const r = await runCli([...tree.flags, 'prune', A]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`${A}: keeping 700, 1000\n`);
    expect(r.stderr).toContain(`deleted 8 checkpoint file(s), ${printed} bytes`);
    expect(r.stdout).toMatch(/^id\s+iter\s+bytes\s+file\n/);
    expect(usedBefore - (await duTotal(tree))).toBe(printed);
    expect(adapterFiles(tree)).toEqual([
      '0000700_adapters.safetensors',
      '0001000_adapters.safetensors',
      'adapter_config.json',
      'adapters.safetensors',
    ]);
  });

  it('--keep none still never removes adapter_config.json or adapters.safetensors; --keep 300 keeps that one', async () => {
    const tree = tree15();
    expect((await runCli([...tree.flags, 'prune', A, '--keep', '300'])).exitCode).toBe(0);
    expect(adapterFiles(tree)).toEqual(['0000300_adapters.safetensors', 'adapter_config.json', 'adapters.safetensors']);
    expect((await runCli([...tree.flags, 'prune', '--all', '--keep', 'none'])).exitCode).toBe(0);
    expect(adapterFiles(tree)).toEqual(['adapter_config.json', 'adapters.safetensors']);
  });

  it('refuses a running run (exit 1, nothing deleted); --all skips it; usage errors exit 2', async () => {
    const tree = tree15();
    addRun(tree, LIVE, {
      log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
      manifest: completedManifest(LIVE, {
        status: 'running',
        host: os.hostname(),
        pid: process.pid,
        started_at: new Date().toISOString(),
      }),
    });
    fs.writeFileSync(path.join(tree.root, LIVE, '.heartbeat'), '');
    fs.writeFileSync(path.join(tree.root, LIVE, 'adapters', '0000010_adapters.safetensors'), 'w');
    const r = await runCli([...tree.flags, 'prune', LIVE]);
    expect(r).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `Error: ${LIVE} is still running; prune it once it has ended\n`,
    });
    const all = await runCli([...tree.flags, 'prune', '--all', '--keep', 'none', '--json']);
    expect(all.exitCode).toBe(0);
    expect(all.stderr).toContain(`${LIVE}: running, skipped`);
    expect(adapterFiles(tree, LIVE)).toContain('0000010_adapters.safetensors');
    expect((await runCli([...tree.flags, 'prune'])).exitCode).toBe(2);
    const bad = await runCli([...tree.flags, 'prune', A, '--keep', 'fastest']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^Error: --keep takes best, last/);
  });

  it('an empty --keep (an unset variable, a stray comma) is refused, not taken as "keep nothing"', async () => {
    const tree = tree15();
    const before = adapterFiles(tree, A);
    expect(before.filter((f) => /^\d+_adapters/.test(f))).toHaveLength(10);
    for (const keep of ['', ',', ' ', ' , ']) {
      for (const all of [[A], ['--all']]) {
        const empty = await runCli([...tree.flags, 'prune', ...all, '--keep', keep]);
        expect(empty.exitCode, JSON.stringify(keep)).toBe(2);
        expect(empty.stderr).toMatch(/^Error: --keep is empty: name what to keep/);
      }
    }
    expect(adapterFiles(tree, A)).toEqual(before);
  });
});

describe('runs export', () => {
  it('best: the checkpoint saved at the best val iteration, byte for byte, with a valid adapter_config.json', async () => {
    const tree = tree15();
    const out = path.join(tree.dir, 'export-best');
    const r = await runCli([...tree.flags, 'export', A, '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    // Val at Iter 700 measured the weights after 699 steps; 700 is the nearest saved checkpoint.
    expect(r.stderr).toContain("note: best val loss 1.071 was measured at Iter 700, before that iteration's step");
    expect(r.stderr).toContain(`exported ${A} checkpoint 700 to ${out}`);
    expect(fs.readdirSync(out).sort()).toEqual(['adapter_config.json', 'adapters.safetensors']);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      fine_tune_type: 'lora',
      num_layers: 16,
      lora_parameters: { rank: 8, scale: 20, dropout: 0 },
    });
    expect(
      fs
        .readFileSync(path.join(out, 'adapters.safetensors'))
        .equals(fs.readFileSync(path.join(tree.root, A, 'adapters', '0000700_adapters.safetensors'))),
    ).toBe(true);
  });

  it.each([
    ['last', '0001000_adapters.safetensors'],
    ['300', '0000300_adapters.safetensors'],
    ['final', 'adapters.safetensors'],
  ])('--checkpoint %s copies %s', async (which, file) => {
    const tree = tree15();
    const out = path.join(tree.dir, `export-${which}`);
    expect((await runCli([...tree.flags, 'export', A, '--checkpoint', which, '-o', out])).exitCode).toBe(0);
    expect(
      fs
        .readFileSync(path.join(out, 'adapters.safetensors'))
        .equals(fs.readFileSync(path.join(tree.root, A, 'adapters', file))),
    ).toBe(true);
  });

  it('never overwrites; a missing checkpoint or -o is an error that says what to do', async () => {
    const tree = tree15();
    const out = path.join(tree.dir, 'taken');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'mine'), 'x');
    const taken = await runCli([...tree.flags, 'export', A, '-o', out]);
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toBe(
      `Error: ${out} already exists and is not an empty folder; pass a new -o DIR (runs export never overwrites)\n`,
    );
    expect(fs.readdirSync(out)).toEqual(['mine']);
    const missing = await runCli([...tree.flags, 'export', A, '--checkpoint', '250', '-o', path.join(tree.dir, 'x')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(
      `Error: ${A} has no checkpoint at iteration 250; it has 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000\n`,
    );
    expect(fs.existsSync(path.join(tree.dir, 'x'))).toBe(false);
    expect((await runCli([...tree.flags, 'export', A])).exitCode).toBe(2);
    expect(
      (await runCli([...tree.flags, 'export', A, '--checkpoint', 'newest', '-o', path.join(tree.dir, 'y')])).exitCode,
    ).toBe(2);
  });
});
