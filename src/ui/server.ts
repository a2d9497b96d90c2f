// The HTTP side of `runs ui`: a read-only JSON API and the page's three static files. Only GET and
// HEAD; a request is answered only when its Host header names the address served (DNS rebinding);
// static files come from a fixed list of names, never from a path built out of the URL; no CORS
// headers at all (the browser then keeps other origins from reading any answer).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseError, RunsError, UsageError } from '../core/errors.js';
import { CHART_METRICS } from './series.js';

/** What the server answers with; implemented over the index reader (ui/dashboard-data.ts). */
export interface UiApi {
  listRuns(where?: string): Promise<unknown[] | RawJson>;
  showJson(ref: string): Promise<unknown>;
  metrics(ref: string, afterSeq: number): Promise<unknown[]>;
  chart(ref: string, metric: string, points?: number): Promise<unknown>;
  /** One metric's rows after a seq as chart tuples with their training time (live extra metrics). */
  series(ref: string, metric: string, afterSeq: number): Promise<unknown[]>;
  page(ref: string): Promise<unknown>;
  metricNames(): Promise<string[]>;
}

export interface UiAssets {
  /** name ('index.html', 'app.js', 'app.css') → content. */
  files: Map<string, { body: Buffer; type: string }>;
}

export interface LiveEvents {
  /** Called with each event to send; returns the unsubscribe function. */
  subscribe(send: (event: string, data: unknown) => void): () => void;
}

export interface UiServerOptions {
  host: string;
  port: number;
  api: UiApi;
  assets: UiAssets;
  live: LiveEvents;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An answer already serialised (a cached `/api/runs`): sent as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What an extra metric (`metric_values.name`) looks like: rewards_mean, grad_norm, kl/ref, … */
const EXTRA_METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.:/-]{0,63}$/;

const JSON_TYPE = 'application/json; charset=utf-8';
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The page loads only its own script and style and talks only to this server.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Which query parameters each route takes (anything else is a 400: a typo should not be ignored). */
const ROUTE_PARAMS: Record<string, readonly string[]> = {
  list: ['where'],
  show: [],
  metrics: ['after'],
  chart: ['metric', 'points'],
  series: ['metric', 'after'],
  page: [],
  events: [],
  names: [],
  static: [],
};

