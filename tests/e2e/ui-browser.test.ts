// The dashboard in a real browser: Debian's Chromium driven by playwright-core, against
// `node dist/runs.mjs ui --port 0` on a generated root, and a `runs report` file opened from file://.
// Why real processes and a real browser: what users see is the bundled page drawing with uPlot on a
// canvas, fed by the running server; no DOM shim draws canvases or speaks server-sent events.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS, PROJECT_ROOT } from '../helpers/paths.js';
import { makeTree, type Tree } from '../helpers/tree.js';
import {
  CHROMIUM,
  dashboardTree,
  haveChromium,
  launchChromium,
  removeTree,
  startUi,
  type UiProcess,
} from '../helpers/ui.js';

const HAVE_CHROMIUM = haveChromium();
if (!HAVE_CHROMIUM) {
  // Visible in every run's output: a developer's Mac without Debian's chromium skips these.
  console.warn(`\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium) ***\n`);
}

interface Plot {
  labels: string[];
  data: (number | null)[][];
}

async function plotOf(page: Page): Promise<Plot> {
  return page.evaluate(() => {
    const u = (
      window as unknown as {
        runsDashboard: { plot(): { series: { label: string }[]; data: (number | null)[][] } | null };
      }
    ).runsDashboard.plot();
    return u
      ? { labels: u.series.slice(1).map((s) => s.label), data: u.data.map((d) => Array.from(d)) }
      : { labels: [], data: [] };
  });
}

/** How many train points of run `id` the chart draws now. */
async function trainPointsOf(page: Page, id: string): Promise<number> {
  const p = await plotOf(page);
  const i = p.labels.indexOf(`${id} train`);
  return i < 0 ? 0 : p.data[i + 1]!.filter((v) => v !== null).length;
}

/** Waits (without reloading) until the chart draws more than `before` train points of run `id`. */
async function waitForMoreTrainPoints(page: Page, id: string, before: number): Promise<void> {
  await page.waitForFunction(
    ([runId, n]) => {
      const u = (window as any).runsDashboard.plot();
      const i = u?.series.findIndex((s: { label: string }) => s.label === `${runId} train`);
      return i > 0 && u.data[i].filter((v: number | null) => v !== null).length > n;
    },
    [id, before] as const,
    { timeout: 60_000 },
  );
}

const rowIds = (page: Page) =>
  page.$$eval('#runs tbody tr.run', (rows) => rows.map((r) => (r as HTMLElement).dataset.id!));

/** Non-background pixels of a PNG, decoded by the browser itself (no image library needed). */
async function inkOf(page: Page, png: Buffer): Promise<{ ink: number; colours: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    const colours = new Set<string>();
    for (let i = 0; i < px.length; i += 4) {
      if (px[i]! > 235 && px[i + 1]! > 235 && px[i + 2]! > 235) continue;
      ink++;
      // Coloured (not grey: axes and grid are grey) pixels, bucketed coarsely.
      if (Math.max(px[i]!, px[i + 1]!, px[i + 2]!) - Math.min(px[i]!, px[i + 1]!, px[i + 2]!) > 60)
        colours.add(`${px[i]! >> 5},${px[i + 1]! >> 5},${px[i + 2]! >> 5}`);
    }
    return { ink, colours: colours.size };
  }, png.toString('base64'));
}

async function select(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) await page.check(`#runs tr[data-id="${id}"] input[type=checkbox]`);
  await page.waitForFunction(
    (n) =>
      document.body.dataset.series !== undefined &&
      (window as any).runsDashboard.plot()?.series.filter((s: { label: string }) => / val$/.test(s.label)).length === n,
    ids.length,
  );
}

