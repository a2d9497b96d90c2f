// The web view draws a resumed run as one continued curve, as `runs plot` does: a parent trained by
// the stand-in trainer (a real child process), a `runs resume` child, then the chart `runs ui`
// serves, the series a live page appends and what `runs report` embeds; the same under --team.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTree, type Tree } from '../helpers/tree.js';
import { haveChromium, launchChromium, removeTree, startUi, type UiProcess } from '../helpers/ui.js';

const PARENT_LOG = path.join(FIXTURE_LOGS, '16-mlxlm-0.28-crlf-line-endings.log'); // 200 iters, saves at 50..200
const CHILD_LOG = path.join(FIXTURE_LOGS, '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log'); // 60 iters
const OFFSET = 150;

interface Split {
  x: number[];
  tok: (number | null)[];
  t: (number | null)[];
  y: number[];
}
interface Chart {
  id: string;
  splits: Record<string, Split>;
  checkpoints: number[];
  axis: { offsets: number[]; lastSeq: number; clock: { seconds: number | null } };
}
type Tuple = [number, number, number | null, string, number | null, number | null, number | null];
interface PlotPoint {
  split: string;
  iter: number;
  loss: number;
}

let tree: Tree;
let parent: string;
let child: string;
let ui: UiProcess;

const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCli([...tree.flags, ...argv], { cwd: tree.dir, env: { RUNS_TRAINER: `node ${FAKE_TRAINER}`, ...env } });
const newestId = () => fs.readlinkSync(path.join(tree.root, 'latest'));

async function getJson<T>(base: string, p: string): Promise<T> {
  const res = await fetch(new URL(p, base));
  const body = await res.text();
  expect(res.status, `${p}: ${body}`).toBe(200);
  return JSON.parse(body) as T;
}

function reportCharts(file: string): Record<string, Record<string, Chart>> {
  const m = /<script type="application\/json" id="runs-data">(.*?)<\/script>/s.exec(fs.readFileSync(file, 'utf8'));
  return (JSON.parse(m![1]!) as { charts: Record<string, Record<string, Chart>> }).charts;
}