export async function startUiServer(opts: UiServerOptions): Promise<RunningServer> {
  const sockets = new Set<import('node:net').Socket>();
  const streams = new Set<http.ServerResponse>();
  let allowedHosts = new Set<string>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message =
        err instanceof HttpError ? err.message : 'internal error, please report it (the server log has the details)';
      if (status === 500) process.stderr.write(`runs ui: ${(err as Error)?.stack ?? String(err)}\n`);
      sendJson(res, status, { error: message });
    });
  });
  // Node closes an idle keep-alive connection after 5 s; a client that reuses it at that moment
  // (a script busy between two requests, a page in a background tab) gets "socket closed" for
  // a request it never got to send. Idle connections cost nothing here: keep them a minute.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host?.toLowerCase();
    if (!host || !allowedHosts.has(host)) {
      throw new HttpError(421, `this server answers only for ${[...allowedHosts][0]} (got Host: ${host ?? 'none'})`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only: only GET and HEAD');
    const { route, params } = parseTarget(req.url ?? '/');
    const allowed = ROUTE_PARAMS[route.kind]!;
    for (const key of params.keys()) {
      if (!allowed.includes(key)) {
        throw new HttpError(
          400,
          `unknown query parameter "${key}"${allowed.length ? ` (this endpoint takes: ${allowed.join(', ')})` : ' (this endpoint takes none)'}`,
        );
      }
    }
    switch (route.kind) {
      case 'static': {
        const file = opts.assets.files.get(route.name);
        if (!file) throw new HttpError(404, `not found: ${route.name}`);
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': file.type,
          'Content-Length': file.body.length,
          'Cache-Control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : file.body);
        return;
      }
      case 'list':
        return sendJson(res, 200, await call(() => opts.api.listRuns(optionalText(params, 'where'))));
      case 'show':
        return sendJson(res, 200, await call(() => opts.api.showJson(route.ref)));
      case 'page':
        return sendJson(res, 200, await call(() => opts.api.page(route.ref)));
      case 'metrics':
        return sendJson(res, 200, await call(() => opts.api.metrics(route.ref, intParam(params, 'after', -1, -1))));
      case 'chart': {
        const metric = metricParam(params);
        const points = params.has('points') ? intParam(params, 'points', 0, 10) : undefined;
        return sendJson(res, 200, await call(() => opts.api.chart(route.ref, metric, points)));
      }
      case 'series': {
        const metric = metricParam(params);
        const after = intParam(params, 'after', -1, -1);
        return sendJson(res, 200, await call(() => opts.api.series(route.ref, metric, after)));
      }
      case 'events':
        return openEventStream(res);
      case 'names':
        return sendJson(res, 200, await call(() => opts.api.metricNames()));
    }
  }

  function openEventStream(res: http.ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': runs ui live updates\n\n');
    streams.add(res);
    const unsubscribe = opts.live.subscribe((event, data) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    // A comment now and then, so proxies and the browser keep the stream open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  allowedHosts = new Set([`${hostPart}:${port}`.toLowerCase(), `localhost:${port}`]);
  return {
    url: `http://${hostPart}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of streams) r.end();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

type Route =
  | { kind: 'static'; name: string }
  | { kind: 'list' }
  | { kind: 'events' }
  | { kind: 'names' }
  | { kind: 'show' | 'metrics' | 'chart' | 'series' | 'page'; ref: string };

const STATIC_NAMES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};

/** The request target → a route. Nothing here becomes a file path; unknown targets are 404. */
export function parseTarget(target: string): { route: Route; params: URLSearchParams } {
  let url: URL;
  try {
    url = new URL(target, 'http://x');
  } catch {
    throw new HttpError(400, 'malformed request target');
  }
  // Match on the raw (still percent-encoded) path: an encoded "/" or "." never forms a route.
  const p = url.pathname;
  const rawQuery = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  let params: URLSearchParams;
  try {
    decodeURIComponent(rawQuery.replace(/\+/g, ' '));
    params = new URLSearchParams(rawQuery);
  } catch {
    throw new HttpError(400, 'malformed query string (bad percent-encoding)');
  }
  if (target.startsWith('//') || !target.startsWith('/')) throw new HttpError(400, 'request target must be a path');
  // new URL() folds "/a/../b" (and reads a raw "\\" as "/"); refuse targets whose raw path differs
  // from the folded one. An encoded backslash (%5C) stays: it can only name a run id (a folder
  // name may hold one), which is matched against the ids the index knows, never read as a path.
  const rawPath = target.split('?')[0]!.split('#')[0]!;
  if (rawPath !== p || /%2e|%2f|\\/i.test(rawPath)) throw new HttpError(404, 'not found');
  const staticName = STATIC_NAMES[p];
  if (staticName) return { route: { kind: 'static', name: staticName }, params };
  if (p === '/api/runs') return { route: { kind: 'list' }, params };
  if (p === '/api/events') return { route: { kind: 'events' }, params };
  if (p === '/api/metric-names') return { route: { kind: 'names' }, params };
  const m = /^\/api\/runs\/([^/]+)(?:\/(metrics|chart|series|page))?$/.exec(p);
  if (m) {
    let ref: string;
    try {
      ref = decodeURIComponent(m[1]!);
    } catch {
      throw new HttpError(400, 'malformed run reference');
    }
    const kind = (m[2] ?? 'show') as 'show' | 'metrics' | 'chart' | 'series' | 'page';
    return { route: { kind, ref }, params };
  }
  throw new HttpError(404, 'not found');
}

function metricParam(params: URLSearchParams): string {
  const metric = params.get('metric') ?? 'loss';
  if (!(CHART_METRICS as readonly string[]).includes(metric) && !EXTRA_METRIC_NAME.test(metric)) {
    throw new HttpError(
      400,
      `metric must be one of ${CHART_METRICS.join(', ')} or an extra metric's name (GET /api/metric-names); got "${metric}"`,
    );
  }
  return metric;
}

function optionalText(params: URLSearchParams, key: string): string | undefined {
  const v = params.get(key);
  if (v === null) return undefined;
  if (v.trim() === '')
    throw new HttpError(400, `${key} is empty: leave it out, or give a filter such as lora_rank >= 16`);
  return v;
}

function intParam(params: URLSearchParams, key: string, fallback: number, min: number): number {
  const v = params.get(key);
  if (v === null) return fallback;
  if (!/^-?\d{1,15}$/.test(v) || Number(v) < min) {
    throw new HttpError(400, `${key} must be a whole number of at least ${min}; got "${v}"`);
  }
  return Number(v);
}

/** Our expected errors → HTTP: a bad reference or filter is the client's (400/404), never a stack. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw new HttpError(400, err.message);
    if (err instanceof DatabaseError) throw err; // the server's trouble (500), not a missing run
    if (err instanceof RunsError) throw new HttpError(404, err.message);
    throw err;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
