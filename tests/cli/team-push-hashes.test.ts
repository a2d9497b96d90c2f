// runs push keeps what it computed of each runs row (its team uid and row hash) in the local
// index's run_hashes, so that a push with nothing new reads none of the wide rows. Against a real
// PostgreSQL and the real index file: the hashes are stored, used, corrected, dropped by the
// triggers when a row changes (a tag, a re-read run.json), and ignored under another recipe.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LOG = '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log';
/** Three run ids of day `day`: each test its own runs (and uids), in one team database. */
const idsOf = (day: number) => [10, 11, 12].map((h) => `2026-12-${String(day).padStart(2, '0')}_${h}-00-00`);

type Stored = { run_id: string; host: string; scheme: string; uid: string; hash: string };

function stored(tree: Tree): Stored[] {
  const db = new Database(tree.db, { readonly: true });
  try {
    return db.prepare('select run_id, host, scheme, uid, hash from run_hashes order by run_id, host').all() as Stored[];
  } finally {
    db.close();
  }
}

function write(tree: Tree, sql: string): void {
  const db = new Database(tree.db);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe.skipIf(!pgAvailable)('runs push: the stored row hashes (PostgreSQL)', { timeout: 120_000 }, () => {
  let team: TestDatabase;
  beforeAll(async () => {
    team = await createDatabase();
  });
  afterAll(async () => {
    await team?.drop();
  });

  const push = (tree: Tree, host = 'host-h') =>
    runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: team.url, RUNS_HOST: host } });
  const teamHashes = async (host: string) =>
    new Map(
      (
        await team.sql<{ uid: string; row_hash: string }>(
          'select r.uid, s.row_hash from runs r join push_state s on s.run_uid = r.uid where r.host = $1',
          [host],
        )
      ).map((r) => [r.uid, r.row_hash]),
    );

  function treeOf(ids: string[]): Tree {
    const tree = makeTree();
    for (const id of ids) addRun(tree, id, { log: LOG, manifest: completedManifest(id) });
    return tree;
  }

  it('a push stores each run’s uid and hash, the ones the team database holds; the next push goes by them', async () => {
    const IDS = idsOf(1);
    const tree = treeOf(IDS);
    const first = await push(tree);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(/\(3 new, 0 grown, 0 unchanged\)/);
    const rows = stored(tree);
    expect(rows.map((r) => r.run_id)).toEqual(IDS);
    expect(new Set(rows.map((r) => r.host))).toEqual(new Set(['host-h']));
    expect(new Set(rows.map((r) => r.scheme)).size).toBe(1);
    const held = await teamHashes('host-h');
    for (const r of rows) expect(held.get(r.uid)).toBe(r.hash);

    const again = await push(tree);
    expect(again.stderr).toMatch(/\(0 new, 0 grown, 3 unchanged\)/);
    expect(stored(tree)).toEqual(rows);
  });

  it('a changed runs row (a tag, a re-read run.json) drops its stored hash, and the push sends the change', async () => {
    const IDS = idsOf(2);
    const tree = treeOf(IDS);
    expect((await push(tree)).exitCode).toBe(0);
    const before = stored(tree);

    expect((await runCli([...tree.flags, 'tag', IDS[1]!, 'baseline'])).exitCode).toBe(0);
    expect(stored(tree).map((r) => r.run_id)).toEqual([IDS[0], IDS[2]]);
    const tagged = await push(tree);
    expect(tagged.exitCode).toBe(0);
    expect(tagged.stderr).toMatch(/\(0 new, 0 grown, 1 updated, 2 unchanged\)/);
    expect(await team.sql(`select tags from runs where id = $1 and host = 'host-h'`, [IDS[1]])).toEqual([
      { tags: '["baseline"]' },
    ]);
    const after = stored(tree);
    expect(after.map((r) => r.run_id)).toEqual(IDS);
    expect(after[1]!.hash).not.toBe(before[1]!.hash);
    expect((await teamHashes('host-h')).get(after[1]!.uid)).toBe(after[1]!.hash);

    // run.json rewritten (another model name): the index pass updates the row, the trigger drops the hash.
    const manifest = path.join(tree.root, IDS[2]!, 'run.json');
    fs.writeFileSync(manifest, JSON.stringify(completedManifest(IDS[2]!, { model: 'mlx-community/other-model' })));
    const reread = await push(tree);
    expect(reread.stderr).toMatch(/\(0 new, 0 grown, 1 updated, 2 unchanged\)/);
    expect(await team.sql(`select model from runs where id = $1 and host = 'host-h'`, [IDS[2]])).toEqual([
      { model: 'mlx-community/other-model' },
    ]);
    expect(stored(tree).map((r) => r.run_id)).toEqual(IDS);
  });

  it('the triggers drop a run’s hashes on any update or delete of its row', async () => {
    const IDS = idsOf(3);
    const tree = treeOf(IDS);
    expect((await push(tree)).exitCode).toBe(0);
    // The entries of a second host name (as a push with another RUNS_HOST would store them).
    write(tree, `insert into run_hashes select run_id, 'host-i', scheme, uid, hash from run_hashes`);
    expect(stored(tree)).toHaveLength(6);
    write(tree, `update runs set note = 'x' where id = '${IDS[0]}'`);
    expect(stored(tree).map((r) => r.run_id)).toEqual([IDS[1], IDS[1], IDS[2], IDS[2]]);
    write(tree, `delete from runs where id = '${IDS[1]}'`);
    expect(stored(tree).map((r) => r.run_id)).toEqual([IDS[2], IDS[2]]);
  });

  it('hashes of another recipe are ignored and replaced; a wrong stored hash costs a re-read, never a wrong answer', async () => {
    const IDS = idsOf(4);
    const tree = treeOf(IDS);
    expect((await push(tree)).exitCode).toBe(0);
    const good = stored(tree);

    write(tree, `update run_hashes set scheme = 'an-older-recipe', hash = 'stale'`);
    const recomputed = await push(tree);
    expect(recomputed.stderr).toMatch(/\(0 new, 0 grown, 3 unchanged\)/);
    expect(stored(tree)).toEqual(good);

    // A stored hash the team database does not hold: the run is read and hashed again, found the
    // same as the team's, and its entry corrected.
    write(tree, `update run_hashes set hash = 'not-the-row' where run_id = '${IDS[0]}'`);
    const corrected = await push(tree);
    expect(corrected.stderr).toMatch(/\(0 new, 0 grown, 3 unchanged\), 0 metric rows/);
    expect(stored(tree)).toEqual(good);
  });

  it('the push goes by the stored hashes (which is why the triggers matter): without them a change would not be sent', async () => {
    const IDS = idsOf(5);
    const tree = treeOf(IDS);
    expect((await push(tree)).exitCode).toBe(0);
    write(tree, 'drop trigger run_hashes_row_updated');
    write(tree, `update runs set note = 'hidden' where id = '${IDS[0]}'`);
    const blind = await push(tree);
    expect(blind.stderr).toMatch(/\(0 new, 0 grown, 3 unchanged\)/);
    expect(await team.sql(`select note from runs where id = $1 and host = 'host-h'`, [IDS[0]])).toEqual([
      { note: null },
    ]);
  });
});
