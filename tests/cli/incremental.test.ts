// Incremental indexing on a real tree and a real SQLite file.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dumpIndex } from '../helpers/index-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';

const dump = (tree: Tree) => dumpIndex(tree.db);

function count(tree: Tree, sql: string): number {
  const db = new Database(tree.db, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('incremental index', () => {
  it('reads only the appended part of a growing log', async () => {
    const tree = makeTree();
    const bytes = fixtureBytes(LONG);
    // Cut in the middle of a line: the unfinished line must not become a wrong row.
    const cut = bytes.indexOf('Iter 500: Train loss') + 'Iter 500: Train lo'.length;
    const dir = addRun(tree, '2026-01-01_00-00-00', {
      log: bytes.subarray(0, cut),
      manifest: completedManifest('2026-01-01_00-00-00'),
    });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const before = count(tree, "select count(*) as n from metrics where split = 'train'");
    expect(before).toBe(49);

    fs.appendFileSync(path.join(dir, 'train.log'), bytes.subarray(cut));
    const second = await runCli([...tree.flags, 'index']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toMatch(/1 changed/);
    expect(second.stderr).toMatch(/ 5\d metric rows/); // only the appended records were inserted
    const fresh = makeTree();
    addRun(fresh, '2026-01-01_00-00-00', { log: bytes, manifest: completedManifest('2026-01-01_00-00-00') });
    await runCli([...fresh.flags, 'index']);
    const a = dump(tree);
    const b = dump(fresh);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.checkpoints).toEqual(b.checkpoints);
    expect(a.runs.map((r) => ({ ...r, path: undefined }))).toEqual(b.runs.map((r) => ({ ...r, path: undefined })));
  });

  it('keeps up with a log that grows over many passes', async () => {
    const tree = makeTree();
    const bytes = fixtureBytes(LONG);
    const dir = addRun(tree, '2026-01-01_00-00-00', { log: Buffer.alloc(0) });
    const log = path.join(dir, 'train.log');
    // Seven appends of uneven sizes, some ending mid-line, with an index pass after each.
    const cuts = [1000, 1001, 4000, 4100, 9000, 13000, bytes.length];
    let from = 0;
    for (const cut of cuts) {
      fs.appendFileSync(log, bytes.subarray(from, cut));
      from = cut;
      expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
      const lines = bytes.subarray(0, cut).toString('utf8').split('\n');
      const complete = lines.slice(0, -1).filter((l) => l.includes(': Train loss ')).length;
      const train = count(tree, "select count(*) as n from metrics where split = 'train'");
      // Every complete train line is in; a cut-off last line may add one (it is re-derived later).
      expect(train - complete).toBeGreaterThanOrEqual(0);
      expect(train - complete).toBeLessThanOrEqual(1);
    }
    expect(count(tree, "select count(*) as n from metrics where split = 'train'")).toBe(100);
    expect(count(tree, 'select count(*) as n from metrics')).toBe(112);
    expect(count(tree, 'select count(*) as n from checkpoints')).toBe(10);
  });

  it('runs list alone notices folders added, removed and renamed', async () => {
    const tree = makeTree();
    const ids = async () =>
      (JSON.parse((await runCli([...tree.flags, 'list', '--json'])).stdout) as { id: string }[]).map((r) => r.id);
    addRun(tree, '2026-01-01_00-00-00', { log: LONG });
    expect(await ids()).toEqual(['2026-01-01_00-00-00']);
    expect(await ids()).toEqual(['2026-01-01_00-00-00']); // unchanged listing: the cheap path
    addRun(tree, '2026-01-01_00-00-01', { log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log' });
    expect(await ids()).toEqual(['2026-01-01_00-00-01', '2026-01-01_00-00-00']);
    fs.renameSync(path.join(tree.root, '2026-01-01_00-00-00'), path.join(tree.root, '2026-01-01_00-00-02'));
    expect(await ids()).toEqual(['2026-01-01_00-00-02', '2026-01-01_00-00-01']);
    fs.rmSync(path.join(tree.root, '2026-01-01_00-00-01'), { recursive: true });
    expect(await ids()).toEqual(['2026-01-01_00-00-02']);
  });

  it('a folder that becomes a run after a runs list is still picked up by the next runs list', async () => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: LONG });
    fs.mkdirSync(path.join(tree.root, '2026-01-01_00-00-01')); // being copied in: nothing there yet
    const ids = async () =>
      (JSON.parse((await runCli([...tree.flags, 'list', '--json'])).stdout) as { id: string }[]).map((r) => r.id);
    expect(await ids()).toEqual(['2026-01-01_00-00-00']);
    fs.writeFileSync(path.join(tree.root, '2026-01-01_00-00-01', 'train.log'), fixtureBytes(LONG));
    expect(await ids()).toEqual(['2026-01-01_00-00-01', '2026-01-01_00-00-00']);
  });

  it('a hand edit of a finished run is picked up by runs index (runs list only looks for new folders)', async () => {
    const tree = makeTree();
    const dir = addRun(tree, '2026-01-01_00-00-00', { log: LONG, manifest: completedManifest('2026-01-01_00-00-00') });
    const note = async () =>
      (JSON.parse((await runCli([...tree.flags, 'list', '--json'])).stdout) as { note: string | null }[])[0]?.note;
    expect(await note()).toBeNull();
    fs.writeFileSync(
      path.join(dir, 'run.json'),
      JSON.stringify(completedManifest('2026-01-01_00-00-00', { note: 'fixed by hand' })),
    );
    expect(await note()).toBeNull(); // PRODUCT.md "Freshness": list does not re-check finished runs' files
    expect((await runCli([...tree.flags, 'index'])).stderr).toMatch(/1 changed/);
    expect(await note()).toBe('fixed by hand');
  });

  it('costs only a stat when nothing changed', async () => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: LONG });
    await runCli([...tree.flags, 'index']);
    const again = await runCli([...tree.flags, 'index']);
    expect(again.stderr).toMatch(/indexed 1 runs \(0 new, 0 changed, 1 unchanged, 0 removed\), 0 metric rows/);
  });

  it('drops a deleted run folder from the index', async () => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', { log: LONG });
    addRun(tree, '2026-01-01_00-00-01', { log: '13-mlxlm-0.29-resumed-fine-tuned-weights.log' });
    await runCli([...tree.flags, 'index']);
    fs.rmSync(path.join(tree.root, '2026-01-01_00-00-00'), { recursive: true });
    const r = await runCli([...tree.flags, 'index']);
    expect(r.stderr).toMatch(/1 removed/);
    expect(count(tree, 'select count(*) as n from runs')).toBe(1);
    expect(count(tree, "select count(*) as n from metrics where run_id = '2026-01-01_00-00-00'")).toBe(0);
    expect(count(tree, "select count(*) as n from checkpoints where run_id = '2026-01-01_00-00-00'")).toBe(0);
  });

  it('--rebuild from an empty database gives the same rows', async () => {
    const tree = makeTree();
    addRun(tree, '2026-01-01_00-00-00', {
      log: LONG,
      manifest: completedManifest('2026-01-01_00-00-00', { tags: ['a'] }),
      adapterConfig: { model: 'm', lora_parameters: { rank: 8, scale: 20, dropout: 0 }, iters: 1000 },
      config: 'model: m\niters: 1000\n',
    });
    addRun(tree, '2026-01-01_00-00-01', { log: '10-rich-ui-ansi-truecolor-complete-with-test.log' });
    await runCli([...tree.flags, 'index']);
    const first = dump(tree);
    for (const f of [tree.db, `${tree.db}-wal`, `${tree.db}-shm`]) fs.rmSync(f, { force: true });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    expect(dump(tree)).toEqual(first);
    expect((await runCli([...tree.flags, 'index', '--rebuild'])).exitCode).toBe(0);
    expect(dump(tree)).toEqual(first);
  });

  it('re-reads a log that was rewritten (not appended)', async () => {
    const tree = makeTree();
    const dir = addRun(tree, '2026-01-01_00-00-00', { log: LONG });
    await runCli([...tree.flags, 'index']);
    fs.writeFileSync(
      path.join(dir, 'train.log'),
      fixtureBytes('09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log'),
    );
    await runCli([...tree.flags, 'index']);
    expect(count(tree, 'select count(*) as n from metrics')).toBe(13); // 12 train + 1 val of fixture 09
  });

  // A state saved by another version of runs (or damaged) must not strand the run: the next pass
  // re-reads its log from byte 0, quietly, and ends with what a fresh index says.
  it.each([
    ['a parser state of another version', "json_set(parse_state, '$.parser.version', 99)"],
    ['a parser state with a field missing', "json_remove(parse_state, '$.parser.evidence')"],
    ['a summary state with a field missing', "json_remove(parse_state, '$.summary.summary')"],
    ['a state whose offset disagrees with the stored one', "json_set(parse_state, '$.parser.consumedBytes', 7)"],
    ['a state that is not JSON', '\'{"parser": \''],
  ])('re-reads the whole log when it finds %s', async (_label, damage) => {
    const tree = makeTree();
    const id = '2026-01-01_00-00-00';
    const bytes = fixtureBytes(LONG);
    const cut = bytes.indexOf('Iter 500: Train loss');
    const dir = addRun(tree, id, { log: bytes.subarray(0, cut), manifest: completedManifest(id) });
    expect((await runCli([...tree.flags, 'index'])).exitCode).toBe(0);
    const db = new Database(tree.db);
    expect(db.prepare(`update index_state set parse_state = ${damage}`).run().changes).toBe(1);
    db.close();

    fs.appendFileSync(path.join(dir, 'train.log'), bytes.subarray(cut));
    for (let pass = 0; pass < 2; pass++) {
      const r = await runCli([...tree.flags, 'index']);
      expect(r.exitCode).toBe(0);
      expect(r.stderr).not.toMatch(/warning/);
    }
    const fresh = makeTree();
    addRun(fresh, id, { log: bytes, manifest: completedManifest(id) });
    await runCli([...fresh.flags, 'index']);
    const a = dump(tree);
    const b = dump(fresh);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.checkpoints).toEqual(b.checkpoints);
    expect(a.runs.map((r) => ({ ...r, path: undefined }))).toEqual(b.runs.map((r) => ({ ...r, path: undefined })));
  });
});
