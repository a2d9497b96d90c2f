// runs rm / restore / trash on real temp trees: folders moved, index and `latest` following.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpIndex } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const A = '2026-11-28_22-10-03';
const B = '2026-11-29_09-41-17';
const C = '2026-11-29_14-05-09';
const trees: Tree[] = [];

afterEach(() => {
  for (const t of trees.splice(0)) fs.rmSync(t.dir, { recursive: true, force: true });
});

function threeRuns(): Tree {
  const tree = makeTree();
  trees.push(tree);
  addRun(tree, A, {
    log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
    manifest: completedManifest(A, { started_at: '2026-11-28T22:10:03.000Z', tags: ['x'] }),
    adapterConfig: { lora_parameters: { rank: 8 }, iters: 1000 },
  });
  addRun(tree, B, {
    log: '13-mlxlm-0.29-resumed-fine-tuned-weights.log',
    manifest: completedManifest(B, { started_at: '2026-11-29T09:41:17.000Z' }),
    config: 'iters: 400\n',
  });
  addRun(tree, C, { log: '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log' });
  fs.writeFileSync(path.join(tree.root, A, 'adapters', '0000100_adapters.safetensors'), Buffer.alloc(500, 7));
  fs.symlinkSync(C, path.join(tree.root, 'latest'));
  return tree;
}

