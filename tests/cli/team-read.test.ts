// One read-command suite, two backends: the same tree is read from its local SQLite index and,
// after `runs push`, from the team PostgreSQL database with --team. Every case must print the
// same thing both ways; the only difference allowed is that the team names a run host:id.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLegendLine } from '../helpers/chart-text.js';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const HOST = 'test-host';

/** A DPO run of mlx-lm-lora: its rewards, accuracy and margin are extra metrics (metric_values). */
const DPO_LOG = fs.readFileSync(
  path.join(import.meta.dirname, '..', 'fixtures', 'trainer-logs', '02-mlx-lm-lora-dpo-test-no-period.log'),
);

const RUNS: [string, string | Buffer, Record<string, unknown>][] = [
  [
    '2026-11-29_14-05-09',
    '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
    { lora_rank: 8, tags: ['baseline'], note: 'long run' },
  ],
  [
    '2026-11-29_15-00-00',
    '03-mlxlm-0.3-peak-mem-npz-checkpoints-divergence-trunc.log',
    { lora_rank: 16, status: 'failed', exit_code: 1 },
  ],
  [
    '2026-11-30_08-00-00',
    '13-mlxlm-0.29-resumed-fine-tuned-weights.log',
    { lora_rank: 16, git_dirty: true, git_sha: 'abc123' },
  ],
  [
    '2026-11-30_09-30-00',
    '10-rich-ui-ansi-truecolor-complete-with-test.log',
    { lora_rank: 4, model: 'mlx-community/Qwen3-4B' },
  ],
  ['2026-11-30_11-00-00', DPO_LOG, { lora_rank: 8, fine_tune_type: 'lora' }],
];

/** argv after the global flags; the same for both backends (bare refs are unique in one host). */
const CASES: string[][] = [
  ['list', '--json'],
  ['list', '--csv'],
  ['list', '--sort', 'val_loss', '--json'],
  ['list', '--sort', 'tokens_per_sec', '--desc', '--limit', '2', '--json'],
  ['list', '--status', 'completed', '--json'],
  ['list', '--where', 'lora_rank >= 8 and model is null', '--json'],
  ['show', '2026-11-29_14', '--json'],
  ['show', 'latest', '--json'],
  ['show', 'latest~3', '--json'],
  ['show', '2026-11-30_08-00-00', '--csv'],
  ['diff', 'latest~1', 'latest', '--json'],
  ['diff', '2026-11-29_14-05-09', '2026-11-29_15-00-00', '--all', '--csv'],
  ['sql', 'select id, status, lora_rank, best_val_loss, final_train_loss, checkpoints from runs order by id', '--json'],
  ['sql', 'select count(*) as n, min(best_val_loss) as best from runs', '--csv'],
  ['plot', 'latest~1', 'latest', '--width', '60', '--height', '12'],
  ['plot', '2026-11-29_14-05-09', '--metric', 'learning_rate', '--width', '50', '--height', '10'],
  // Extra metrics (metric_values): the DPO run's rewards, accuracy, margin.
  ['plot', 'latest', '--metric', 'chosen_reward', '--json'],
  ['plot', 'latest', '--metric', 'margin', '--width', '50', '--height', '10'],
  ['show', 'latest'],
  ['show', 'latest', '--json'],
  ['sql', 'select seq, split, name, value from metric_values order by seq, name', '--csv'],
];

/** The team's `host:id` back to the local id (in JSON, CSV and chart legends alike). */
const unqualify = (text: string) => text.replaceAll(`${HOST}:`, '');

describe.skipIf(!pgAvailable)(
  'read commands: local index and team database give the same output',
  { timeout: 120_000 },
  () => {
    let db: TestDatabase;
    let tree: Tree;
    beforeAll(async () => {
      db = await createDatabase();
      tree = makeTree();
      RUNS.forEach(([id, log, over], i) => {
        addRun(tree, id, {
          log,
          manifest: completedManifest(id, { uid: `dddddddd-0000-4000-8000-00000000000${i}`, host: HOST, ...over }),
        });
      });
      const push = await runCli([...tree.flags, 'push'], { env: { RUNS_TEAM_DB: db.url, RUNS_HOST: HOST } });
      expect(push.stderr).toMatch(/^pushed 5 runs from test-host \(5 new, 0 grown, 0 unchanged\)/);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it.each(CASES.map((argv) => [argv.join(' '), argv] as const))('%s', async (_name, argv) => {
      const local = await runCli([...tree.flags, ...argv], { columns: 100 });
      const team = await runCli([...tree.flags, '--team', ...argv], { env: { RUNS_TEAM_DB: db.url }, columns: 100 });
      expect(local.exitCode).toBe(0);
      expect(local.stdout.length).toBeGreaterThan(0);
      expect(team.exitCode).toBe(0);
      expect(unqualify(oneLegendLine(team.stdout))).toBe(oneLegendLine(local.stdout));
      expect(team.stderr).toBe(local.stderr);
    });

    it('plot under --team: the legend shows every host:id whole, wrapped within the width', async () => {
      const ids = RUNS.map(([id]) => id);
      const r = await runCli([...tree.flags, '--team', 'plot', ...ids, '--width', '50', '--height', '6'], {
        env: { RUNS_TEAM_DB: db.url },
      });
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      const legend = lines.slice(lines.findIndex((l) => / iter$/.test(l)) + 1);
      for (const line of legend) expect([...line].length).toBeLessThanOrEqual(50);
      for (const id of ids) expect(legend.some((l) => l.includes(`${HOST}:${id} train`))).toBe(true);
    });

    it('the team names runs host:id (the one difference)', async () => {
      const team = await runCli(['--team', 'list', '--json'], { env: { RUNS_TEAM_DB: db.url } });
      expect((JSON.parse(team.stdout) as { id: string }[]).map((r) => r.id)).toEqual(
        RUNS.map(([id]) => `${HOST}:${id}`).reverse(),
      );
    });

    it('errors are the same too: unknown ref, bad --where', async () => {
      for (const argv of [
        ['show', 'nope'],
        ['list', '--where', 'lora_rank >= 8) or (1=1'],
      ]) {
        const local = await runCli([...tree.flags, ...argv]);
        const team = await runCli([...tree.flags, '--team', ...argv], { env: { RUNS_TEAM_DB: db.url } });
        expect(team.exitCode).toBe(local.exitCode);
        expect(team.exitCode).not.toBe(0);
      }
    });
  },
);
