// `runs --team report` and `runs --team ui`: the web view over the team database (two hosts' runs,
// ids host:id), through the same DashboardData as the local one.
// Why a real process for ui: the server is a long-running `node dist/runs.mjs --team ui`; only a
// real HTTP client shows what it answers. The report is one file, read back as a browser would.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';
import { startUi } from '../helpers/ui.js';

const LONG = '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log';
const CKPT = '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log';
const SAME_SECOND = '2026-11-29_14-05-09';
const WANT_IDS = [`web-anna:${SAME_SECOND}`, 'web-anna:2026-11-30_09-00-00', `web-ben:${SAME_SECOND}`];

function reportData(file: string): {
  runs: { id: string; host: string }[];
  details: Record<string, { id: string; metrics?: unknown }>;
  charts: Record<string, Record<string, { splits: Record<string, { y: number[] }> }>>;
} {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="runs-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!);
}

describe.skipIf(!pgAvailable)('--team report and ui (PostgreSQL)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  const trees: Tree[] = [];
  beforeAll(async () => {
    db = await createDatabase();
    const anna = makeTree();
    const ben = makeTree();
    trees.push(anna, ben);
    addRun(anna, SAME_SECOND, {
      log: LONG,
      manifest: completedManifest(SAME_SECOND, { uid: 'aaaaaaaa-1111-4000-8000-000000000001' }),
    });
    addRun(anna, '2026-11-30_09-00-00', {
      log: CKPT,
      manifest: completedManifest('2026-11-30_09-00-00', { uid: 'aaaaaaaa-1111-4000-8000-000000000002' }),
    });
    addRun(ben, SAME_SECOND, {
      log: CKPT,
      manifest: completedManifest(SAME_SECOND, { uid: 'bbbbbbbb-1111-4000-8000-000000000003' }),
    });
    for (const [host, tree] of [
      ['web-anna', anna],
      ['web-ben', ben],
    ] as const) {
      const r = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: host } });
      expect(r.exitCode, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await db?.drop();
    for (const t of trees) fs.rmSync(t.dir, { recursive: true, force: true });
  });

  it('report --team writes both hosts’ runs (table, details, charts) into the file', async () => {
    const out = path.join(trees[0]!.dir, 'team.html');
    // No --root: a team report needs no runs root on this machine.
    const r = await runCli(['--team', 'report', '-o', out], { env: { RUNS_TEAM_DB: db.url }, cwd: trees[0]!.dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*team\.html \(3 runs, [\d.]+ MB\)/);
    const data = reportData(out);
    expect(data.runs.map((x) => x.id).sort()).toEqual(WANT_IDS);
    expect(Object.keys(data.details).sort()).toEqual(WANT_IDS);
    for (const id of WANT_IDS) {
      expect(data.details[id]!.id).toBe(id);
      // Every run has its loss curve, read from the team database.
      expect(data.charts[id]!.loss!.splits.val!.y.length).toBeGreaterThan(0);
    }
    // The same run through the local index: the same curve.
    const local = path.join(trees[1]!.dir, 'local.html');
    expect((await runCli([...trees[1]!.flags, 'report', '-o', local])).exitCode).toBe(0);
    expect(data.charts[`web-ben:${SAME_SECOND}`]!.loss).toEqual({
      ...reportData(local).charts[SAME_SECOND]!.loss,
      id: `web-ben:${SAME_SECOND}`,
    });

    const one = await runCli(['--team', 'report', 'web-ben:latest', '-o', out], { env: { RUNS_TEAM_DB: db.url } });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(reportData(out).runs.map((x) => x.id)).toEqual([`web-ben:${SAME_SECOND}`]);
  });

  it('ui --team answers /api/runs with host:id runs, and a run, its chart and page by host:id', async () => {
    const ui = await startUi(['--team'], { ...process.env, RUNS_TEAM_DB: db.url });
    try {
      const get = async (p: string) => {
        const res = await fetch(new URL(p, ui.url));
        return { status: res.status, body: await res.json() };
      };
      const runs = await get('/api/runs');
      expect(runs.status).toBe(200);
      expect((runs.body as { id: string }[]).map((x) => x.id).sort()).toEqual(WANT_IDS);
      const id = encodeURIComponent(`web-anna:${SAME_SECOND}`);
      const [show, chart, page, filtered] = await Promise.all([
        get(`/api/runs/${id}`),
        get(`/api/runs/${id}/chart?metric=loss`),
        get(`/api/runs/${id}/page`),
        get(`/api/runs?where=${encodeURIComponent("host = 'web-ben'")}`),
      ]);
      expect(show.status).toBe(200);
      expect(show.body.id).toBe(`web-anna:${SAME_SECOND}`);
      expect(chart.status).toBe(200);
      expect(chart.body.splits.val.y.length).toBeGreaterThan(0);
      // The run folders stay on each host: no log tail in the team view.
      expect(page.body).toMatchObject({ id: `web-anna:${SAME_SECOND}`, lines: [] });
      expect(filtered.status).toBe(200);
      expect((filtered.body as { id: string }[]).map((x) => x.id)).toEqual([`web-ben:${SAME_SECOND}`]);
    } finally {
      expect(await ui.stop()).toBe(0);
    }
  });
});