/** Every file under a folder: relative path → size, mtime, sha1 (what "identical" means here). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else {
        const st = fs.statSync(f);
        out[path.relative(dir, f)] =
          `${st.size}:${st.mtimeMs}:${st.mode}:${createHash('sha1').update(fs.readFileSync(f)).digest('hex')}`;
      }
    }
  };
  walk(dir);
  return out;
}

function indexOf(tree: Tree, id: string) {
  const d = dumpIndex(tree.db);
  const pick = <T extends Record<string, unknown>>(rows: unknown[], key: string) =>
    (rows as T[]).filter((r) => r[key] === id);
  return {
    runs: pick(d.runs, 'id'),
    metrics: pick(d.metrics, 'run_id'),
    params: pick(d.params, 'run_id'),
    checkpoints: pick(d.checkpoints, 'run_id'),
  };
}

const ids = async (tree: Tree) =>
  (JSON.parse((await runCli([...tree.flags, 'list', '--json'])).stdout) as { id: string }[]).map((r) => r.id);

describe('runs rm / restore', () => {
  it('rm moves the folder into .trash, drops it from the index; restore gives back the identical folder and index row', async () => {
    const tree = threeRuns();
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const folderBefore = snapshot(path.join(tree.root, A));
    const rowBefore = indexOf(tree, A);
    expect(rowBefore.runs).toHaveLength(1);
    expect(rowBefore.metrics.length).toBeGreaterThan(50);

    const rm = await runCli([...tree.flags, 'rm', A]);
    expect(rm).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: `moved ${A} to ${path.join(tree.root, '.trash')} (runs restore ${A} brings it back)\n`,
    });
    expect(fs.existsSync(path.join(tree.root, A))).toBe(false);
    expect(snapshot(path.join(tree.root, '.trash', A))).toEqual(folderBefore);
    expect(indexOf(tree, A)).toEqual({ runs: [], metrics: [], params: [], checkpoints: [] });
    expect(await ids(tree)).toEqual([C, B]);
    // A trashed run is not a run: refs, sql and index pass over it.
    expect((await runCli([...tree.flags, 'show', A])).exitCode).toBe(1);
    expect((await runCli([...tree.flags, 'index'])).stderr).toMatch(/indexed 2 runs/);

    const trash = JSON.parse((await runCli([...tree.flags, 'trash', '--json'])).stdout) as Record<string, unknown>[];
    expect(trash).toEqual([
      { id: A, status: 'completed', total_bytes: expect.any(Number), path: path.join(tree.root, '.trash', A) },
    ]);

    const restore = await runCli([...tree.flags, 'restore', '2026-11-28']);
    expect(restore).toEqual({ exitCode: 0, stdout: '', stderr: `restored ${A}\n` });
    expect(snapshot(path.join(tree.root, A))).toEqual(folderBefore);
    expect(indexOf(tree, A)).toEqual(rowBefore);
    expect(await ids(tree)).toEqual([C, B, A]);
    expect(JSON.parse((await runCli([...tree.flags, 'trash', '--json'])).stdout)).toEqual([]);
  });

  it('latest follows: removing the newest run points latest at the next newest; restoring it points back', async () => {
    const tree = threeRuns();
    expect((await runCli([...tree.flags, 'rm', 'latest'])).exitCode).toBe(0);
    expect(fs.readlinkSync(path.join(tree.root, 'latest'))).toBe(B);
    expect((await runCli([...tree.flags, 'rm', B, A])).exitCode).toBe(0);
    expect(fs.lstatSync(path.join(tree.root, 'latest'), { throwIfNoEntry: false })).toBeUndefined();
    expect((await runCli([...tree.flags, 'restore', A])).exitCode).toBe(0);
    expect(fs.readlinkSync(path.join(tree.root, 'latest'))).toBe(A);
    expect((await runCli([...tree.flags, 'restore', C, B])).exitCode).toBe(0);
    expect(fs.readlinkSync(path.join(tree.root, 'latest'))).toBe(C);
  });

  it('refuses a running run, an unknown ref, and restoring over an existing folder (exit 1, nothing moved)', async () => {
    const tree = threeRuns();
    const live = '2026-11-30_10-00-00';
    addRun(tree, live, {
      log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
      manifest: completedManifest(live, {
        status: 'running',
        host: (await import('node:os')).hostname(),
        pid: process.pid,
        started_at: new Date().toISOString(),
      }),
    });
    fs.writeFileSync(path.join(tree.root, live, '.heartbeat'), '');
    const running = await runCli([...tree.flags, 'rm', A, live]);
    expect(running.exitCode).toBe(1);
    expect(running.stderr).toBe(
      `Error: ${live} is still running; stop its trainer first (Ctrl-C in its terminal), then runs rm it\n`,
    );
    expect(fs.existsSync(path.join(tree.root, A))).toBe(true); // checked before anything moved

    const unknown = await runCli([...tree.flags, 'rm', '1999']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: no run matches "1999"/);
    expect((await runCli([...tree.flags, 'rm', '../x'])).exitCode).toBe(2);

    expect((await runCli([...tree.flags, 'rm', B])).exitCode).toBe(0);
    fs.mkdirSync(path.join(tree.root, B));
    const over = await runCli([...tree.flags, 'restore', B]);
    expect(over.exitCode).toBe(1);
    expect(over.stderr).toBe(`Error: ${path.join(tree.root, B)} already exists; move it aside before restoring ${B}\n`);
    expect(fs.existsSync(path.join(tree.root, '.trash', B, 'train.log'))).toBe(true);
    const notThere = await runCli([...tree.flags, 'restore', '1999']);
    expect(notThere.exitCode).toBe(1);
    expect(notThere.stderr).toMatch(/^Error: no run matches "1999".*\(in the trash\)\n$/);
  });
});

describe('runs trash --empty', () => {
  it('without --yes and no terminal: exit 2, nothing deleted; with --yes: deleted, bytes said', async () => {
    const tree = threeRuns();
    await runCli([...tree.flags, 'rm', A, B]);
    const refused = await runCli([...tree.flags, 'trash', '--empty']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      'Error: runs trash --empty deletes 2 run(s) for good; pass --yes to confirm (there is no terminal to ask on)\n',
    );
    expect(fs.readdirSync(path.join(tree.root, '.trash')).sort()).toEqual([A, B]);

    const r = await runCli([...tree.flags, 'trash', '--empty', '--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^deleted 2 run\(s\) for good, freed \d+\.\d kB\n$/);
    expect(fs.readdirSync(path.join(tree.root, '.trash'))).toEqual([]);
    expect(await ids(tree)).toEqual([C]);
  });

  it('on a terminal it asks: "n" keeps everything, "y" deletes', async () => {
    const tree = threeRuns();
    await runCli([...tree.flags, 'rm', A]);
    const no = await runCli([...tree.flags, 'trash', '--empty'], { typed: 'n\n' });
    expect(no.exitCode).toBe(0);
    expect(no.stderr).toMatch(/^delete 1 trashed run\(s\) \(.+\) for good\? \[y\/N\] nothing deleted\n$/);
    expect(fs.existsSync(path.join(tree.root, '.trash', A))).toBe(true);
    const yes = await runCli([...tree.flags, 'trash', '--empty'], { typed: 'y\n' });
    expect(yes.exitCode).toBe(0);
    expect(fs.existsSync(path.join(tree.root, '.trash', A))).toBe(false);
  });

  it('never deletes outside the root: a symlink in the trash goes as a link; a .trash that is a symlink is refused', async () => {
    const tree = threeRuns();
    const outside = path.join(tree.dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'precious'), 'keep me');
    await runCli([...tree.flags, 'rm', A]);
    fs.symlinkSync(outside, path.join(tree.root, '.trash', 'link-out'));
    fs.symlinkSync(outside, path.join(tree.root, '.trash', A, 'inner-link'));
    expect((await runCli([...tree.flags, 'trash', '--empty', '--yes'])).exitCode).toBe(0);
    expect(fs.readdirSync(path.join(tree.root, '.trash'))).toEqual([]);
    expect(fs.readFileSync(path.join(outside, 'precious'), 'utf8')).toBe('keep me');

    fs.rmdirSync(path.join(tree.root, '.trash'));
    fs.symlinkSync(outside, path.join(tree.root, '.trash'));
    const r = await runCli([...tree.flags, 'rm', B]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*\.trash is not a plain folder/);
    expect(fs.existsSync(path.join(tree.root, B))).toBe(true);
    const empty = await runCli([...tree.flags, 'trash', '--empty', '--yes']);
    expect(empty.exitCode).toBe(1);
    expect(fs.readFileSync(path.join(outside, 'precious'), 'utf8')).toBe('keep me');
  });

  it('an empty trash: listing says so on stderr, --json is []', async () => {
    const tree = threeRuns();
    expect(await runCli([...tree.flags, 'trash'])).toEqual({ exitCode: 0, stdout: '', stderr: 'the trash is empty\n' });
    expect((await runCli([...tree.flags, 'trash', '--csv'])).stdout).toBe('id,status,total_bytes,path\n');
    expect((await runCli([...tree.flags, 'trash', '--empty', '--yes'])).stderr).toBe('the trash is empty\n');
  });
});