/** The points of `runs plot --json` of one split, as [iter, loss]. */
async function plotPoints(id: string, split: string): Promise<[number, number][]> {
  const r = await cli(['plot', id, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as PlotPoint[]).filter((p) => p.split === split).map((p) => [p.iter, p.loss]);
}

const pairs = (s: Split): [number, number][] => s.x.map((x, i) => [x, s.y[i]!]);

beforeAll(async () => {
  tree = makeTree('runs-ui-resume-');
  const train = await cli(['train', '--', '--iters', '200'], { FAKE_LOG: PARENT_LOG });
  expect(train.exitCode, train.stderr).toBe(0);
  parent = newestId();
  const resume = await cli(['resume', parent, '--checkpoint', String(OFFSET), '--', '--iters', '60'], {
    FAKE_LOG: CHILD_LOG,
  });
  expect(resume.exitCode, resume.stderr).toBe(0);
  child = newestId();
  expect(child).not.toBe(parent);
  ui = await startUi(tree.flags);
});
afterAll(async () => {
  await ui?.stop();
  if (tree) removeTree(tree);
});

describe('runs ui: a resumed run', { timeout: 60_000 }, () => {
  it('its chart is the continued curve of runs plot --json (iteration axis: the same points)', async () => {
    const chart = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss&points=100000`);
    for (const split of ['train', 'val']) {
      const want = await plotPoints(child, split);
      expect(want.some(([x]) => x <= OFFSET)).toBe(true);
      expect(want.some(([x]) => x > OFFSET)).toBe(true);
      expect(pairs(chart.splits[split]!)).toEqual(want);
    }
    // The child's own rows start at the offset (what a live page lays its new rows after).
    expect(chart.axis.offsets[0]).toBe(OFFSET);
  });

  it('the training-time axis continues across the join (the child does not restart at 0)', async () => {
    const chart = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss&points=100000`);
    const alone = await getJson<Chart>(ui.url, `/api/runs/${parent}/chart?metric=loss&points=100000`);
    for (const split of ['train', 'val']) {
      const s = chart.splits[split]!;
      expect(s.t.every((t) => typeof t === 'number')).toBe(true);
      const ts = s.t as number[];
      for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]!);
      // The parent's part keeps the parent's own times; the child's first point comes after them.
      const p = alone.splits[split]!;
      const parentPart = p.x.filter((x) => x <= OFFSET).length;
      expect(ts.slice(0, parentPart)).toEqual(p.t.slice(0, parentPart));
      expect(ts[parentPart]).toBeGreaterThan(ts[parentPart - 1]!);
    }
    // The tokens continue too: strictly increasing on the train split.
    const tok = chart.splits.train!.tok as number[];
    for (let i = 1; i < tok.length; i++) expect(tok[i]).toBeGreaterThan(tok[i - 1]!);
  });

  it("live series after a seq are the child's own rows, on the continued clock", async () => {
    const chart = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss&points=100000`);
    const rows = await getJson<Tuple[]>(ui.url, `/api/runs/${child}/series?metric=loss&after=-1`);
    const mine = rows.filter((r) => r[5] !== null && r[3] === 'val');
    const val = chart.splits.val!;
    const own = val.x.map((x, i) => ({ x, t: val.t[i] })).filter((p) => p.x > OFFSET);
    expect(mine.map((r) => [OFFSET + r[2]!, r[6]])).toEqual(own.map((p) => [p.x, p.t]));
    // `after` is the child's own seq: nothing after the chart's last one.
    expect(await getJson<Tuple[]>(ui.url, `/api/runs/${child}/series?metric=loss&after=${chart.axis.lastSeq}`)).toEqual(
      [],
    );
  });

  it("marks the parent's checkpoints up to the join (the one resumed from included), then the child's", async () => {
    const chart = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss`);
    const alone = await getJson<Chart>(ui.url, `/api/runs/${parent}/chart?metric=loss`);
    const parentMarks = alone.checkpoints.filter((x) => x <= OFFSET);
    expect(parentMarks).toEqual([50, 100, 150]);
    const shown = await cli(['show', child, '--json']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    const own = (JSON.parse(shown.stdout) as { checkpoint_files: { iter: number }[] }).checkpoint_files;
    expect(chart.checkpoints).toEqual([...parentMarks, ...own.map((c) => OFFSET + c.iter)]);
    // The same marks in what `runs report` embeds.
    const out = path.join(tree.dir, 'report-marks.html');
    expect((await cli(['report', '-o', out])).exitCode).toBe(0);
    expect(reportCharts(out)[child]!.loss!.checkpoints).toEqual(chart.checkpoints);
  });

  it('runs report embeds the same joined chart', async () => {
    const out = path.join(tree.dir, 'report.html');
    const r = await cli(['report', '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const embedded = reportCharts(out)[child]!.loss!;
    const served = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss`);
    expect(embedded.splits).toEqual(served.splits);
    expect(pairs(embedded.splits.val!)).toEqual(await plotPoints(child, 'val'));
  });
});

describe.skipIf(!haveChromium())('runs ui in Chromium: a resumed run while it runs', { timeout: 120_000 }, () => {
  it('draws the parent part plus the child, and appends the child live after the join', async () => {
    const resumeFile = path.join(tree.dir, 'go-on');
    // The child stops after its first 4 train reports until the page has drawn them.
    const recorder = spawn(
      process.execPath,
      [BIN, ...tree.flags, 'resume', parent, '--checkpoint', String(OFFSET), '--', '--iters', '60'],
      {
        cwd: tree.dir,
        env: {
          ...process.env,
          RUNS_TRAINER: `node ${FAKE_TRAINER}`,
          FAKE_LOG: CHILD_LOG,
          FAKE_PAUSE_AFTER_LINES: '4',
          FAKE_RESUME_FILE: resumeFile,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const recorded = new Promise<number | null>((r) => recorder.on('close', (c) => r(c)));
    const browser = await launchChromium();
    try {
      // Until the new run's first rows are in the index (polled: no time is asserted).
      const deadline = Date.now() + 60_000;
      let live = '';
      for (;;) {
        const latest = fs.existsSync(path.join(tree.root, 'latest')) ? newestId() : child;
        if (latest !== child) {
          const own = await getJson<Tuple[]>(ui.url, `/api/runs/${latest}/series?metric=loss&after=-1`);
          if (own.filter((r) => r[3] === 'train' && r[5] !== null).length >= 4) {
            live = latest;
            break;
          }
        }
        if (Date.now() > deadline) throw new Error('the resumed run was not indexed');
        await new Promise((r) => setTimeout(r, 200));
      }
      const parentPart = (await plotPoints(parent, 'train')).filter(([x]) => x <= OFFSET).length;
      const page = await browser.context.newPage();
      await page.goto(ui.url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      // Raw values (no smoothing): the drawn points are the data's.
      await page.check('#raw');
      await page.check(`#runs tr[data-id="${live}"] input[type=checkbox]`);
      const drawn = () =>
        page.evaluate((label) => {
          const u = (
            window as unknown as {
              runsDashboard: { plot(): { series: { label: string }[]; data: (number | null)[][] } | null };
            }
          ).runsDashboard.plot();
          const i = u ? u.series.findIndex((s) => s.label === label) : -1;
          if (!u || i < 1) return [];
          const col = u.data[i]!;
          return u.data[0]!.flatMap((x, k) => (col[k] === null || col[k] === undefined ? [] : [[x, col[k]]]));
        }, `${live} train`);
      await page.waitForFunction(
        (label) => (window as any).runsDashboard.plot()?.series.some((s: { label: string }) => s.label === label),
        `${live} train`,
      );
      // The parent's part, then the child's 4 reports at offset + its own iteration.
      const first = await drawn();
      expect(first).toHaveLength(parentPart + 4);
      expect(first.slice(parentPart).map(([x]) => x)).toEqual([OFFSET + 49, OFFSET + 50, OFFSET + 51, OFFSET + 52]);
      fs.writeFileSync(resumeFile, '');
      expect(await recorded).toBe(0);
      // The page grows it live (no reload) into exactly what `runs plot --json` gives for the run.
      const want = await plotPoints(live, 'train');
      await page.waitForFunction(
        ([label, n]) => {
          const u = (window as any).runsDashboard.plot();
          const i = u?.series.findIndex((s: { label: string }) => s.label === label);
          return i > 0 && u.data[i].filter((v: number | null) => v !== null).length === n;
        },
        [`${live} train`, want.length] as const,
        { timeout: 60_000 },
      );
      expect(await drawn()).toEqual(want);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    } finally {
      if (recorder.exitCode === null) recorder.kill('SIGINT');
      await browser.close();
    }
  });
});