// A browser plus several CLI processes on 2 shared cores: generous limits (no timing is asserted).
describe.skipIf(!HAVE_CHROMIUM)('runs ui in Chromium', { timeout: 120_000 }, () => {
  let tree: Tree;
  let ui: UiProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  const cliJson = (...args: string[]) =>
    JSON.parse(execFileSync(process.execPath, [BIN, ...tree.flags, ...args], { encoding: 'utf8' })) as { id: string }[];

  beforeAll(async () => {
    tree = dashboardTree();
    ui = await startUi(tree.flags);
    browser = await launchChromium();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    expect(await ui?.stop()).toBe(0);
    if (tree) removeTree(tree);
  });

  async function open(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(ui.url);
    await page.waitForSelector('body[data-ready="1"]');
    return page;
  }

  it('lists every run, sorted by best val; a header click re-sorts; the filter narrows', async () => {
    const page = await open();
    const byVal = cliJson('list', '--sort', 'val_loss', '--json').map((r) => r.id);
    expect(byVal).toHaveLength(6);
    expect(await rowIds(page)).toEqual(byVal);

    await page.click('#runs th[data-key="tokens_per_sec"]');
    expect(await rowIds(page)).toEqual(cliJson('list', '--sort', 'tokens_per_sec', '--asc', '--json').map((r) => r.id));
    await page.click('#runs th[data-key="tokens_per_sec"]');
    expect(await rowIds(page)).toEqual(
      cliJson('list', '--sort', 'tokens_per_sec', '--desc', '--json').map((r) => r.id),
    );

    await page.fill('#filter', 'lora_rank >= 16');
    await page.press('#filter', 'Enter');
    const wanted = cliJson('list', '--where', 'lora_rank >= 16', '--json')
      .map((r) => r.id)
      .sort();
    expect(wanted).toHaveLength(3);
    await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr.run').length === n, wanted.length);
    expect((await rowIds(page)).sort()).toEqual(wanted);

    await page.fill('#filter', 'lora_rank >= ');
    await page.press('#filter', 'Enter');
    await page.waitForFunction(() => document.querySelector('#filter-error')!.textContent !== '');
    expect(await page.textContent('#filter-error')).toMatch(/not a valid filter/);
    await page.close();
  });

  it('selecting 3 runs draws their 3 val series (the API data), on a chart that is not blank', async () => {
    const page = await open();
    const ids = (await rowIds(page)).slice(0, 3);
    await select(page, ids);
    const plot = await plotOf(page);
    const valLabels = plot.labels.filter((l) => l.endsWith(' val'));
    expect(valLabels.sort()).toEqual(ids.map((id) => `${id} val`).sort());
    for (const id of ids) {
      const api = (await (await fetch(`${ui.url}api/runs/${id}/chart?metric=loss`)).json()) as {
        splits: { val: { x: number[]; y: number[] } };
      };
      const col = plot.data[plot.labels.indexOf(`${id} val`) + 1]!;
      const drawn = plot.data[0]!.flatMap((x, i) => (col[i] === null ? [] : [[x, col[i]]]));
      expect(drawn).toEqual(api.splits.val.x.map((x, i) => [x, api.splits.val.y[i]]));
    }
    const png = await page.locator('#chart canvas').first().screenshot();
    const { ink, colours } = await inkOf(page, png);
    expect(ink).toBeGreaterThan(2000);
    expect(colours).toBeGreaterThanOrEqual(3);
    // The compare view lists the changed keys of the selected runs.
    await page.waitForSelector('#compare-pane table.compare');
    expect(await page.textContent('#compare-pane')).toContain('best val');
    // README's screenshot: written by the test run when asked for.
    const shot =
      process.env.RUNS_UPDATE_SCREENSHOT === '1'
        ? path.join(PROJECT_ROOT, 'docs', 'dashboard.png')
        : path.join(tree.dir, 'dashboard.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: false });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('the run page shows checkpoints, the best marked, and the log tail without ANSI codes', async () => {
    const page = await open();
    await page.click('#runs tr[data-id="2026-11-22_10-00-00"] a.run-link');
    await page.waitForSelector('#run-pane pre.log');
    const log = (await page.textContent('#run-pane pre.log'))!;
    expect(log.length).toBeGreaterThan(100);
    expect(log).not.toContain('\x1b');
    expect(await page.textContent('#run-pane')).toContain('best_val_loss');
    await page.close();
  });

  it('report.html from file://, every network request blocked, shows the same table and chart', async () => {
    const out = path.join(tree.dir, 'report.html');
    execFileSync(process.execPath, [BIN, ...tree.flags, 'report', '-o', out], { encoding: 'utf8' });
    const page = await context.newPage();
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-ready="1"]');
    const byVal = cliJson('list', '--sort', 'val_loss', '--json').map((r) => r.id);
    expect(await rowIds(page)).toEqual(byVal);
    const ids = byVal.slice(0, 3);
    await select(page, ids);
    const plot = await plotOf(page);
    expect(plot.labels.filter((l) => l.endsWith(' val')).sort()).toEqual(ids.map((id) => `${id} val`).sort());
    const { ink } = await inkOf(page, await page.locator('#chart canvas').first().screenshot());
    expect(ink).toBeGreaterThan(2000);
    expect(blocked).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!HAVE_CHROMIUM)('runs ui live (Chromium)', { timeout: 120_000 }, () => {
  it("a running stand-in trainer's run appears and its new points are drawn without a reload", async () => {
    const tree = makeTree('runs-ui-live-');
    const ui = await startUi(tree.flags);
    const browser = await launchChromium();
    const recorder = spawn(
      process.execPath,
      [BIN, ...tree.flags, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '1000'],
      {
        env: {
          ...process.env,
          FAKE_LOG: path.join(FIXTURE_LOGS, '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log'),
          FAKE_DELAY_MS: '40',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const recorded = new Promise<number | null>((r) => recorder.on('close', (c) => r(c)));
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
      await page.goto(ui.url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      // The run folder is made after the page loaded: it arrives over the live stream.
      await page.waitForSelector('#runs tr.run.status-running', { timeout: 60_000 });
      const id = (await rowIds(page))[0]!;
      await page.check(`#runs tr[data-id="${id}"] input[type=checkbox]`);
      const trainPoints = () => trainPointsOf(page, id);
      await page.waitForFunction(() => (window as any).runsDashboard.plot() !== null);
      const before = await trainPoints();
      await waitForMoreTrainPoints(page, id, before);
      expect(await trainPoints()).toBeGreaterThan(before);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      // The whole series was asked for once; after that only rows after a seq already seen.
      const chartCalls = requests.filter((r) => r.startsWith(`/api/runs/${id}/chart`));
      const metricCalls = requests.filter((r) => r.startsWith(`/api/runs/${id}/metrics`));
      expect(chartCalls).toHaveLength(1);
      expect(metricCalls.length).toBeGreaterThan(0);
      // Each asks from where the page's data ends (-1 only while it had no row of the run yet).
      const afters = metricCalls.map((m) => Number(new URL(m, 'http://x').searchParams.get('after')));
      expect(afters).toEqual([...afters].sort((a, b) => a - b));
    } finally {
      recorder.kill('SIGINT');
      await recorded;
      await browser.close();
      await ui.stop();
      fs.rmSync(tree.dir, { recursive: true, force: true });
    }
  });

  it("a running trainer's extra metric (DPO margin) grows on the page without a reload, and equals a fresh load", async () => {
    const tree = makeTree('runs-ui-live-extra-');
    // An mlx-lm-lora DPO log long enough to watch grow: train every 5 iterations, val every 50.
    const lines = ['Loading pretrained model', 'Training', 'Starting training..., iters: 600'];
    for (let it = 5; it <= 600; it += 5) {
      const k = it / 600;
      lines.push(
        `Iter ${it}: loss ${(0.69 - 0.3 * k).toFixed(3)}, chosen_r ${(0.1 * k).toFixed(3)}, rejected_r ${(-0.1 * k).toFixed(3)}, acc ${(0.5 + 0.4 * k).toFixed(3)}, margin ${(0.2 * k + 0.01 * Math.sin(it)).toFixed(3)}, lr 5.000e-06, it/s ${(0.4 + 0.1 * Math.cos(it)).toFixed(3)}, tok/s 288.250, peak_mem 6.550GB`,
      );
      if (it % 50 === 0)
        lines.push(
          `Iter ${it}: Val loss ${(0.68 - 0.25 * k).toFixed(3)}, Val chosen reward 0.010, Val rejected reward -0.008, Val accuracy 0.510, Val margin ${(0.15 * k).toFixed(3)}, Val took 2.500s`,
        );
    }
    const log = path.join(tree.dir, 'dpo.log');
    fs.writeFileSync(log, `${lines.join('\n')}\n`);
    const resume = path.join(tree.dir, 'resume');
    const recorder = spawn(
      process.execPath,
      [BIN, ...tree.flags, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '600'],
      {
        // It stops after 40 lines until the page has drawn them, then writes the rest.
        env: { ...process.env, FAKE_LOG: log, FAKE_PAUSE_AFTER_LINES: '40', FAKE_RESUME_FILE: resume },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const recorded = new Promise<number | null>((r) => recorder.on('close', (c) => r(c)));
    const ui = await startUi(tree.flags);
    const browser = await launchChromium();
    try {
      // The metric menu is filled when the page starts: wait until the run has margin rows.
      const deadline = Date.now() + 60_000;
      while (!((await (await fetch(`${ui.url}api/metric-names`)).json()) as string[]).includes('margin')) {
        if (Date.now() > deadline) throw new Error('no margin rows were indexed');
        await new Promise((r) => setTimeout(r, 200));
      }
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
      await page.goto(ui.url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      const id = (await rowIds(page))[0]!;
      await page.selectOption('#metric', 'margin');
      await page.selectOption('#x-axis', 'time');
      await page.check(`#runs tr[data-id="${id}"] input[type=checkbox]`);
      await page.waitForFunction(() => (window as any).runsDashboard.plot() !== null);
      const trainPoints = () => trainPointsOf(page, id);
      const before = await trainPoints();
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(120);
      fs.writeFileSync(resume, '');
      await waitForMoreTrainPoints(page, id, before);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(await recorded).toBe(0);
      // Once the run has ended and the page has caught up, the grown chart equals a fresh load.
      await page.waitForFunction(
        (n) => {
          const c = (window as any).runsDashboard.state.charts.get(n);
          return c && c.splits.train && c.splits.train.y.length === 120;
        },
        `${id}\nmargin`,
        { timeout: 60_000 },
      );
      const grown = await page.evaluate(
        (n) => (window as any).runsDashboard.state.charts.get(n).splits,
        `${id}\nmargin`,
      );
      const fresh = (await (await fetch(`${ui.url}api/runs/${id}/chart?metric=margin&points=100000`)).json()) as {
        splits: unknown;
      };
      expect(grown).toEqual(fresh.splits);
      // The x axis is training time (seconds from it/s and Val took), the same times as the server's.
      const plot = await plotOf(page);
      const times = fresh.splits as Record<string, { t: number[] }>;
      expect(plot.data[0]!.at(-1)).toBe(Math.max(times.train!.t.at(-1)!, times.val!.t.at(-1)!));
      // One whole series, then only values after a seq already seen.
      expect(requests.filter((r) => r.startsWith(`/api/runs/${id}/chart`))).toHaveLength(1);
      const afters = requests
        .filter((r) => r.startsWith(`/api/runs/${id}/series`))
        .map((m) => Number(new URL(m, 'http://x').searchParams.get('after')));
      expect(afters.length).toBeGreaterThan(0);
      expect(afters).toEqual([...afters].sort((a, b) => a - b));
    } finally {
      recorder.kill('SIGINT');
      await recorded;
      await browser.close();
      await ui.stop();
      fs.rmSync(tree.dir, { recursive: true, force: true });
    }
  });
});
