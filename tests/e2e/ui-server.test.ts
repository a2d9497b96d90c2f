// `runs ui`: the JSON API and its safety rules, against the shipped bundle.
// Why a real process: the server is a long-running `node dist/runs.mjs ui` that users start; only a
// real HTTP client talking to it (raw targets and Host headers included) shows what it answers.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { dashboardTree, removeTree, startUi, type UiProcess } from '../helpers/ui.js';
import type { Tree } from '../helpers/tree.js';

let tree: Tree;
let ui: UiProcess;

beforeAll(async () => {
  tree = dashboardTree();
  ui = await startUi(tree.flags);
});

afterAll(async () => {
  expect(await ui.stop()).toBe(0);
  removeTree(tree);
});

const cli = (...args: string[]) => execFileSync(process.execPath, [BIN, ...tree.flags, ...args], { encoding: 'utf8' });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the target goes on the wire exactly as written, with the Host header given. */
function request(
  target: string,
  opts: { host?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ui.port,
        path: target,
        method: opts.method ?? 'GET',
        setHost: false,
        headers: { Host: opts.host ?? `127.0.0.1:${ui.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const json = async (target: string) => {
  const a = await request(target);
  expect(a.status, a.body).toBe(200);
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(a.body) as unknown;
};

describe('runs ui JSON API', () => {
  it('GET /api/runs is `runs list --json`', async () => {
    const listed = JSON.parse(cli('list', '--json')) as { id: string }[];
    expect(listed.length).toBe(6);
    expect(await json('/api/runs')).toEqual(listed);
  });

  it('GET /api/runs?where= filters with the --where language', async () => {
    const listed = JSON.parse(cli('list', '--json', '--where', 'lora_rank >= 16')) as { id: string }[];
    expect(listed.length).toBe(3);
    expect(await json(`/api/runs?where=${encodeURIComponent('lora_rank >= 16')}`)).toEqual(listed);
  });

  it('GET /api/runs/<id> is `runs show <id> --json`, for an id and a reference', async () => {
    const shown = JSON.parse(cli('show', '2026-11-23_10-00-00', '--json'));
    expect(await json('/api/runs/2026-11-23_10-00-00')).toEqual(shown);
    expect(await json('/api/runs/latest~2')).toEqual(shown);
  });

  it('GET /api/runs/<id>/metrics?after=<seq> is every stored row after that seq, unthinned', async () => {
    const id = '2026-11-21_10-00-00';
    const all = JSON.parse(
      cli('sql', '--json', '--limit', '100000', `select * from metrics where run_id = '${id}' order by seq`),
    ) as { seq: number }[];
    expect(all.length).toBeGreaterThan(100);
    expect(await json(`/api/runs/${id}/metrics`)).toEqual(all);
    const after = all[40]!.seq;
    expect(await json(`/api/runs/${id}/metrics?after=${after}`)).toEqual(all.filter((r) => r.seq > after));
    expect(await json(`/api/runs/${id}/metrics?after=${all.at(-1)!.seq}`)).toEqual([]);
  });

  it('chart series are thinned on the server, keeping the best val loss and the highest train loss', async () => {
    const id = '2026-11-21_10-00-00';
    const rows = JSON.parse(
      cli(
        'sql',
        '--json',
        '--limit',
        '100000',
        `select split, loss from metrics where run_id = '${id}' and loss is not null`,
      ),
    ) as { split: string; loss: number }[];
    const train = rows.filter((r) => r.split === 'train').map((r) => r.loss);
    expect(train.length).toBeGreaterThan(40);
    const chart = (await json(`/api/runs/${id}/chart?metric=loss&points=20`)) as {
      splits: Record<string, { x: number[]; y: number[] }>;
    };
    expect(chart.splits.train!.y.length).toBeLessThanOrEqual(20);
    expect(Math.max(...chart.splits.train!.y)).toBe(Math.max(...train));
    expect(Math.min(...chart.splits.train!.y)).toBe(Math.min(...train));
    const run = JSON.parse(cli('show', id, '--json')) as { best_val_loss: number };
    expect(Math.min(...chart.splits.val!.y)).toBe(run.best_val_loss);
  });

  it('chart points carry the training time the log tells: sum of report windows / It/sec and Val took', async () => {
    const id = '2026-11-21_10-00-00';
    const rows = JSON.parse(
      cli(
        'sql',
        '--json',
        '--limit',
        '100000',
        `select seq, iter, split, it_per_sec, val_time_s from metrics where run_id = '${id}' and segment = 0 order by seq`,
      ),
    ) as { seq: number; iter: number | null; split: string; it_per_sec: number | null; val_time_s: number | null }[];
    const trainIters = rows.filter((r) => r.split === 'train').map((r) => r.iter!);
    expect(trainIters.length).toBeGreaterThan(40);
    // This log reports every `steps` iterations: each train report timed `steps / It/sec` seconds.
    const steps = trainIters[0]!;
    const total =
      rows.reduce((sum, r) => sum + (r.split === 'val' ? (r.val_time_s ?? 0) : 0), 0) +
      rows.reduce((sum, r) => sum + (r.split === 'train' ? steps / r.it_per_sec! : 0), 0);
    const chart = (await json(`/api/runs/${id}/chart?metric=loss&points=100000`)) as {
      splits: Record<string, { x: number[]; t: (number | null)[] }>;
    };
    const val = chart.splits.val!;
    const train = chart.splits.train!;
    expect(val.t[0]).toBeCloseTo(rows.find((r) => r.split === 'val')!.val_time_s!, 9);
    const last = Math.max(val.t.at(-1)!, train.t.at(-1)!);
    expect(last).toBeCloseTo(total, 6);
    for (const s of [val, train]) {
      expect(s.t.every((t) => typeof t === 'number')).toBe(true);
      expect(s.t).toEqual([...s.t].sort((a, b) => a! - b!));
    }
  });

  it('serves the page and its two files', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/app.js"');
    for (const f of ['/app.js', '/app.css']) expect((await request(f)).status).toBe(200);
  });
});

describe('runs ui safety', () => {
  it.each([
    ['evil.example'],
    ['evil.example:PORT'],
    ['127.0.0.1:1'],
    ['localhost'],
    ['127.0.0.1'],
    ['127.0.0.1.evil.example:PORT'],
  ])('Host: %s (DNS rebinding) is refused with 4xx', async (host) => {
    const a = await request('/api/runs', { host: host.replace('PORT', String(ui.port)) });
    expect(a.status).toBe(421);
    expect(JSON.parse(a.body)).toEqual({ error: expect.stringContaining('answers only for') });
  });

  it('Host: localhost:<port> and 127.0.0.1:<port> are answered', async () => {
    expect((await request('/api/runs', { host: `localhost:${ui.port}` })).status).toBe(200);
    expect((await request('/api/runs', { host: `127.0.0.1:${ui.port}` })).status).toBe(200);
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/app.js/../../package.json',
    '/..\\package.json',
    '/%5c..%5cpackage.json',
    '//etc/passwd',
    '/api/runs/..%2F..%2Fpackage.json',
    '/api/runs/%2e%2e',
    '/dist/runs.mjs',
    '/package.json',
  ])('traversal %s finds nothing', async (target) => {
    const a = await request(target);
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.status).toBeLessThan(500);
    expect(a.body).not.toContain('"name": "runs"');
    expect(a.body).not.toContain('root:');
    expect(a.body).not.toContain('createRequire');
  });

  it.each([
    ['/api/runs/2026-11-21_10-00-00/metrics?after=abc', 'after'],
    ['/api/runs/2026-11-21_10-00-00/metrics?after=-5', 'after'],
    ['/api/runs/2026-11-21_10-00-00/metrics?after=1.5', 'after'],
    ['/api/runs/2026-11-21_10-00-00/metrics?limit=5', 'unknown query parameter "limit"'],
    ['/api/runs?bogus=1', 'unknown query parameter "bogus"'],
    ['/api/runs?where=', 'where is empty'],
    ['/api/runs?where=lora_rank%20%3E%3D%2016)', 'unmatched'],
    ['/api/runs?where=1%3D1)%3B%20drop%20table%20runs%3B--', 'where'],
    ['/api/runs?where=nosuchcolumn%20%3D%201', 'no such column'],
    ['/api/runs?where=%E0%A4%A', 'percent-encoding'],
    ['/api/runs/2026-11-21_10-00-00/chart?metric=no%20pe%3B', 'metric must be one of'],
    ['/api/runs/2026-11-21_10-00-00/chart?points=3', 'points'],
    ['/api/runs/2026-11-21_10-00-00/series?metric=no%20pe%3B&after=1', 'metric must be one of'],
    ['/api/runs/2026-11-21_10-00-00/series?metric=loss&after=x', 'after'],
    ['/api/runs/2026-11-21_10-00-00/series?metric=loss&points=3', 'unknown query parameter'],
    ['/api/runs/%00', 'not a run reference'],
  ])('%s → 400 with a JSON error', async (target, message) => {
    const a = await request(target);
    expect(a.status).toBe(400);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(a.body) as { error: string };
    expect(body.error).toContain(message);
    expect(a.body).not.toMatch(/\n\s+at |\.ts:\d|\.mjs:\d/);
  });

  it('an unknown run is a 404 with a JSON error', async () => {
    const a = await request('/api/runs/2019-01-01');
    expect(a.status).toBe(404);
    expect(JSON.parse(a.body)).toEqual({ error: expect.stringContaining('no run matches') });
  });

  it('no permissive CORS: no Access-Control-* header, preflight and writes refused', async () => {
    const origin = { Origin: 'http://evil.example' };
    const get = await request('/api/runs', { headers: origin });
    expect(get.status).toBe(200);
    const preflight = await request('/api/runs', {
      method: 'OPTIONS',
      headers: { ...origin, 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(405);
    for (const method of ['POST', 'PUT', 'DELETE'])
      expect((await request('/api/runs', { method, headers: origin })).status).toBe(405);
    for (const a of [get, preflight]) {
      expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('binds 127.0.0.1 only by default', () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/`);
  });
});
