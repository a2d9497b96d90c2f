// Parent links under --team: a resumed run (run.json parent + iter_offset, as `runs resume`
// writes them) is drawn as one continued curve from the team database as locally, `show` names
// the same parent, and a parent id that two hosts have links to the child's own host's run.
// Also: an index made before runs.parent existed picks the links up on its next pass.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLegendLine } from '../helpers/chart-text.js';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const CKPT = '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log';
const CHILD_LOG = '13-mlxlm-0.29-resumed-fine-tuned-weights.log';
/** The same parent id on both hosts (two machines start runs in the same second). */
const PARENT = '2026-12-01_10-00-00';
const CHILD = '2026-12-01_12-00-00';
const OFFSET = 20;

interface Point {
  run_id: string;
  split: string;
  iter: number;
  loss: number;
}

describe.skipIf(!pgAvailable)('parent links under --team', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let anna: Tree;
  let ben: Tree;
  const env = (host: string) => ({ RUNS_TEAM_DB: db.url, RUNS_HOST: host });
  const team = (argv: string[]) => runCli(['--team', ...argv], { env: { RUNS_TEAM_DB: db.url }, columns: 100 });

  beforeAll(async () => {
    db = await createDatabase();
    anna = makeTree();
    ben = makeTree();
    addRun(anna, PARENT, {
      log: LONG,
      manifest: completedManifest(PARENT, { uid: 'aaaaaaaa-1111-4000-8000-000000000001', host: 'anna' }),
    });
    addRun(ben, PARENT, {
      log: CKPT,
      manifest: completedManifest(PARENT, { uid: 'bbbbbbbb-1111-4000-8000-000000000001', host: 'ben' }),
    });
    addRun(ben, CHILD, {
      log: CHILD_LOG,
      manifest: completedManifest(CHILD, {
        uid: 'bbbbbbbb-1111-4000-8000-000000000002',
        host: 'ben',
        parent: PARENT,
        iter_offset: OFFSET,
      }),
    });
    expect((await runCli([...anna.flags, 'push'], { env: env('anna') })).exitCode).toBe(0);
    // ben's index as a runs from before runs.parent left it (migration 0006 adds the columns empty
    // and marks the index older): its next pass, the push's, must fill them in.
    expect((await runCli([...ben.flags, 'index'])).exitCode).toBe(0);
    const sqlite = new Database(ben.db);
    sqlite.prepare('update runs set parent = null, iter_offset = null').run();
    sqlite.prepare(`update index_meta set value = '2' where key = 'parser_version'`).run();
    sqlite.close();
    const push = await runCli([...ben.flags, 'push'], { env: env('ben') });
    expect(push.exitCode).toBe(0);
    expect(push.stderr).toMatch(/^pushed 2 runs from ben \(2 new, /);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('an older index gets the links on its next pass, and the push carries them', async () => {
    const local = new Database(ben.db, { readonly: true });
    const row = local.prepare('select parent, iter_offset from runs where id = ?').get(CHILD);
    local.close();
    expect(row).toEqual({ parent: PARENT, iter_offset: OFFSET });
    expect(await db.sql(`select host, id, parent, iter_offset from runs where parent is not null`)).toEqual([
      { host: 'ben', id: CHILD, parent: PARENT, iter_offset: OFFSET },
    ]);
  });

  it("--team plot draws the child's continued curve as local plot does, through its own host's parent", async () => {
    const local = await runCli([...ben.flags, 'plot', CHILD, '--json']);
    const remote = await team(['plot', `ben:${CHILD}`, '--json']);
    expect(local.exitCode).toBe(0);
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout.replaceAll('ben:', '')).toBe(local.stdout);
    // The joined curve: ben's parent up to the offset, then the child shifted by it.
    const points = JSON.parse(remote.stdout) as Point[];
    const parent = JSON.parse((await team(['plot', `ben:${PARENT}`, '--json'])).stdout) as Point[];
    const upTo = (ps: Point[]) => ps.filter((p) => p.iter <= OFFSET).map((p) => [p.split, p.iter, p.loss]);
    expect(upTo(parent).length).toBeGreaterThan(0);
    expect(upTo(points)).toEqual(upTo(parent));
    const annas = JSON.parse((await team(['plot', `anna:${PARENT}`, '--json'])).stdout) as Point[];
    expect(upTo(annas)).not.toEqual(upTo(parent));
    // The same in the terminal chart.
    const chart = ['plot', CHILD, '--width', '60', '--height', '12'];
    const localChart = await runCli([...ben.flags, ...chart], { columns: 100 });
    const teamChart = await team(['plot', `ben:${CHILD}`, ...chart.slice(2)]);
    expect(oneLegendLine(teamChart.stdout.replaceAll('ben:', ''))).toBe(oneLegendLine(localChart.stdout));
  });

  it('--team show names the parent (host:id) and draws the same joined curve', async () => {
    const local = await runCli([...ben.flags, 'show', CHILD], { columns: 100 });
    const remote = await team(['show', `ben:${CHILD}`]);
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout).toMatch(new RegExp(`\\n\\s*parent\\s+ben:${PARENT} \\(resumed at iteration ${OFFSET}\\)\\n`));
    expect(remote.stdout.replaceAll('ben:', '')).toBe(local.stdout);
    const json = JSON.parse((await team(['show', `ben:${CHILD}`, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ parent: `ben:${PARENT}`, iter_offset: OFFSET });
    const localJson = JSON.parse((await runCli([...ben.flags, 'show', CHILD, '--json'])).stdout);
    expect(localJson).toMatchObject({ parent: PARENT, iter_offset: OFFSET });
  });
});