describe.skipIf(!pgAvailable)('runs --team ui / report: a resumed run', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let teamUi: UiProcess | undefined;
  const HOST = 'resume-host';
  beforeAll(async () => {
    db = await createDatabase();
    const push = await cli(['push'], { RUNS_TEAM_DB: db.url, RUNS_HOST: HOST });
    expect(push.exitCode, push.stderr).toBe(0);
    teamUi = await startUi(['--team'], { ...process.env, RUNS_TEAM_DB: db.url });
  });
  afterAll(async () => {
    await teamUi?.stop();
    await db?.drop();
  });

  it('serves and embeds the same continued curve as the local index', async () => {
    const local = await getJson<Chart>(ui.url, `/api/runs/${child}/chart?metric=loss&points=100000`);
    const remote = await getJson<Chart>(
      teamUi!.url,
      `/api/runs/${encodeURIComponent(`${HOST}:${child}`)}/chart?metric=loss&points=100000`,
    );
    expect(remote.splits).toEqual(local.splits);
    expect(remote.splits.train!.x.some((x) => x <= OFFSET)).toBe(true);
    // The parent's checkpoints up to the join too.
    expect(remote.checkpoints).toEqual(local.checkpoints);
    expect(remote.checkpoints.filter((x) => x <= OFFSET)).toEqual([50, 100, 150]);
    const out = path.join(tree.dir, 'team.html');
    const r = await runCli(['--team', 'report', '-o', out], { env: { RUNS_TEAM_DB: db.url } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(pairs(reportCharts(out)[`${HOST}:${child}`]!.loss!.splits.val!)).toEqual(await plotPoints(child, 'val'));
  });
});
