// Smoke test of `npm run bench`: a tiny tree, one repetition, no huge log. Checks that the
// script runs end to end and reports every figure; never asserts on timings (2 shared cores).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { pgAvailable } from '../helpers/pg.js';

const FIGURES = [
  'full_index',
  'noop_index',
  'list',
  'growing_log',
  'growing_log_total',
  'rss_full_index',
  'ui_start',
  'ui_api_runs',
  'ui_draw',
  'team_first_push',
  'team_grown_push',
  'team_noop_push',
  'team_grown_push_total',
];
/** Absolute targets, no floor (the web view). */
const NO_FLOOR = new Set(['ui_start', 'ui_api_runs', 'ui_draw']);
/** Figures reported for information, without a target. */
const INFO = new Set(['growing_log_total', 'team_grown_push_total']);

interface Figure {
  key: string;
  ours: unknown;
  floor: unknown;
  ratio: unknown;
  met: unknown;
}

describe('bench/bench.mjs', () => {
  it('measures every figure on a 20-run tree and writes them as JSON', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-bench-smoke-'));
    try {
      const json = path.join(tmp, 'results.json');
      const stdout = execFileSync(
        process.execPath,
        ['bench/bench.mjs', '--runs', '20', '--repeat', '1', '--big-log-mb', '0', '--json', json],
        {
          cwd: PROJECT_ROOT,
          env: {
            ...process.env,
            RUNS_BENCH_CACHE: path.join(tmp, 'cache'),
            // The server the tests use, when CI gives one; else the bench starts its own cluster.
            ...(process.env.RUNS_TEST_PG_URL ? { RUNS_BENCH_PG_URL: process.env.RUNS_TEST_PG_URL } : {}),
          },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          // The ui figures start Chromium and two servers: generous on a loaded 2-core machine.
          timeout: 420_000,
        },
      ); // throws on a non-zero exit

      expect(stdout).toMatch(/\|\s*figure\s*\|\s*ours\s*\|\s*floor\s*\|\s*ratio\s*\|\s*target\s*\|\s*met\?\s*\|/);
      const result = JSON.parse(fs.readFileSync(json, 'utf8')) as {
        figures: Figure[];
        checks: Record<string, Record<string, unknown>>;
        machine: { node: string; cpus: number };
        date: string;
      };
      expect(result.machine.node).toBe(process.version);
      expect(result.machine.cpus).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(result.date))).toBe(false);
      expect(result.figures.map((f) => f.key).sort()).toEqual([...FIGURES].sort());
      for (const f of result.figures) {
        // ui_draw needs Debian's chromium; without it the bench says so and reports no number.
        if (f.key === 'ui_draw' && !fs.existsSync('/usr/bin/chromium')) {
          expect(f.ours).toBeNull();
          continue;
        }
        // The team figures need PostgreSQL; without one the bench lists them with no number.
        if (f.key.startsWith('team_') && !pgAvailable) {
          expect(f.ours, f.key).toBeNull();
          continue;
        }
        expect(typeof f.ours, f.key).toBe('number');
        if (NO_FLOOR.has(f.key)) {
          expect(f.floor, f.key).toBeNull();
          expect(typeof f.met, f.key).toBe('boolean');
          continue;
        }
        expect(typeof f.floor, f.key).toBe('number');
        // growing_log is a difference of two timings: on a 20-run tree it can round to 0.
        expect(f.ours as number, f.key).toBeGreaterThanOrEqual(0);
        expect(f.floor as number, f.key).toBeGreaterThan(0);
        expect(typeof f.met, f.key).toBe(INFO.has(f.key) ? 'object' : 'boolean');
      }
      // The web view's figures checked their answers: every run listed, every point drawn.
      expect(result.checks.ui_api_runs).toEqual({ runs: 20, expected_runs: 20 });
      if (fs.existsSync('/usr/bin/chromium')) {
        expect(result.checks.ui_draw).toEqual({
          runs: 20,
          expected_runs: 20,
          train_points: 20_000,
          expected_train_points: 20_000,
          val_series: 20,
        });
      }
      // The team figures checked their answers in PostgreSQL: every run and row of the index.
      if (pgAvailable) {
        const first = result.checks.team_first_push as Record<string, unknown> & {
          expected: Record<string, number>;
        };
        expect(first.runs).toBe(20);
        expect(first).toMatchObject({
          runs: first.expected.runs,
          metrics: first.expected.metrics,
          checkpoints: first.expected.checkpoints,
          copied_rows: first.expected.metrics,
        });
        const grown = result.checks.team_grown_push as { team_rows: number; local_rows: number };
        expect(grown.team_rows).toBe(grown.local_rows);
      }
      // The generated tree landed in the override cache, not in the shared one.
      expect(fs.existsSync(path.join(tmp, 'cache', 'v2-20', '.complete'))).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 450_000);
});
