// Bad input, nothing lost (issue #6, items 4, 5 and the symlink part of 7): `runs index` over run
// folders that are broken on purpose finishes, warns once per problem naming the folder and the
// fix, indexes everything else, and never modifies or deletes a run's files. The index itself is
// disposable: deleted or garbage, it is rebuilt with the same rows.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { dumpIndex } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log'; // 100 train + 11 val + 1 test
const SHORT = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log'; // 12 train + 1 val
const RESUMED = '13-mlxlm-0.29-resumed-fine-tuned-weights.log'; // 20 train + 5 val

// ---------------------------------------------------------------------------------------------
// helpers

// These trees are big (a 10 MB line, 2 MB of garbage, 300 runs): remove them when the file is done.
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function tempTree(prefix: string): Tree {
  const tree = makeTree(prefix);
  made.push(tree.dir);
  return tree;
}

type Entry =
  { kind: 'file'; bytes: Buffer } | { kind: 'dir' } | { kind: 'symlink'; target: string } | { kind: 'other' };

/** Every path under `dir` (not following symlinks) with its type and content. */
function snapshot(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) out.set(rel, { kind: 'symlink', target: fs.readlinkSync(abs) });
    else if (st.isFile()) out.set(rel, { kind: 'file', bytes: fs.readFileSync(abs) });
    else if (st.isDirectory()) {
      if (rel !== '') out.set(rel, { kind: 'dir' });
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    } else out.set(rel, { kind: 'other' });
  };
  walk('');
  return out;
}

/** Same paths, same types, same bytes (a Buffer-free diff keeps failures readable). */
function expectSameTree(after: Map<string, Entry>, before: Map<string, Entry>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  const changed = [...before].filter(([rel, e]) => {
    const a = after.get(rel)!;
    if (a.kind !== e.kind) return true;
    if (a.kind === 'file' && e.kind === 'file') return !a.bytes.equals(e.bytes);
    if (a.kind === 'symlink' && e.kind === 'symlink') return a.target !== e.target;
    return false;
  });
  expect(changed.map(([rel]) => rel)).toEqual([]);
}

function query<T>(tree: Tree, sql: string, ...params: unknown[]): T[] {
  const db = new Database(tree.db, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function metricCounts(tree: Tree): Record<string, number> {
  const rows = query<{ id: string; n: number }>(
    tree,
    'select r.id, (select count(*) from metrics m where m.run_id = r.id) as n from runs r order by r.id',
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.n]));
}

const dump = (tree: Tree) => dumpIndex(tree.db);

const warningLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning:'));
/** A warning says how to fix what it reports. */
const SAYS_HOW_TO_FIX = /\b(fix|move|rename|remove|replace|delete|restore|run `runs)\b/i;

/** Deterministic bytes (a xorshift stream): "random" garbage that fails the same way every time. */
function garbage(n: number, seed = 0x9e3779b9): Buffer {
  const buf = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

// ---------------------------------------------------------------------------------------------
// item 4: broken folders

describe('runs index over broken run folders', () => {
  const GOOD = '2026-01-01_00-00-01';
  const ADOPTED = '2026-01-01_00-00-02';
  // Problems: each must get exactly one warning that names its folder and says how to fix it.
  const TRUNCATED = '2026-01-02_00-00-01';
  const NOT_JSON = '2026-01-02_00-00-02';
  const WRONG_TYPES = '2026-01-02_00-00-03';
  const HUGE = '2026-01-02_00-00-04';
  const MANIFEST_IS_DIR = '2026-01-02_00-00-05';
  const LOG_IS_DIR = '2026-01-02_00-00-06';
  const ADAPTER_CONFIG_IS_DIR = '2026-01-02_00-00-07';
  const PROBLEMS = [TRUNCATED, NOT_JSON, WRONG_TYPES, HUGE, MANIFEST_IS_DIR, LOG_IS_DIR, ADAPTER_CONFIG_IS_DIR];
  // Odd but not wrong: indexed with what the log holds (a warning is allowed, not required).
  const EMPTY_LOG = '2026-01-03_00-00-01';
  const BINARY_LOG = '2026-01-03_00-00-02';
  const LONG_LINE = '2026-01-03_00-00-03';
  const NON_UTF8 = '2026-01-03_00-00-04';

  function brokenTree(): Tree {
    const tree = tempTree('runs-bad-input-');
    addRun(tree, GOOD, { log: LONG, manifest: completedManifest(GOOD) });
    addRun(tree, ADOPTED, { log: RESUMED });

    const short = fixtureBytes(SHORT);
    addRun(tree, TRUNCATED, { log: short, manifest: JSON.stringify(completedManifest(TRUNCATED)).slice(0, 57) });
    addRun(tree, NOT_JSON, { log: short, manifest: 'status: completed\nthis is YAML, not JSON\n' });
    addRun(tree, WRONG_TYPES, {
      log: short,
      manifest: completedManifest(WRONG_TYPES, { iters: 'many', tags: 'best', exit_code: '0' }),
    });
    // Valid JSON, just far too big to be an honest run.json (5 MB).
    addRun(tree, HUGE, {
      log: short,
      manifest: JSON.stringify({ ...completedManifest(HUGE), blob: 'x'.repeat(5 * 1024 * 1024) }),
    });
    // An unreadable file: as root permissions do not stop reads, so a directory stands where a file is expected.
    const d1 = addRun(tree, MANIFEST_IS_DIR, { log: short });
    fs.mkdirSync(path.join(d1, 'run.json'));
    const d2 = addRun(tree, LOG_IS_DIR, { manifest: completedManifest(LOG_IS_DIR) });
    fs.mkdirSync(path.join(d2, 'train.log'));
    const d3 = addRun(tree, ADAPTER_CONFIG_IS_DIR, { log: short, manifest: completedManifest(ADAPTER_CONFIG_IS_DIR) });
    fs.mkdirSync(path.join(d3, 'adapters', 'adapter_config.json'));

    addRun(tree, EMPTY_LOG, { log: Buffer.alloc(0) });
    addRun(tree, BINARY_LOG, { log: garbage(2 * 1024 * 1024), manifest: completedManifest(BINARY_LOG) });
    // A 10 MB line without a newline in it, between two halves of a real log.
    const cut = short.indexOf('Iter 30:');
    addRun(tree, LONG_LINE, {
      log: Buffer.concat([
        short.subarray(0, cut),
        Buffer.alloc(10 * 1024 * 1024, 'y'),
        Buffer.from('\n'),
        short.subarray(cut),
      ]),
    });
    // Latin-1 and broken UTF-8 between (and before) real lines; run.json with a Latin-1 note.
    const lines = fixtureBytes(LONG).toString('latin1').split('\n');
    const mangled = lines.map((l, i) => (i % 10 === 3 ? `\xff\xfe\xc3\x28 caf\xe9 \x80\x81\n${l}` : l)).join('\n');
    addRun(tree, NON_UTF8, { log: Buffer.from(mangled, 'latin1') });
    fs.writeFileSync(
      path.join(tree.root, NON_UTF8, 'run.json'),
      Buffer.from(JSON.stringify(completedManifest(NON_UTF8, { note: 'caf\xe9 cr\xe8me' })), 'latin1'),
    );
    return tree;
  }

  describe('one `runs index` over all of them', () => {
    let tree: Tree;
    let before: Map<string, Entry>;
    let r: Awaited<ReturnType<typeof runCli>>;
    const allIds = [GOOD, ADOPTED, ...PROBLEMS, EMPTY_LOG, BINARY_LOG, LONG_LINE, NON_UTF8].sort();
    beforeAll(async () => {
      tree = brokenTree();
      before = snapshot(tree.root);
      r = await runCli([...tree.flags, 'index']);
    });

    it('finishes: exit 0, nothing on stdout, no error', () => {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/internal error|^Error:/m);
      expect(r.stderr).toMatch(/^indexed 13 runs /m);
    });

    it('warns exactly once per problem, naming the folder and saying how to fix it', () => {
      const warnings = warningLines(r.stderr);
      const report = PROBLEMS.map((id) => {
        const about = warnings.filter((w) => w.includes(`${id}/`) || w.includes(`${id}:`));
        return { id, warnings: about.length, saysHowToFix: about.every((w) => SAYS_HOW_TO_FIX.test(w)) };
      });
      expect(report, r.stderr).toEqual(PROBLEMS.map((id) => ({ id, warnings: 1, saysHowToFix: true })));
      // Nothing about the healthy runs, and every warning is about some folder.
      for (const id of [GOOD, ADOPTED]) expect(warnings.filter((w) => w.includes(id))).toEqual([]);
      for (const w of warnings)
        expect(
          allIds.some((id) => w.includes(id)),
          w,
        ).toBe(true);
    });

    it('indexes every folder, the broken ones from what is still readable', () => {
      expect(metricCounts(tree)).toEqual({
        [GOOD]: 112,
        [ADOPTED]: 25,
        [TRUNCATED]: 13,
        [NOT_JSON]: 13,
        [WRONG_TYPES]: 13,
        [HUGE]: 13,
        [MANIFEST_IS_DIR]: 13,
        [LOG_IS_DIR]: 0,
        [ADAPTER_CONFIG_IS_DIR]: 13,
        [EMPTY_LOG]: 0,
        [BINARY_LOG]: 0,
        [LONG_LINE]: 13,
        [NON_UTF8]: 112,
      });
      const rows = query<{ id: string; status: string; note: string | null; best_val_loss: number | null }>(
        tree,
        'select id, status, note, best_val_loss from runs order by id',
      );
      const row = (id: string) => rows.find((x) => x.id === id);
      expect(row(GOOD)).toMatchObject({ status: 'completed', best_val_loss: 1.071 });
      expect(row(NON_UTF8)).toMatchObject({ status: 'completed', best_val_loss: 1.071 });
      expect(row(NON_UTF8)!.note).toMatch(/^caf.+ cr.+me$/);
      expect(row(LOG_IS_DIR)).toMatchObject({ status: 'completed' });
      expect(row(LONG_LINE)).toMatchObject({ best_val_loss: expect.any(Number) });
    });

    it('changes, adds and removes no file under the root', () => {
      expectSameTree(snapshot(tree.root), before);
    });

    it('the read commands keep working over the same tree, still without touching it', async () => {
      const list = await runCli([...tree.flags, 'list', '--json']);
      expect(list.exitCode).toBe(0);
      expect((JSON.parse(list.stdout) as { id: string }[]).map((x) => x.id).sort()).toEqual(allIds);
      const show = await runCli([...tree.flags, 'show', TRUNCATED, '--json']);
      expect(show.exitCode).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ id: TRUNCATED, last_iter: 60 });
      expectSameTree(snapshot(tree.root), before);
    });
  });

  it('a dangling `latest` is reported with the fix and left alone; the runs are indexed', async () => {
    const tree = tempTree('runs-bad-input-');
    addRun(tree, GOOD, { log: LONG, manifest: completedManifest(GOOD) });
    fs.symlinkSync('2026-09-09_09-09-09', path.join(tree.root, 'latest')); // that run was deleted by hand
    const before = snapshot(tree.root);

    const r = await runCli([...tree.flags, 'index']);

    expect(r.exitCode).toBe(0);
    expect(metricCounts(tree)).toEqual({ [GOOD]: 112 });
    const about = warningLines(r.stderr).filter((w) => /\blatest\b/.test(w));
    expect(about, r.stderr).toHaveLength(1);
    expect(about[0]).toContain('2026-09-09_09-09-09');
    expect(about[0]).toMatch(SAYS_HOW_TO_FIX);
    expectSameTree(snapshot(tree.root), before);
    // `latest` as a reference still means the newest run the index knows.
    const show = await runCli([...tree.flags, 'show', 'latest', '--json']);
    expect(show.exitCode).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: GOOD });
  });

  it('a run folder deleted or renamed while `runs index` scans: exit 0, a consistent index either way', async () => {
    // A child process: the scan is synchronous, so only a separate process lets folders vanish
    // between the directory listing and the reads, as a user's `rm -r` or `mv` would.
    const tree = tempTree('runs-bad-input-race-');
    const log = fixtureBytes(LONG);
    const ids = Array.from(
      { length: 300 },
      (_, i) => `2026-02-01_00-${String(Math.floor(i / 60)).padStart(2, '0')}-${String(i % 60).padStart(2, '0')}`,
    );
    // Victims spread over the scan order: 10 folders renamed back and forth (`<id>` ⇄ `<id>_moved`)
    // for as long as the scan runs, and 20 more deleted one by one. A toggled run's run.json is
    // large (3 MB, still valid): reading it takes the scan long enough between looking at the
    // folder and opening its train.log that the folder moves in between most of the time.
    const toggled = ids.filter((_, i) => i % 30 === 7);
    const doomed = ids.filter((_, i) => i % 15 === 11);
    for (const id of ids) {
      const padding = toggled.includes(id) ? { padding: 'p'.repeat(3 * 1024 * 1024) } : {};
      addRun(tree, id, { log, manifest: completedManifest(id, padding) });
    }
    const before = snapshot(tree.root);
    const nameOf = new Map(toggled.map((id) => [id, id]));
    const deleted = new Set<string>();

    fs.rmSync(tree.db); // so its appearance below says the child has started
    const child = spawn(process.execPath, [BIN, ...tree.flags, 'index'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.resume();
    let exited = false;
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))).finally(
      () => (exited = true),
    );
    // Start once the child has opened the index (its scan follows), and go on until it is done.
    while (!exited && !fs.existsSync(tree.db)) await new Promise((res) => setTimeout(res, 2));
    let rounds = 0;
    while (!exited) {
      for (const id of toggled) {
        const from = nameOf.get(id)!;
        const to = from === id ? `${id}_moved` : id;
        fs.renameSync(path.join(tree.root, from), path.join(tree.root, to));
        nameOf.set(id, to);
      }
      if (rounds % 10 === 0 && deleted.size < doomed.length) {
        const id = doomed[deleted.size]!;
        fs.rmSync(path.join(tree.root, id), { recursive: true });
        deleted.add(id);
      }
      rounds++;
      await new Promise((res) => setImmediate(res));
    }
    const code = await exit;

    expect(rounds).toBeGreaterThan(0); // the folders did move while the child ran
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/internal error|^Error:/m);
    // Either way: every untouched run is fully indexed; a victim is in under a name it had, or
    // not at all (gone when its turn came); no rows without their run.
    const counts = metricCounts(tree);
    const victims = new Set([...toggled, ...doomed]);
    for (const id of ids) if (!victims.has(id)) expect(counts[id], id).toBe(112);
    const allowed = new Set([...ids, ...toggled.map((id) => `${id}_moved`)]);
    for (const [id, n] of Object.entries(counts)) {
      expect(allowed.has(id), id).toBe(true);
      expect(n, id).toBe(112);
    }
    // …and read whole: its run.json and its train.log from the same folder (all say completed).
    expect(query(tree, "select id, status from runs where status <> 'completed'")).toEqual([]);
    expect(query(tree, 'select distinct run_id from metrics where run_id not in (select id from runs)')).toEqual([]);
    expect(query(tree, 'select distinct run_id from checkpoints where run_id not in (select id from runs)')).toEqual(
      [],
    );

    // The next pass makes the index match the folders exactly.
    const again = await runCli([...tree.flags, 'index']);
    expect(again.exitCode).toBe(0);
    expect(warningLines(again.stderr)).toEqual([]);
    const now = ids
      .filter((id) => !deleted.has(id))
      .map((id) => nameOf.get(id) ?? id)
      .sort();
    expect(Object.keys(metricCounts(tree)).sort()).toEqual(now);
    expect(Object.values(metricCounts(tree)).every((n) => n === 112)).toBe(true);

    // The remaining folders hold exactly the bytes they held (renamed ones under their new name).
    const expected = new Map<string, Entry>();
    for (const [rel, e] of before) {
      const [top, ...rest] = rel.split(path.sep);
      if (deleted.has(top!)) continue;
      expected.set(path.join(nameOf.get(top!) ?? top!, ...rest), e);
    }
    const after = snapshot(tree.root);
    expectSameTree(after, new Map([...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }, 180_000); // 300 runs and a child process: tens of seconds on 2 shared cores (a hang guard only)
});

// ---------------------------------------------------------------------------------------------
// item 5: the index is disposable

describe('the index is disposable', () => {
  function fixtureTree(): Tree {
    const tree = tempTree('runs-disposable-');
    addRun(tree, '2026-03-01_00-00-01', {
      log: LONG,
      manifest: completedManifest('2026-03-01_00-00-01', {
        model: 'acme/tiny',
        lora_rank: 8,
        tags: ['a', 'b'],
        note: 'n',
      }),
      adapterConfig: { model: 'acme/tiny', lora_parameters: { rank: 8, scale: 20, dropout: 0 }, iters: 1000 },
      config: 'model: acme/tiny\niters: 1000\nlora_parameters: {rank: 8, scale: 20.0}\n',
    });
    addRun(tree, '2026-03-01_00-00-02', { log: RESUMED });
    addRun(tree, '2026-03-01_00-00-03', {
      log: '16-mlxlm-0.28-crlf-line-endings.log',
      manifest: completedManifest('2026-03-01_00-00-03', { status: 'failed', exit_code: 1 }),
    });
    addRun(tree, '2026-03-01_00-00-04', { log: '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log' });
    return tree;
  }

  it('delete runs.db (and -wal/-shm): runs index rebuilds the same runs, metrics, params and checkpoints', async () => {
    const tree = fixtureTree();
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const first = dump(tree);
    expect(first.runs).toHaveLength(4);
    expect(first.metrics.length).toBeGreaterThan(150);
    expect(first.params.length).toBeGreaterThan(0);
    expect(first.checkpoints.length).toBeGreaterThan(0);
    const before = snapshot(tree.root);

    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(tree.db + suffix, { force: true });
    const r = await runCli([...tree.flags, 'index']);

    expect(r.exitCode).toBe(0);
    expect(warningLines(r.stderr)).toEqual([]);
    expect(dump(tree)).toEqual(first);
    const rebuilt = await runCli([...tree.flags, 'index', '--rebuild']);
    expect(rebuilt.exitCode).toBe(0);
    expect(dump(tree)).toEqual(first);
    expectSameTree(snapshot(tree.root), before);
  });

  // Issue 10 item 2: only a file that is recognisably a runs index may be moved aside; a garbage
  // runs.db, a `--db package-lock.json` or another program's database is refused, byte for byte.
  it.each([
    ['2 MB of garbage bytes', garbage(2 * 1024 * 1024, 7)],
    ['a short text file', Buffer.from('this is not a database\n')],
    ['a truncated SQLite header', Buffer.from('SQLite format 3\0garbage')],
  ])('a runs.db that is %s is refused with one line and left exactly as it is', async (_what, bytes) => {
    const tree = fixtureTree();
    const before = snapshot(tree.root);
    fs.writeFileSync(tree.db, bytes);

    for (const argv of [['index'], ['list', '--json'], ['sql', 'select 1']]) {
      const r = await runCli([...tree.flags, ...argv]);
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^Error: ${tree.db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a runs index \\(.+\\); it was left as it is: pass --db PATH`,
        ),
      );
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(fs.readFileSync(tree.db).equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(tree.db)).filter((f) => f.startsWith(path.basename(tree.db)))).toEqual([
      path.basename(tree.db),
    ]);
    expectSameTree(snapshot(tree.root), before);
  });

  it("--db at a file of the user (package-lock.json) or another program's SQLite database changes nothing", async () => {
    const tree = fixtureTree();
    const lock = path.join(tree.dir, 'package-lock.json');
    fs.writeFileSync(lock, JSON.stringify({ name: 'x', lockfileVersion: 3, packages: {} }, null, 2));
    const other = path.join(tree.dir, 'notes.sqlite');
    const db = new Database(other);
    db.exec("create table notes (id integer primary key, text text); insert into notes (text) values ('keep me')");
    db.close();
    // Another program's tables that share a name with ours (a `runs` table of its own).
    const sameName = path.join(tree.dir, 'experiments.sqlite');
    const db2 = new Database(sameName);
    db2.exec("create table runs (id text, x integer); insert into runs values ('a', 1); create table checkpoints (n)");
    db2.close();
    const targets = [lock, other, sameName];
    const bytes = targets.map((t) => fs.readFileSync(t));

    for (const target of targets) {
      for (const argv of [['sql', 'select 1'], ['index'], ['index', '--rebuild'], ['list'], ['tag', 'x', 'y']]) {
        const r = await runCli(['--root', tree.root, '--db', target, ...argv]);
        expect(r.exitCode, `${target} ${argv.join(' ')}`).toBe(1);
        expect(r.stderr).toMatch(
          /^Error: .+ is not a runs index \((not a SQLite database|a SQLite database of another program \(tables: (notes|runs, checkpoints)\))\); it was left as it is/,
        );
      }
    }
    targets.forEach((t, i) => expect(fs.readFileSync(t).equals(bytes[i]!), t).toBe(true));
    expect(fs.readdirSync(tree.dir).sort()).toEqual(
      ['experiments.sqlite', 'notes.sqlite', 'package-lock.json', 'runs', 'runs.db'].sort(),
    );
  });

  it('a damaged runs index (its tables are ours) is moved aside with one warning and rebuilt', async () => {
    const tree = fixtureTree();
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const first = dump(tree);
    const before = snapshot(tree.root);
    // Checkpoint the WAL into the file, then cut the file after its first pages (the schema survives).
    const sqlite = new Database(tree.db);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    for (const suffix of ['-wal', '-shm']) fs.rmSync(tree.db + suffix, { force: true });
    const bytes = fs.readFileSync(tree.db).subarray(0, 3 * 4096);
    fs.writeFileSync(tree.db, bytes);

    const r = await runCli([...tree.flags, 'index']);

    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|^Error:/m);
    const warnings = warningLines(r.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${tree.db} is a damaged runs index`);
    const aside = /moved it to (\S+)/.exec(warnings[0]!)?.[1];
    expect(aside, warnings[0]).toBeDefined();
    expect(fs.readFileSync(aside!).equals(bytes)).toBe(true); // kept, byte for byte, for whoever wants to look
    expect(dump(tree)).toEqual(first);
    expectSameTree(snapshot(tree.root), before);

    // The next command finds a healthy index and says nothing more.
    const list = await runCli([...tree.flags, 'list', '--json']);
    expect(list.exitCode).toBe(0);
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout)).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------
// item 7: a symlinked run folder pointing outside the root

describe('symlinks out of the root (item 7)', () => {
  it('a symlinked run folder (and a `latest` pointing outside) is ignored, never followed', async () => {
    const tree = tempTree('runs-symlink-');
    const REAL = '2026-04-01_00-00-01';
    const LINKED = '2026-04-02_00-00-01'; // newer than REAL: would become `latest` if it were a run
    addRun(tree, REAL, { log: SHORT, manifest: completedManifest(REAL) });
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-outside-'));
    made.push(outside);
    fs.writeFileSync(path.join(outside, 'train.log'), fixtureBytes(LONG));
    fs.writeFileSync(path.join(outside, 'run.json'), JSON.stringify(completedManifest(LINKED)));
    fs.symlinkSync(outside, path.join(tree.root, LINKED));
    fs.symlinkSync(outside, path.join(tree.root, 'latest'));
    const beforeRoot = snapshot(tree.root);
    const beforeOutside = snapshot(outside);

    const r = await runCli([...tree.flags, 'index']);
    expect(r.exitCode).toBe(0);
    expect(metricCounts(tree)).toEqual({ [REAL]: 13 });

    const list = await runCli([...tree.flags, 'list', '--json']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((x) => x.id)).toEqual([REAL]);
    const show = await runCli([...tree.flags, 'show', LINKED]);
    expect(show.exitCode).toBe(1);
    expect(show.stdout).toBe('');
    expect(show.stderr).toMatch(/no run matches "2026-04-02_00-00-01"/);
    const latest = await runCli([...tree.flags, 'show', 'latest', '--json']);
    expect(latest.exitCode).toBe(0);
    expect(JSON.parse(latest.stdout)).toMatchObject({ id: REAL });
    const sql = await runCli([
      ...tree.flags,
      'sql',
      `select count(*) as n from runs where path like '${outside}%'`,
      '--json',
    ]);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 0 }]);

    expectSameTree(snapshot(tree.root), beforeRoot);
    expectSameTree(snapshot(outside), beforeOutside);
  });
});

describe('hostile --where (cases tests/cli/commands.test.ts does not have)', () => {
  // A filter that fails when it runs (not when it is prepared) is still a bad filter: exit 2 and a
  // message about --where, not "the index database failed … runs index --rebuild".
  it.each([["load_extension('/tmp/evil.so') is null"], ['randomblob(2000000000) is null']])(
    '--where %j is refused as a bad filter (exit 2) and the index is unchanged',
    async (expr) => {
      const tree = tempTree('runs-where-');
      addRun(tree, '2026-05-01_00-00-01', { log: SHORT, manifest: completedManifest('2026-05-01_00-00-01') });
      expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
      const before = fs.readFileSync(tree.db);

      const r = await runCli([...tree.flags, 'list', '--where', expr]);

      expect(r.stdout).toBe('');
      expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({
        exitCode: 2,
        stderr: expect.stringMatching(/^Error: --where/),
      });
      expect(r.stderr).not.toContain('--rebuild');
      expect(fs.readFileSync(tree.db).equals(before)).toBe(true);
    },
  );
});

describe('--where cannot break out of its WHERE, in any SQLite quoting form (issue #10, item 10)', () => {
  let tree: Tree;
  const R1 = '2026-05-02_00-00-01';
  const R2 = '2026-05-02_00-00-02';
  beforeAll(async () => {
    tree = tempTree('runs-where-quoting-');
    addRun(tree, R1, { log: SHORT, manifest: completedManifest(R1, { lora_rank: 8, note: "it's )" }) });
    addRun(tree, R2, {
      log: SHORT,
      manifest: completedManifest(R2, { lora_rank: 16, status: 'failed', exit_code: 1 }),
    });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
  });

  // Each hides a `)` (or `--`) from a checker that only knows '…' and "…": inside […], `…`, a
  // doubled quote, or a quote inside another form. Reading as SQLite does, each is refused.
  it.each([
    ["exists(select 1 as [']) ) union all select * from runs -- ')"],
    ["exists(select 1 as `'`) ) union all select * from runs -- ')"],
    ['exists(select 1 as ["]) ) union all select * from runs -- ")'],
    ['exists(select 1 as `"`) ) union all select * from runs -- ")'],
    ["note = 'a''' ) union all select * from runs where ('1"],
    ['"a""" = 1) union all select * from runs where (1'],
    ["[x'] = 1) union all select * from runs where ([y']"],
    ['1) or (1'],
    ['1 = 1) order by id limit 1 offset (0'],
    ['1) group by status having (1'],
    ['lora_rank > 1 -- )'],
    ['lora_rank > 1 /* ) */'],
    ['lora_rank > [1'],
    ['lora_rank > `1'],
    ["note = 'x"],
    ['1; select 1'],
  ])('%j is refused (exit 2, nothing printed, index unchanged)', async (expr) => {
    const before = fs.readFileSync(tree.db);
    for (const flags of [[], ['--status', 'completed'], ['--sort', 'val_loss', '--limit', '1']]) {
      const r = await runCli([...tree.flags, 'list', ...flags, '--where', expr, '--json']);
      expect({ flags, exitCode: r.exitCode, stdout: r.stdout }).toEqual({ flags, exitCode: 2, stdout: '' });
      expect(r.stderr).toMatch(/^Error: --where [^\n]*\n$/);
    }
    expect(fs.readFileSync(tree.db).equals(before)).toBe(true);
  });

  // The same quoting forms used honestly still work, and --status / order still apply.
  it.each([
    ['[lora_rank] >= 8', [R1]],
    ['`lora_rank` >= 16 or 1', [R1]],
    ['"lora_rank" = 8', [R1]],
    ["note = 'it''s )'", [R1]],
    ["note like '%)%' and note not like '%--%'", [R1]],
    ['exists(select 1 as [)] from runs r2 where r2.id = runs.id)', [R1]],
    ['(select count(*) from (select 1 union all select 2)) = 2', [R1]],
  ])('%j is one filter expression', async (expr, ids) => {
    const r = await runCli([...tree.flags, 'list', '--status', 'completed', '--where', expr, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual(ids);
  });
});

describe('hostile --config for runs train (issue 10 item 14)', () => {
  // A YAML alias bomb (a billion laughs) is valid YAML that the parser refuses on purpose, and
  // deep nesting overflows the stack: both are the user's file, said in one line, with no run made.
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat('bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
    .join('\n');
  it.each([
    [
      'an alias bomb',
      bomb,
      /^Error: --config (.+) cannot be used: Excessive alias count indicates a resource exhaustion attack; write the trainer options as plain key: value lines\n$/,
    ],
    [
      '100,000 levels of nesting',
      `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      /^Error: --config (.+) (cannot be used: it is nested too deeply|is not valid YAML).*\n$/,
    ],
  ])('%s: exit 1, one line, no run folder', async (_what, text, message) => {
    const tree = tempTree('runs-config-bomb-');
    const config = path.join(tree.dir, 'lora.yaml');
    fs.writeFileSync(config, text);
    const r = await runCli([
      ...tree.flags,
      'train',
      '--config',
      config,
      '--trainer',
      process.execPath,
      '--',
      '-e',
      '0',
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(fs.readdirSync(tree.root)).toEqual([]);
  });
});
