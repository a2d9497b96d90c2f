// Extra metrics (metric_values: the rewards, accuracy and margin of a DPO run) in the team
// database: pushed with the metric rows, incrementally (a grown log sends only its new values, a
// rebuilt index none), caught up for runs pushed before values were carried, and read by --team
// exactly as locally.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';
import { startUi } from '../helpers/ui.js';

const DPO = fs.readFileSync(
  path.join(import.meta.dirname, '..', 'fixtures', 'trainer-logs', '02-mlx-lm-lora-dpo-test-no-period.log'),
);
const HOST = 'host-v';

function local<T>(tree: Tree, sql: string): T[] {
  const db = new Database(tree.db, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The data `runs report` embeds (the table, details and each run's charts by metric). */
function reportCharts(file: string): Record<string, Record<string, unknown>> {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="runs-data">(.*?)<\/script>/s.exec(html);
  return (JSON.parse(m![1]!) as { charts: Record<string, Record<string, unknown>> }).charts;
}

interface ValueRow {
  seq: number;
  name: string;
  value: number | null;
}

describe.skipIf(!pgAvailable)('extra metrics in the team database', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const push = (tree: Tree) => runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: HOST } });
  const team = (tree: Tree, argv: string[]) =>
    runCli([...tree.flags, '--team', ...argv], { env: { RUNS_TEAM_DB: db.url } });
  /** The team's values of one run, with the transaction that wrote each row (xmin). */
  const teamValues = (uid: string) =>
    db.sql<ValueRow & { xmin: string }>(
      'select seq, name, value, xmin::text as xmin from metric_values where run_uid = $1 order by seq, name',
      [uid],
    );
  const localValues = (tree: Tree, id: string) =>
    local<ValueRow>(tree, `select seq, name, value from metric_values where run_id = '${id}' order by seq, name`);
  const strip = (rows: (ValueRow & { xmin: string })[]) => rows.map(({ seq, name, value }) => ({ seq, name, value }));

  it('a grown log sends only its new values, a rebuilt index none; --team plot equals the local one', async () => {
    const tree = makeTree();
    const id = '2026-12-01_10-00-00';
    const uid = 'eeeeeeee-0000-4000-8000-000000000001';
    const cut = DPO.indexOf('Iter 20: loss') + 'Iter 20: loss 0.4'.length; // mid-line
    const dir = addRun(tree, id, {
      log: DPO.subarray(0, cut),
      manifest: completedManifest(id, { uid, status: 'running', finished_at: null, exit_code: null, pid: 999999999 }),
    });

    const first = await push(tree);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(/\(1 new, 0 grown, 0 unchanged\)/);
    const before = await teamValues(uid);
    expect(before.length).toBeGreaterThan(0);
    expect(strip(before)).toEqual(localValues(tree, id));
    // Values of rows before this seq are final; from it on they may be re-sent with their line.
    const [{ committed_seq: committed }] = local<{ committed_seq: number }>(
      tree,
      `select committed_seq from index_state where run_id = '${id}'`,
    ) as [{ committed_seq: number }];

    fs.appendFileSync(path.join(dir, 'train.log'), DPO.subarray(cut));
    const grown = await push(tree);
    expect(grown.exitCode).toBe(0);
    expect(grown.stderr).toMatch(/\(0 new, 1 grown, 0 unchanged\)/);
    const after = await teamValues(uid);
    const want = localValues(tree, id);
    expect(want.length).toBeGreaterThan(before.length);
    expect(strip(after)).toEqual(want);
    // The final values of the first push were not sent again: same rows, same writing transaction.
    const kept = before.filter((r) => r.seq < committed);
    expect(kept.length).toBeGreaterThan(0);
    expect(after.filter((r) => r.seq < committed)).toEqual(kept);
    const firstTx = new Set(before.map((r) => r.xmin));
    expect(after.filter((r) => !firstTx.has(r.xmin)).length).toBe(want.filter((r) => r.seq >= committed).length);

    for (const metric of ['chosen_reward', 'accuracy', 'margin']) {
      const l = await runCli([...tree.flags, 'plot', id, '--metric', metric, '--json']);
      const t = await team(tree, ['plot', `${HOST}:${id}`, '--metric', metric, '--json']);
      expect(l.exitCode).toBe(0);
      expect(t.exitCode).toBe(0);
      expect(JSON.parse(l.stdout).length).toBeGreaterThan(0);
      expect(t.stdout.replaceAll(`${HOST}:`, '')).toBe(l.stdout);
    }
    const names = await team(tree, ['sql', 'select distinct name from metric_values order by name', '--csv']);
    expect(names.stdout).toBe('name\naccuracy\nchosen_reward\nmargin\nrejected_reward\n');

    expect((await runCli([...tree.flags, 'index', '--rebuild'])).exitCode).toBe(0);
    const rebuilt = await push(tree);
    expect(rebuilt.stderr).toMatch(/\(0 new, 0 grown, 1 unchanged\), 0 metric rows/);
    expect(await teamValues(uid)).toEqual(after);
  });

  it('a run pushed before values were carried gets them on the next push: exact counts, no duplicates', async () => {
    const tree = makeTree();
    const id = '2026-12-01_12-00-00';
    const uid = 'eeeeeeee-0000-4000-8000-000000000002';
    addRun(tree, id, { log: DPO, manifest: completedManifest(id, { uid }) });
    expect((await push(tree)).exitCode).toBe(0);
    const metricRows = await db.sql('select * from metrics where run_uid = $1 order by seq', [uid]);
    // What an older runs left behind, as migrations-pg/0002 finds it: no values, values_seq null.
    await db.sql('delete from metric_values where run_uid = $1', [uid]);
    await db.sql('update push_state set values_seq = null where run_uid = $1', [uid]);

    const next = await push(tree);
    expect(next.exitCode).toBe(0);
    expect(next.stderr).toMatch(/, 0 metric rows in /);
    expect(strip(await teamValues(uid))).toEqual(localValues(tree, id));
    expect(await db.sql('select * from metrics where run_uid = $1 order by seq', [uid])).toEqual(metricRows);

    const again = await push(tree);
    expect(again.stderr).toMatch(/\(0 new, 0 grown, \d+ unchanged\), 0 metric rows/);
    expect(strip(await teamValues(uid))).toEqual(localValues(tree, id));
  });

  it('--team report and --team ui chart the extra metrics exactly as the local ones do', async () => {
    const tree = makeTree();
    const id = '2026-12-01_14-00-00';
    addRun(tree, id, { log: DPO, manifest: completedManifest(id, { uid: 'eeeeeeee-0000-4000-8000-000000000003' }) });
    expect((await push(tree)).exitCode).toBe(0);
    const metrics = ['chosen_reward', 'accuracy', 'margin', 'rejected_reward'];
    // Only this run (the database holds the other tests' runs too).
    const teamFile = path.join(tree.dir, 'team.html');
    const localFile = path.join(tree.dir, 'local.html');
    const t = await team(tree, ['report', `${HOST}:${id}`, '-o', teamFile]);
    const l = await runCli([...tree.flags, 'report', id, '-o', localFile]);
    expect(t.exitCode, t.stderr).toBe(0);
    expect(l.exitCode, l.stderr).toBe(0);
    const teamCharts = reportCharts(teamFile)[`${HOST}:${id}`]!;
    const localCharts = reportCharts(localFile)[id]!;
    for (const metric of metrics) {
      expect(localCharts[metric], metric).toBeDefined();
      expect(teamCharts[metric], metric).toEqual({ ...(localCharts[metric] as object), id: `${HOST}:${id}` });
    }

    const teamUi = await startUi(['--team'], { ...process.env, RUNS_TEAM_DB: db.url });
    const localUi = await startUi(tree.flags);
    try {
      const chart = async (url: string, ref: string, metric: string) => {
        const res = await fetch(new URL(`/api/runs/${encodeURIComponent(ref)}/chart?metric=${metric}`, url));
        expect(res.status).toBe(200);
        return (await res.json()) as Record<string, unknown>;
      };
      for (const metric of metrics) {
        const local = await chart(localUi.url, id, metric);
        expect(await chart(teamUi.url, `${HOST}:${id}`, metric)).toEqual({ ...local, id: `${HOST}:${id}` });
      }
    } finally {
      expect(await teamUi.stop()).toBe(0);
      expect(await localUi.stop()).toBe(0);
    }
  });
});
