// Read commands never write (issue 10, items 1, 3, 4, 5, 13, 17): they never create a root or an
// index, never write a run's files (a dead recorder's run is shown `crashed` from the index; only
// `runs index` records it in run.json, and only for runs of this host), and an index answers only
// for the root it belongs to, following that root when it moves.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const SHORT = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
function tempTree(prefix: string): Tree {
  const tree = makeTree(prefix);
  made.push(tree.dir);
  return tree;
}

/** Every path under `dir` with its bytes (files) or link target: what "nothing was written" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(abs)}`;
    else if (st.isFile()) out[rel] = fs.readFileSync(abs).toString('base64');
    else if (st.isDirectory()) {
      if (rel !== '') out[rel] = 'dir';
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    }
  };
  walk('');
  return out;
}

/** A pid that existed and is gone: a child that already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

/** The read commands of PRODUCT.md that exist in this build, with the arguments they need. */
function readCommands(a: string, b: string): string[][] {
  return [
    ['list'],
    ['list', '--json'],
    ['ls', '--csv'],
    ['show', a],
    ['show', 'latest', '--json'],
    ['diff', a, b],
    ['plot', a, b],
    ['sql', 'select id, status from runs'],
  ];
}

describe('read commands never create a root or an index (item 1)', () => {
  it('in a folder with no runs root anywhere above: exit 1 with the path tried and the fix; nothing created', async () => {
    const cwd = tempDir('runs-no-root-');
    for (const argv of readCommands('a', 'b')) {
      const r = await runCli(argv, { cwd, env: { RUNS_ROOT: '', RUNS_DB: '' } });
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `Error: no runs root found: looked for models/runs/mlx in ${cwd} and every parent folder; ` +
          'record a first run with `runs train` here, or pass --root DIR (or set RUNS_ROOT)\n',
      );
    }
    const index = await runCli(['index'], { cwd, env: { RUNS_ROOT: '', RUNS_DB: '' } });
    expect(index.exitCode).toBe(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('a --root that does not exist (a typo) is named, absolute, and not created', async () => {
    const cwd = tempDir('runs-typo-');
    for (const argv of [
      ['--root', 'typo/dir', 'list'],
      ['--root', 'typo/dir', 'sql', 'select 1'],
      ['--root', 'typo/dir', 'index'],
    ]) {
      const r = await runCli(argv, { cwd });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(
        `Error: the runs root ${path.join(cwd, 'typo', 'dir')} does not exist; check --root / RUNS_ROOT, ` +
          `or record a first run there with \`runs train --root ${path.join(cwd, 'typo', 'dir')}\`\n`,
      );
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('--root=~/x (a tilde the shell left alone) means the home folder, and no folder named ~ appears', () => {
    // A real process: the tilde is expanded from $HOME, which the spawned CLI reads from its environment.
    const cwd = tempDir('runs-tilde-cwd-');
    const home = tempDir('runs-tilde-home-');
    const r = spawnSync(process.execPath, [BIN, '--root=~/x', 'list'], {
      cwd,
      env: { ...process.env, HOME: home },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Error: the runs root ${path.join(home, 'x')} does not exist`);
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('a runs root that is a file is one line saying so (not an internal error)', async () => {
    const dir = tempDir('runs-root-file-');
    const file = path.join(dir, 'runs');
    fs.writeFileSync(file, 'not a folder');
    for (const argv of [['list'], ['index'], ['train', '--trainer', process.execPath, '--', '-e', '0']]) {
      const r = await runCli(['--root', file, ...argv]);
      expect(r.exitCode, argv[0]).toBe(1);
      expect(r.stderr).toBe(
        `Error: the runs root ${file} is a file, not a folder; pass --root DIR (or set RUNS_ROOT) to the folder that holds your runs\n`,
      );
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('an index folder that cannot be created is one line with the fix (no --rebuild advice)', async () => {
    const tree = tempTree('runs-db-dir-');
    addRun(tree, '2026-06-01_00-00-01', { log: SHORT, manifest: completedManifest('2026-06-01_00-00-01') });
    const blocker = path.join(tree.dir, 'blocker');
    fs.writeFileSync(blocker, '');
    const db = path.join(blocker, 'sub', 'runs.db');
    const r = await runCli(['--root', tree.root, '--db', db, 'index']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `Error: cannot create the folder for the index ${db} (ENOTDIR); pass --db PATH (or set RUNS_DB) to a file in a folder you can write\n`,
    );
  });

  it('the default root is the nearest models/runs/mlx above the cwd (as git finds .git)', async () => {
    const project = tempDir('runs-project-');
    const root = path.join(project, 'models', 'runs', 'mlx');
    const id = '2026-06-02_00-00-01';
    addRun({ dir: project, root, db: '', flags: [] }, id, { log: SHORT, manifest: completedManifest(id) });
    const deep = path.join(project, 'src', 'deep');
    fs.mkdirSync(deep, { recursive: true });
    const r = await runCli(['list', '--json'], { cwd: deep, env: { RUNS_ROOT: '', RUNS_DB: '' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ id, path: path.join(root, id) }]);
    // No index there yet: the answer came from a temporary one, and none was created.
    expect(r.stderr).toBe(
      `note: no index at ${path.join(root, 'runs.db')} yet; answering from a temporary one (run \`runs index\` to create it)\n`,
    );
    expect(fs.readdirSync(root)).toEqual([id]);
    expect(fs.readdirSync(deep)).toEqual([]);
    // `runs index` (a command that exists to write) creates it where the default says.
    expect((await runCli(['index'], { cwd: deep, env: { RUNS_ROOT: '', RUNS_DB: '' } })).exitCode).toBe(0);
    expect(fs.existsSync(path.join(root, 'runs.db'))).toBe(true);
  });

  it('through the bundle: a root without an index answers every read command and creates nothing', () => {
    // The shipped bundle loads the index code lazily: check that path creates nothing either.
    const tree = tempTree('runs-bundle-noindex-');
    fs.rmSync(tree.db);
    for (const id of ['2026-06-03_00-00-01', '2026-06-03_00-00-02'])
      addRun(tree, id, { log: LONG, manifest: completedManifest(id) });
    const before = snapshot(tree.dir);
    const r = spawnSync(process.execPath, [BIN, ...tree.flags, 'list', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual([
      '2026-06-03_00-00-02',
      '2026-06-03_00-00-01',
    ]);
    expect(snapshot(tree.dir)).toEqual(before);
  });
});

describe("read commands never write a run's files (item 5, item 13)", () => {
  it("a dead recorder's run is shown crashed but run.json is left byte for byte; runs index records it (this host only)", async () => {
    const tree = tempTree('runs-never-write-');
    const DONE = '2026-07-01_00-00-01';
    const DEAD = '2026-07-01_00-00-02'; // this host, recorder pid gone
    const REUSED = '2026-07-01_00-00-03'; // this host, no heartbeat file, pid now an unrelated younger process
    const OTHER = '2026-07-01_00-00-04'; // copied from another host: stale, but never rewritten
    const host = os.hostname();
    const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      addRun(tree, DONE, { log: LONG, manifest: completedManifest(DONE, { host }) });
      const running = (id: string, over: Record<string, unknown>) =>
        completedManifest(id, {
          status: 'running',
          finished_at: null,
          exit_code: null,
          started_at: hourAgo(),
          host,
          ...over,
        });
      // Keys in an unusual order and extra keys: a rewrite would show.
      addRun(tree, DEAD, {
        log: SHORT,
        manifest: JSON.stringify({ zeta: 1, ...running(DEAD, { pid: deadPid() }) }, null, 4),
      });
      addRun(tree, REUSED, { log: SHORT, manifest: running(REUSED, { pid: unrelated.pid }) });
      addRun(tree, OTHER, { log: SHORT, manifest: running(OTHER, { host: 'another-host', pid: 1 }) });
      const before = snapshot(tree.root);

      for (const argv of readCommands(DONE, DEAD)) {
        const r = await runCli([...tree.flags, ...argv]);
        expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      }
      const list = await runCli([...tree.flags, 'list', '--json']);
      const status = Object.fromEntries(
        (JSON.parse(list.stdout) as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
      expect(status).toEqual({ [DONE]: 'completed', [DEAD]: 'crashed', [REUSED]: 'crashed', [OTHER]: 'crashed' });
      expect(snapshot(tree.root)).toEqual(before);

      // runs index writes the outcome into run.json for this host's runs, never for another host's.
      const index = await runCli([...tree.flags, 'index']);
      expect(index.exitCode, index.stderr).toBe(0);
      const manifest = (id: string) => JSON.parse(fs.readFileSync(path.join(tree.root, id, 'run.json'), 'utf8'));
      expect(manifest(DEAD)).toMatchObject({ zeta: 1, status: 'crashed' });
      expect(manifest(REUSED)).toMatchObject({ status: 'crashed' });
      expect(fs.readFileSync(path.join(tree.root, OTHER, 'run.json'), 'utf8')).toBe(
        Buffer.from(before[path.join(OTHER, 'run.json')]!, 'base64').toString('utf8'),
      );
      expect(fs.readFileSync(path.join(tree.root, DONE, 'run.json'), 'utf8')).toBe(
        Buffer.from(before[path.join(DONE, 'run.json')]!, 'base64').toString('utf8'),
      );
      const again = await runCli([...tree.flags, 'sql', 'select id, status from runs order by id', '--json']);
      expect(JSON.parse(again.stdout)).toEqual([
        { id: DONE, status: 'completed' },
        { id: DEAD, status: 'crashed' },
        { id: REUSED, status: 'crashed' },
        { id: OTHER, status: 'crashed' },
      ]);
    } finally {
      unrelated.kill('SIGKILL');
    }
  });
});

describe('one index belongs to one root (item 3) and follows it when it moves (item 4)', () => {
  it('a second root with the same --db is refused with what to do; the index is unchanged; --rebuild re-purposes it', async () => {
    const dir = tempDir('runs-two-roots-');
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const db = path.join(dir, 'shared.db');
    addRun({ dir, root: a, db, flags: [] }, '2026-08-01_00-00-01', {
      log: SHORT,
      manifest: completedManifest('2026-08-01_00-00-01'),
    });
    addRun({ dir, root: b, db, flags: [] }, '2026-08-02_00-00-01', {
      log: LONG,
      manifest: completedManifest('2026-08-02_00-00-01'),
    });
    expect((await runCli(['--root', a, '--db', db, 'index'])).exitCode).toBe(0);
    const before = fs.readFileSync(db);

    for (const argv of [['list'], ['show', 'latest'], ['index'], ['sql', 'select 1']]) {
      const r = await runCli(['--root', b, '--db', db, ...argv]);
      expect(r.exitCode, argv[0]).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `Error: the index ${db} belongs to the runs root ${a}, not ${b}: one index holds one root's runs; ` +
          `give this root its own index (drop --db / RUNS_DB to use ${path.join(b, 'runs.db')}), ` +
          `or run \`runs --root ${b} --db ${db} index --rebuild\` to make that index hold this root instead\n`,
      );
    }
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    const ownA = await runCli(['--root', a, '--db', db, 'list', '--json']);
    expect((JSON.parse(ownA.stdout) as { id: string }[]).map((r) => r.id)).toEqual(['2026-08-01_00-00-01']);

    const rebuild = await runCli(['--root', b, '--db', db, 'index', '--rebuild']);
    expect(rebuild.exitCode, rebuild.stderr).toBe(0);
    const ownB = await runCli(['--root', b, '--db', db, 'list', '--json']);
    expect(JSON.parse(ownB.stdout)).toMatchObject([
      { id: '2026-08-02_00-00-01', path: path.join(b, '2026-08-02_00-00-01') },
    ]);
  });

  it('a moved project (mv projA projB): paths follow the root the command was given', async () => {
    const dir = tempDir('runs-moved-');
    const rootA = path.join(dir, 'projA', 'models', 'runs', 'mlx');
    const id = '2026-08-03_00-00-01';
    addRun({ dir, root: rootA, db: '', flags: [] }, id, { log: SHORT, manifest: completedManifest(id) });
    expect(
      (await runCli(['index'], { cwd: path.join(dir, 'projA'), env: { RUNS_ROOT: '', RUNS_DB: '' } })).exitCode,
    ).toBe(0);

    fs.renameSync(path.join(dir, 'projA'), path.join(dir, 'projB'));
    const rootB = path.join(dir, 'projB', 'models', 'runs', 'mlx');
    const env = { RUNS_ROOT: '', RUNS_DB: '' };
    const cwd = path.join(dir, 'projB');

    const list = await runCli(['list', '--json'], { cwd, env });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, path: path.join(rootB, id) }]);
    const sql = await runCli(['sql', 'select path from runs', '--json'], { cwd, env });
    expect(JSON.parse(sql.stdout)).toEqual([{ path: path.join(rootB, id) }]);
    const index = await runCli(['index'], { cwd, env });
    expect(index.exitCode).toBe(0);
    const show = await runCli(['show', id, '--json'], { cwd, env });
    expect(JSON.parse(show.stdout)).toMatchObject({ path: path.join(rootB, id) });
  });

  it("a copied project: the copy's index (inside its root) follows the copy, the original keeps its own", async () => {
    const dir = tempDir('runs-copied-');
    const rootA = path.join(dir, 'projA', 'models', 'runs', 'mlx');
    const id = '2026-08-04_00-00-01';
    addRun({ dir, root: rootA, db: '', flags: [] }, id, { log: SHORT, manifest: completedManifest(id) });
    expect((await runCli(['--root', rootA, 'index'], { env: { RUNS_DB: '' } })).exitCode).toBe(0);
    fs.cpSync(path.join(dir, 'projA'), path.join(dir, 'projB'), { recursive: true });
    const rootB = path.join(dir, 'projB', 'models', 'runs', 'mlx');

    const b = await runCli(['--root', rootB, 'list', '--json'], { env: { RUNS_DB: '' } });
    expect(b.exitCode, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject([{ path: path.join(rootB, id) }]);
    const a = await runCli(['--root', rootA, 'list', '--json'], { env: { RUNS_DB: '' } });
    expect(JSON.parse(a.stdout)).toMatchObject([{ path: path.join(rootA, id) }]);
  });
});

describe('an index in a synced or network folder uses a rollback journal (item 17)', () => {
  it.each([
    ['Dropbox', ['Dropbox', 'proj']],
    ['iCloud Drive', ['Library', 'Mobile Documents', 'com~apple~CloudDocs', 'proj']],
    ['OneDrive', ['OneDrive - Acme', 'proj']],
  ])('%s: journal_mode is delete, with one notice; a local index stays WAL', async (what, segments) => {
    const dir = tempDir('runs-synced-');
    const root = path.join(dir, ...segments, 'models', 'runs', 'mlx');
    const id = '2026-09-01_00-00-01';
    addRun({ dir, root, db: '', flags: [] }, id, { log: LONG, manifest: completedManifest(id) });
    const db = path.join(root, 'runs.db');
    const r = await runCli(['--root', root, 'index'], { env: { RUNS_DB: '' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note:'));
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^note: the index ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in ${what}.*uses a rollback journal`,
        ),
      ),
    ]);
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('delete');
    sqlite.close();
    const list = await runCli(['--root', root, 'list', '--json'], { env: { RUNS_DB: '' } });
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, best_val_loss: 1.071 }]);
  });

  it('a local index is WAL and says nothing', async () => {
    const tree = tempTree('runs-local-');
    addRun(tree, '2026-09-02_00-00-01', { log: SHORT, manifest: completedManifest('2026-09-02_00-00-01') });
    const r = await runCli([...tree.flags, 'index']);
    expect(r.stderr).not.toContain('note:');
    const sqlite = new Database(tree.db, { readonly: true });
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    sqlite.close();
  });
});

describe('`latest` and `runs show latest` name the run started last, by started_at in UTC (item 12)', () => {
  // Folder names are local time: at a DST fall-back (01:45 EDT, then 01:15 EST 30 minutes later)
  // or after flying west they run backwards; started_at does not.
  it.each([
    [
      'a DST fall-back',
      { id: '2026-11-01_01-45-00', started_at: '2026-11-01T05:45:00.000Z' },
      { id: '2026-11-01_01-15-00', started_at: '2026-11-01T06:15:00.000Z' },
    ],
    [
      'a time-zone change (Berlin, then San Francisco)',
      { id: '2026-11-20_18-00-00', started_at: '2026-11-20T17:00:00.000Z' },
      { id: '2026-11-20_10-30-00', started_at: '2026-11-20T18:30:00.000Z' },
    ],
  ])('after %s, in either order of linking', async (_what, first, second) => {
    const { pointLatestAt } = await import('../../src/storage/latest-link.js');
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const tree = tempTree('runs-latest-');
      for (const run of [first, second])
        addRun(tree, run.id, { log: SHORT, manifest: completedManifest(run.id, { started_at: run.started_at }) });
      for (const run of order) pointLatestAt(tree.root, run.id);
      expect(fs.readlinkSync(path.join(tree.root, 'latest'))).toBe(second.id);
      const show = await runCli([...tree.flags, 'show', 'latest', '--json']);
      expect(show.exitCode, show.stderr).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ id: second.id });
      const before = await runCli([...tree.flags, 'show', 'latest~1', '--json']);
      expect(JSON.parse(before.stdout)).toMatchObject({ id: first.id });
    }
  });
});
