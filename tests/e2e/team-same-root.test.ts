// Two `runs push` of the same root at once (two real processes, the same host and the same run
// uids): both must exit 0, and the team database must hold each run and row exactly once. Once
// this exited 1 in a test run; it is repeated because a race shows only now and then.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

const LOGS = [
  '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
  '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log',
];
const DPO = 'trainer-logs/02-mlx-lm-lora-dpo-test-no-period.log';
const ROUNDS = 10;
const RUNS = 6;

function treeOf(round: number): Tree {
  const tree = makeTree(`runs-same-root-${round}-`);
  for (let i = 0; i < RUNS; i++) {
    const id = `2026-12-0${1 + (round % 9)}_10-00-${String(i).padStart(2, '0')}`;
    const hex = createHash('sha1').update(`round ${round}`).digest('hex').slice(0, 8);
    addRun(tree, id, {
      log: i === 0 ? fixtureBytes(`../${DPO}`) : fixtureBytes(LOGS[i % 2]!),
      manifest: completedManifest(id, { uid: `${hex}-0000-4000-8000-${String(i).padStart(12, '0')}` }),
    });
  }
  return tree;
}

function localCounts(tree: Tree) {
  const db = new Database(tree.db, { readonly: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      runs: n('select count(*) as n from runs'),
      metrics: n('select count(*) as n from metrics'),
      values: n('select count(*) as n from metric_values'),
      checkpoints: n('select count(*) as n from checkpoints'),
    };
  } finally {
    db.close();
  }
}

describe.skipIf(!pgAvailable)('two pushes of the same root at once', { timeout: 300_000 }, () => {
  let shared: TestDatabase;
  const fresh: TestDatabase[] = [];
  const trees: Tree[] = [];
  beforeAll(async () => {
    shared = await createDatabase();
  });
  afterAll(async () => {
    await shared?.drop();
    for (const db of fresh) await db.drop();
    for (const t of trees) fs.rmSync(t.dir, { recursive: true, force: true });
  });

  // Odd rounds: a team database nobody has set up yet and a root never indexed (both processes
  // migrate and index too); even rounds: an indexed root into a database in use.
  it.each(Array.from({ length: ROUNDS }, (_, round) => [round]))(
    'round %i: both exit 0, counts exact',
    async (round) => {
      const firstTime = round % 2 === 1;
      let db = shared;
      if (firstTime) {
        db = await createDatabase();
        fresh.push(db);
      }
      const tree = treeOf(round);
      trees.push(tree);
      if (!firstTime) expect((await runBundle([...tree.flags, 'index'])).exitCode).toBe(0);
      const env = { RUNS_TEAM_DB: db.url, RUNS_HOST: 'same-host' };
      const [a, b] = await Promise.all([
        runBundle([...tree.flags, 'push'], { env }),
        runBundle([...tree.flags, 'push'], { env }),
      ]);
      // Exit codes and what went wrong, in one assertion (a failure shows the other's stderr too).
      expect([a.exitCode, b.exitCode, a.exitCode || b.exitCode ? `${a.stderr}\n${b.stderr}` : '']).toEqual([0, 0, '']);
      // Each run is new to exactly one of the two; the other found it there already.
      const news = [a, b].map((r) => Number(/\((\d+) new, /.exec(r.stderr)?.[1]));
      expect(news[0]! + news[1]!).toBe(RUNS);
      const local = localCounts(tree);
      const uids = (await runBundle([...tree.flags, 'sql', 'select uid from runs', '--json'])).stdout;
      const mine = (JSON.parse(uids) as { uid: string }[]).map((r) => r.uid);
      const [team] = await db.sql<typeof local>(
        `select (select count(*) from runs where uid = any($1))::int as runs,
              (select count(*) from metrics where run_uid = any($1))::int as metrics,
              (select count(*) from metric_values where run_uid = any($1))::int as values,
              (select count(*) from checkpoints where run_uid = any($1))::int as checkpoints`,
        [mine],
      );
      expect(team).toEqual(local);
    },
  );
});
