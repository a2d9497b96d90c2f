// A runs root on a read-only file system, and an index on a full one (issue 10, items 7 and 14).
// Why real mounts: as root, chmod does not stop a write; only a read-only mount (EROFS) or a
// full tmpfs (ENOSPC / SQLITE_FULL) makes the kernel refuse, as a user's locked or full disk does.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { addRun, completedManifest, fixtureBytes } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const SHORT = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log';

let mountPoint: string | null = null;
let mountError: string | null = null;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-ro-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    mountPoint = dir;
  } catch (err) {
    mountError = ((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0]!;
    fs.rmdirSync(dir);
  }
});
afterAll(() => {
  if (mountPoint === null) return;
  try {
    execFileSync('umount', [mountPoint]);
    fs.rmdirSync(mountPoint);
  } catch {
    // a busy mount point is released when the last process using it ends
  }
});
const skipReason = () => `cannot mount a tmpfs here (${mountError}); run the suite as root to test a read-only disk`;

function cli(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  // No RUNS_DB from the test setup: the index is the root's own runs.db unless --db says otherwise.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.RUNS_DB;
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a read-only root', () => {
  it('list and sql still answer (from a temporary copy, with a notice); tag, note and index say in one line why they cannot', (ctx) => {
    if (mountPoint === null) return ctx.skip(skipReason());
    const root = path.join(mountPoint, 'ro', 'models', 'runs', 'mlx');
    const A = '2026-10-01_00-00-01';
    const B = '2026-10-01_00-00-02';
    addRun({ dir: mountPoint, root, db: '', flags: [] }, A, {
      log: LONG,
      manifest: completedManifest(A, { tags: ['keep'] }),
    });
    expect(cli(['--root', root, 'index']).code).toBe(0);
    // A run added after the last index pass: the answer should still include it.
    addRun({ dir: mountPoint, root, db: '', flags: [] }, B, {
      log: fixtureBytes(SHORT),
      manifest: completedManifest(B),
    });
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const db = path.join(root, 'runs.db');
      const notice = `note: the index ${db} cannot be written (read-only file system); answering from a temporary copy of it\n`;

      const list = cli(['--root', root, 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).toBe(notice);
      expect(
        (JSON.parse(list.stdout) as { id: string; best_val_loss: number | null }[]).map((r) => [r.id, r.best_val_loss]),
      ).toEqual([
        [B, 0.913],
        [A, 1.071],
      ]);

      const sql = cli(['--root', root, 'sql', 'select id, tags from runs order by id', '--csv']);
      expect(sql.code, sql.stderr).toBe(0);
      expect(sql.stderr).toBe(notice);
      expect(sql.stdout).toBe(`id,tags\n${A},"[""keep""]"\n${B},[]\n`);

      const tag = cli(['--root', root, 'tag', A, 'more']);
      expect(tag.code).toBe(1);
      expect(tag.stderr).toBe(
        `Error: the index ${db} cannot be written (read-only file system); make it writable, or pass --db PATH (or set RUNS_DB) to a file on a writable disk\n`,
      );
      // With a writable index elsewhere, the refusal is about run.json itself.
      const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-ro-db-'));
      try {
        const tag2 = cli(['--root', root, '--db', path.join(elsewhere, 'runs.db'), 'tag', A, 'more']);
        expect(tag2.code).toBe(1);
        expect(tag2.stderr).toBe(
          `Error: cannot write ${path.join(root, A, 'run.json')} (read-only file system); nothing was changed: make the run folder writable and try again\n`,
        );
      } finally {
        fs.rmSync(elsewhere, { recursive: true, force: true });
      }

      const index = cli(['--root', root, 'index']);
      expect(index.code).toBe(1);
      expect(index.stderr.trim().split('\n')).toHaveLength(1);
      expect(index.stderr).toMatch(/^Error: the index .+ cannot be written \(read-only file system\)/);
      expect(index.stderr).not.toContain('--rebuild');
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
    expect(JSON.parse(fs.readFileSync(path.join(root, A, 'run.json'), 'utf8')).tags).toEqual(['keep']);
  }, 120_000); // eight spawned CLIs: seconds alone, far more on 2 cores shared with other suites
});

describe('a full disk under the index', () => {
  // 96 KB: the index cannot even be created; 600 KB: it is, and the metrics of 60 runs do not fit.
  it.for([96, 600])(
    'runs index with %i KB free says the disk is full and to free space, not to --rebuild',
    { timeout: 120_000 },
    (FREE_KB, ctx) => {
      if (mountPoint === null) return ctx.skip(skipReason());
      const base = path.join(mountPoint, 'full');
      const root = path.join(os.tmpdir(), `runs-full-root-${process.pid}`);
      fs.mkdirSync(base, { recursive: true });
      try {
        for (let i = 0; i < 60; i++) {
          const id = `2026-10-02_00-00-${String(i).padStart(2, '0')}`;
          addRun({ dir: root, root, db: '', flags: [] }, id, { log: LONG, manifest: completedManifest(id) });
        }
        // Fill the tmpfs but for a few KB: the index's first pages fit, its metrics do not.
        const filler = path.join(base, 'filler');
        const free = fs.statfsSync(base).bavail * fs.statfsSync(base).bsize;
        fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - FREE_KB * 1024)));
        const r = cli(['--root', root, '--db', path.join(base, 'runs.db'), 'index']);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^Error: .*(disk is full|is full \(\d+ KB free\)).*free some space/);
        expect(r.stderr).not.toContain('--rebuild');
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
