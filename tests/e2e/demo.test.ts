// `npm run demo` (the README's first command) runs clean: no warning, config.yaml read.
// Why a real process: the demo is a script driving the shipped bundle (`runs train` with the
// stand-in trainer, then list/diff/sql), so only running it shows what a new user sees.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT } from '../helpers/paths.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run demo (spawn)', () => {
  it('records two runs, lists and diffs them, and warns about nothing', () => {
    // From another directory: it writes ./demo-runs where it is run and reads only the repository.
    const demo = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts/demo.mjs')], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(demo.stderr).not.toMatch(/warning|Error/);
    expect(demo.status).toBe(0);
    const root = path.join(dir, 'demo-runs');
    const rows = JSON.parse(
      execFileSync(
        process.execPath,
        [
          BIN,
          '--root',
          root,
          'sql',
          '--json',
          'select model, iters, lora_rank, warnings, status from runs order by id',
        ],
        { encoding: 'utf8' },
      ),
    ) as Record<string, unknown>[];
    expect(rows).toMatchObject([
      // The first run's model and rank come from its config.yaml (lora.yaml in scripts/demo.mjs).
      { model: 'mlx-community/Qwen3-0.6B-4bit', iters: 1000, lora_rank: 8, warnings: null, status: 'completed' },
      { model: 'HuggingFaceTB/SmolLM2-360M-Instruct', iters: 200, warnings: null, status: 'completed' },
    ]);
  }, 180_000); // two runs train + list/diff/sql: ~10 s alone, a minute on 2 shared cores (a hang guard)
});
