// runs ui: the local, read-only dashboard. Serves the page and the JSON API (ui/server.ts) from the
// index reader; while a page listens for live updates, the index is kept fresh once a second (the
// same cheap pass every read command makes) and only what changed is pushed to the page.
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import type { RunsReader } from '../db/index.js';
import { holdStopSignals, openInBrowser } from '../trainer/spawn.js';
import { livePageHtml, loadFrontEnd } from '../ui/assets.js';
import { RawJson, startUiServer, type LiveEvents, type UiApi, type UiAssets } from '../ui/server.js';
import { DashboardData } from '../ui/dashboard-data.js';
import type { RunSummaryJson } from '../core/run-json.js';
import { syncAll } from '../indexer/sync.js';

export interface UiOptions {
  host: string;
  port: number;
  open?: boolean;
}

/** How often a live page's runs are checked (only while a page is listening). */
const LIVE_INTERVAL_MS = 1000;
/** Requests within this long of the last freshness pass use its result. */
const FRESH_MS = 500;

export async function serveUi(ctx: Context, opts: UiOptions): Promise<void> {
  const warned = new Set<string>();
  const sync = async () => {
    const report = await syncAll(ctx, 'fresh');
    for (const w of report.warnings) {
      if (warned.has(w)) continue;
      warned.add(w);
      ctx.notice(`warning: ${w}`);
    }
  };
  // With --team the page reads the team database: nothing local to keep fresh, and no run folders
  // (they stay on each machine) for log tails.
  const team = ctx.team();
  if (!team) await sync();
  const reader = await ctx.reader();
  const data = new DashboardData(reader, team ? null : ctx.locations().root);
  const front = loadFrontEnd();
  const assets: UiAssets = {
    files: new Map([
      ['index.html', { body: Buffer.from(livePageHtml()), type: 'text/html; charset=utf-8' }],
      ['app.js', { body: Buffer.from(front.js), type: 'text/javascript; charset=utf-8' }],
      ['app.css', { body: Buffer.from(front.css), type: 'text/css; charset=utf-8' }],
    ]),
  };
  const fresh = team ? () => Promise.resolve() : freshener(sync);
  const table = new RunsTable(reader, data, fresh, (m) => ctx.notice(m));
  const api: UiApi = {
    listRuns: async (where) => {
      await fresh();
      return where === undefined ? table.current() : data.listRuns(where);
    },
    showJson: async (ref) => (await fresh(), data.showJson(ref)),
    metrics: async (ref, after) => (await fresh(), data.metrics(ref, after)),
    chart: async (ref, metric, points) => (await fresh(), data.chart(ref, metric, points)),
    series: async (ref, metric, after) => (await fresh(), data.seriesAfter(ref, metric, after)),
    page: async (ref) => (await fresh(), data.page(ref)),
    metricNames: async () => (await fresh(), data.metricNames()),
  };
  let server;
  try {
    server = await startUiServer({ host: opts.host, port: opts.port, api, assets, live: table });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new RunsError(`port ${opts.port} is in use: pick another with --port, or --port 0 for any free one`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new RunsError(`cannot listen on ${opts.host}: not an address of this machine (try --host 127.0.0.1)`);
    throw err;
  }
  ctx.notice(`runs ui: ${server.url}  (read-only; Ctrl-C to stop)`);
  if (opts.open) openInBrowser(server.url, (m) => ctx.notice(`warning: ${m}`));
  let release = () => {};
  await new Promise<void>((resolve) => {
    release = holdStopSignals(() => resolve());
  });
  release();
  table.stop();
  await server.close();
}

/**
 * The freshness pass at most once per FRESH_MS, however many requests arrive (a page
 * asking for 50 charts at once costs one pass); concurrent callers share the pass in flight.
 */
function freshener(sync: () => Promise<void>): () => Promise<void> {
  let last = 0;
  let running: Promise<void> | null = null;
  return () => {
    if (running) return running;
    if (performance.now() - last < FRESH_MS) return Promise.resolve();
    running = sync().finally(() => {
      last = performance.now();
      running = null;
    });
    return running;
  };
}

/**
 * Every run's `runs list --json` object, serialised once per change of the index: `/api/runs`
 * sends the cached text, and each rebuild pushes what changed since the last one (rows, removed
 * ids) to listening pages as a `runs` event. A page loads `/api/runs` before it listens, so the
 * table it got is never older than the one the next diff starts from.
 */
class RunsTable implements LiveEvents {
  private readonly listeners = new Set<(event: string, data: unknown) => void>();
  private timer: NodeJS.Timeout | undefined;
  private token: string | null = null;
  private texts = new Map<string, string>();
  private body: RawJson | null = null;
  private building: Promise<void> | null = null;

  constructor(
    private readonly reader: RunsReader,
    private readonly data: DashboardData,
    private readonly fresh: () => Promise<void>,
    private readonly notice: (m: string) => void,
  ) {}

  async current(): Promise<RawJson> {
    await this.rebuildIfChanged();
    return this.body!;
  }

  subscribe(send: (event: string, data: unknown) => void): () => void {
    this.listeners.add(send);
    this.timer ??= setInterval(() => void this.tick(), LIVE_INTERVAL_MS);
    return () => {
      this.listeners.delete(send);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private rebuildIfChanged(): Promise<void> {
    this.building ??= this.rebuild().finally(() => (this.building = null));
    return this.building;
  }

  private async rebuild(): Promise<void> {
    // Read the token first: a commit landing during the read moves it again, so the next look rebuilds.
    const token = await this.reader.changeToken();
    if (token === this.token && this.body) return;
    const first = this.token === null;
    const next = new Map<string, string>();
    const changed: RunSummaryJson[] = [];
    const texts: string[] = [];
    for (const r of await this.data.listRuns()) {
      const text = JSON.stringify(r);
      texts.push(text);
      next.set(r.id, text);
      if (!first && this.texts.get(r.id) !== text) changed.push(r);
    }
    const removed = first ? [] : [...this.texts.keys()].filter((id) => !next.has(id));
    this.token = token;
    this.texts = next;
    this.body = new RawJson(`[${texts.join(',')}]`);
    if (changed.length === 0 && removed.length === 0) return;
    for (const send of this.listeners) send('runs', { changed, removed });
  }

  private async tick(): Promise<void> {
    try {
      await this.fresh();
      await this.rebuildIfChanged();
    } catch (err) {
      this.notice(`warning: live update failed (${(err as Error).message}); retrying`);
    }
  }
}
