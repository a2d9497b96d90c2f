// Every byte of a log of any size reads the same as a one-shot parse: logs of 2 to 50 MB (classic
// eras, rich UI, resumed runs, a fork, CRLF), indexed by the shipped bundle in 1 MB reads and
// 25,000-record write batches, equal row for row (values, seq, segment) and in their summary to
// parsing the same bytes in one chunk in memory; and the same for a live `runs train` whose
// trainer writes more than 1 MB between two index passes.
// Why a real process: this is what users run (dist/runs.mjs: its chunks, its reader, its writer),
// on inputs larger than the read buffer and the write batch, where a reused buffer or a batch
// boundary can change what is stored; the small fixtures fit in one read.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySummaryState, foldSummary } from '../../src/core/summarize.js';
import { parseLogText } from '../../src/parse/mlx-log-parser.js';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS } from '../helpers/paths.js';

const MB = 1 << 20;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-real-size-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Deterministic numbers (no flaky tests): a small LCG. */
function numbers(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** mlx_lm 0.19+ classic lines: a train report every step, val every 250, a save every 1000. */
function classicLog(opts: {
  iters: number;
  seed: number;
  eol?: string;
  resumedFrom?: string;
  progressBars?: boolean;
}): string {
  const eol = opts.eol ?? '\n';
  const r = numbers(opts.seed);
  const out: string[] = ['Loading pretrained model', 'Loading datasets', 'Training'];
  if (opts.resumedFrom) out.push(`Loading fine-tuned weights from ${opts.resumedFrom}`);
  out.push('Trainable parameters: 0.081% (0.655M/808.112M)', `Starting training..., iters: ${opts.iters}`);
  let tokens = 0;
  for (let i = 1; i <= opts.iters; i++) {
    if (i === 1 || i % 250 === 0)
      out.push(
        `Iter ${i}: Val loss ${(2.5 - i / opts.iters + r() / 10).toFixed(3)}, Val took ${(3 + r()).toFixed(3)}s`,
      );
    tokens += 300 + Math.floor(r() * 200);
    out.push(
      `Iter ${i}: Train loss ${(2.4 - i / opts.iters + r() / 5).toFixed(3)}, Learning Rate ${(1e-5 * (1 + r())).toExponential(3)}, ` +
        `It/sec ${(1 + r()).toFixed(3)}, Tokens/sec ${(400 + r() * 400).toFixed(3)}, Trained Tokens ${tokens}, Peak mem ${(4 + r() * 3).toFixed(3)} GB`,
    );
    // tqdm's bar of the val batches, as the trainer prints it: bytes, and no record.
    if (opts.progressBars)
      out.push(`Calculating loss...: 100%|${'█'.repeat(100)}| 25/25 [00:03<00:00,  7.${i % 100}it/s]`);
    if (i % 1000 === 0)
      out.push(
        `Iter ${i}: Saved adapter weights to adapters/adapters.safetensors and adapters/${String(i).padStart(7, '0')}_adapters.safetensors.`,
      );
  }
  out.push(
    'Saved final weights to adapters/adapters.safetensors.',
    'Testing',
    `Test loss ${(1 + r()).toFixed(3)}, Test ppl ${(3 + r()).toFixed(3)}.`,
  );
  return out.join(eol) + eol;
}

/** lora.py (2023): `Iter N: Train loss X, It/sec Y, Tokens/sec Z` and its val lines. */
function loraPyLog(iters: number, seed: number): string {
  const r = numbers(seed);
  const out = [
    'Loading pretrained model',
    'Total parameters 7243.436M',
    'Trainable parameters 2.097M',
    'Loading datasets',
    'Training',
  ];
  for (let i = 1; i <= iters; i++) {
    out.push(
      `Iter ${i}: Train loss ${(2 - i / iters + r() / 5).toFixed(3)}, It/sec ${(1 + r()).toFixed(3)}, Tokens/sec ${(90 + r() * 20).toFixed(3)}`,
    );
    if (i % 200 === 0)
      out.push(`Iter ${i}: Val loss ${(1.8 - i / iters).toFixed(3)}, Val took ${(10 + r()).toFixed(3)}s`);
  }
  return out.join('\n') + '\n';
}

/** A fixture repeated up to `bytes` (each copy restarts the iterations: a new segment each time). */
function repeated(fixture: string, bytes: number): Buffer {
  const one = fs.readFileSync(path.join(FIXTURE_LOGS, fixture));
  const copies = Math.ceil(bytes / one.length);
  return Buffer.concat(Array.from({ length: copies }, () => one));
}

interface Expected {
  metrics: unknown[][];
  checkpoints: unknown[][];
  summary: Record<string, unknown>;
}

/** The one-shot parse: all bytes in one chunk, in memory, then the rows the index should hold. */
function oneShot(bytes: Uint8Array): Expected {
  const { records, facts } = parseLogText(bytes);
  const metrics: unknown[][] = [];
  const checkpoints: unknown[][] = [];
  for (const r of records) {
    if (r.kind === 'metric') {
      metrics.push([
        metrics.length,
        r.segment,
        r.iter,
        r.split,
        r.loss,
        r.learning_rate,
        r.it_per_sec,
        r.tokens_per_sec,
        r.trained_tokens,
        r.peak_mem_gb,
        r.val_time_s,
        r.test_ppl,
      ]);
    } else checkpoints.push([checkpoints.length, r.segment, r.iter, r.file]);
  }
  const s = foldSummary(emptySummaryState(), records).summary;
  return { metrics, checkpoints, summary: { ...s, log_format: facts.log_format, outcome_hint: facts.outcome_hint } };
}

const SUMMARY_COLUMNS = Object.keys(emptySummaryState().summary).concat(['log_format', 'outcome_hint']);

function stored(db: string, id: string): Expected {
  const d = new Database(db, { readonly: true });
  try {
    const metrics = d
      .prepare(
        'select seq, segment, iter, split, loss, learning_rate, it_per_sec, tokens_per_sec, trained_tokens, peak_mem_gb, val_time_s, test_ppl from metrics where run_id = ? order by seq',
      )
      .raw()
      .all(id) as unknown[][];
    const checkpoints = d
      .prepare('select seq, segment, iter, file from checkpoints where run_id = ? order by seq')
      .raw()
      .all(id) as unknown[][];
    const row = d.prepare(`select ${SUMMARY_COLUMNS.join(', ')} from runs where id = ?`).get(id) as Record<
      string,
      unknown
    >;
    return { metrics, checkpoints, summary: row };
  } finally {
    d.close();
  }
}

/** Row for row; on a difference, shows the first differing row rather than 400,000 of them. */
function expectSameRows(label: string, got: unknown[][], want: unknown[][]): void {
  const n = Math.min(got.length, want.length);
  let i = 0;
  while (i < n && JSON.stringify(got[i]) === JSON.stringify(want[i])) i++;
  if (i < n) expect(got[i], `${label}: first differing row (${i})`).toEqual(want[i]);
  expect(got.length, `${label}: row count`).toBe(want.length);
}

function expectSameAsOneShot(label: string, got: Expected, want: Expected): void {
  expectSameRows(`${label} metrics`, got.metrics, want.metrics);
  expectSameRows(`${label} checkpoints`, got.checkpoints, want.checkpoints);
  expect(got.summary, `${label} summary`).toEqual(want.summary);
}

const CORPUS: { id: string; what: string; bytes: () => Buffer }[] = [
  // The case: 60,000 train reports in 8 MB (trained_tokens used to come out 2.6x too high).
  {
    id: '2026-04-01_00-00-01',
    what: 'mlx_lm 0.19+, 60,000 steps',
    bytes: () => Buffer.from(classicLog({ iters: 60_000, seed: 1 })),
  },
  { id: '2026-04-01_00-00-02', what: 'lora.py 2023', bytes: () => Buffer.from(loraPyLog(40_000, 2)) },
  {
    id: '2026-04-01_00-00-03',
    what: 'rich UI, ANSI colour',
    bytes: () => repeated('10-rich-ui-ansi-truecolor-complete-with-test.log', 3 * MB),
  },
  {
    id: '2026-04-01_00-00-04',
    what: 'resumed: a second run appended to the same log',
    bytes: () =>
      Buffer.from(
        classicLog({ iters: 20_000, seed: 4 }) +
          classicLog({ iters: 20_000, seed: 5, resumedFrom: 'adapters/0020000_adapters.safetensors' }),
      ),
  },
  {
    id: '2026-04-01_00-00-05',
    what: 'fork (ORPO)',
    bytes: () => repeated('05-fork-orpo-float-trained-tokens-every-step-trunc.log', 2 * MB),
  },
  {
    id: '2026-04-01_00-00-06',
    what: 'fork (GRPO), sample dumps',
    bytes: () => repeated('18-fork-grpo-excerpt-validation-sample-dump.log', 2 * MB),
  },
  // The largest: CRLF line ends and progress bars, ~50 MB, 100,000+ records (5 write batches).
  {
    id: '2026-04-01_00-00-07',
    what: 'mlx_lm 0.28, CRLF, progress bars, 50 MB',
    bytes: () => Buffer.from(classicLog({ iters: 100_000, seed: 7, eol: '\r\n', progressBars: true })),
  },
];

describe('logs of 2 to 50 MB through the bundle equal a one-shot parse (spawn)', () => {
  it('runs index: every run row for row, values, seq, segment and summary', () => {
    const root = path.join(dir, 'corpus');
    const db = path.join(dir, 'corpus.db');
    const want = new Map<string, Expected>();
    for (const c of CORPUS) {
      const bytes = c.bytes();
      fs.mkdirSync(path.join(root, c.id), { recursive: true });
      fs.writeFileSync(path.join(root, c.id, 'train.log'), bytes);
      want.set(c.id, oneShot(bytes));
    }
    const r = spawnSync(process.execPath, [BIN, '--root', root, '--db', db, 'index'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/warning|Error/);
    expect(r.status).toBe(0);
    let records = 0;
    for (const c of CORPUS) {
      const w = want.get(c.id)!;
      records += w.metrics.length;
      expectSameAsOneShot(`${c.id} (${c.what})`, stored(db, c.id), w);
    }
    expect(want.get(CORPUS[0]!.id)!.metrics.length).toBeGreaterThan(25_000);
    expect(records).toBeGreaterThan(250_000);
  }, 300_000);

  it('a live runs train whose trainer writes more than 1 MB between two index passes', async () => {
    const root = path.join(dir, 'live');
    const db = path.join(dir, 'live.db');
    const log = path.join(dir, 'live-source.log');
    const text = classicLog({ iters: 100_000, seed: 9 });
    fs.writeFileSync(log, text);
    // The stand-in pauses after the first 2,000 lines until `go` exists, then writes the rest
    // (11 MB) in one write: a live pass after the pause reads megabytes, in many 1 MB reads.
    const pauseAt = 2000;
    const go = path.join(dir, 'go');
    const rec = spawn(
      process.execPath,
      [BIN, '--root', root, '--db', db, 'train', '--trainer', `node ${FAKE_TRAINER}`, '--', '--iters', '100000'],
      {
        env: { ...process.env, FAKE_LOG: log, FAKE_PAUSE_AFTER_LINES: String(pauseAt), FAKE_RESUME_FILE: go },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    rec.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => rec.on('close', (code) => res(code)));

    const firstPart = Buffer.from(text.split('\n').slice(0, pauseAt).join('\n') + '\n');
    const wantFirst = oneShot(firstPart);
    const metricCount = () => {
      if (!fs.existsSync(db)) return -1;
      const out = execFileSync(
        process.execPath,
        [BIN, '--root', root, '--db', db, 'sql', '--csv', 'select count(*) as n from metrics'],
        { encoding: 'utf8' },
      );
      return Number(out.split('\n')[1]);
    };
    // Live indexing has read the first part (the recorder's pass while the trainer waits).
    for (let i = 0; i < 600 && metricCount() !== wantFirst.metrics.length; i++)
      await new Promise((res) => setTimeout(res, 100));
    const [id] = fs.readdirSync(root).filter((n) => n !== 'latest' && n !== 'runs.db');
    expect(id).toBeDefined();
    expect(fs.readFileSync(path.join(root, id!, 'train.log')).equals(firstPart)).toBe(true);
    const partial = stored(db, id!);
    expectSameRows('live, first part, metrics', partial.metrics, wantFirst.metrics);

    fs.writeFileSync(go, '');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/warning/);
    const bytes = fs.readFileSync(path.join(root, id!, 'train.log'));
    expect(bytes.length - firstPart.length).toBeGreaterThan(MB);
    const want = oneShot(bytes);
    expect(want.metrics.length).toBeGreaterThan(25_000);
    expectSameAsOneShot('live run', stored(db, id!), want);
  }, 300_000);
});
