// `runs ui` charts the extra metrics of other trainers (metric_values: rewards, margin, …).
// Why a real process: the chart endpoint is served by `node dist/runs.mjs ui`, as users run it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT } from '../helpers/paths.js';
import { addRun, completedManifest, makeTree } from '../helpers/tree.js';
import { startUi } from '../helpers/ui.js';

const DPO_LOG = path.join(PROJECT_ROOT, 'tests/fixtures/trainer-logs/02-mlx-lm-lora-dpo-test-no-period.log');

describe('runs ui: extra metrics', () => {
  it('lists extra metric names and draws one, point for point as stored', async () => {
    const tree = makeTree('runs-ui-extra-');
    const id = '2026-11-26_10-00-00';
    addRun(tree, id, { log: fs.readFileSync(DPO_LOG), manifest: completedManifest(id) });
    const ui = await startUi(tree.flags);
    try {
      const sql = (q: string) =>
        JSON.parse(
          execFileSync(process.execPath, [BIN, ...tree.flags, 'sql', '--json', '--limit', '100000', q], {
            encoding: 'utf8',
          }),
        ) as Record<string, unknown>[];
      const stored = sql(
        `select name, count(*) as n from metric_values where value is not null and iter is not null group by name order by n desc, name`,
      );
      expect(stored.length).toBeGreaterThan(0);
      const name = stored[0]!.name as string;

      const names = (await (await fetch(`${ui.url}api/metric-names`)).json()) as string[];
      expect(names.slice(0, 2)).toEqual(['loss', 'learning_rate']);
      for (const s of stored) expect(names).toContain(s.name);

      const res = await fetch(`${ui.url}api/runs/${id}/chart?metric=${encodeURIComponent(name)}`);
      expect(res.status).toBe(200);
      const chart = (await res.json()) as { splits: Record<string, { x: number[]; y: number[] }> };
      const rows = sql(
        `select split, iter, value from metric_values where run_id = '${id}' and name = '${name}' and value is not null and iter is not null order by seq`,
      );
      for (const split of new Set(rows.map((r) => r.split as string))) {
        const want = rows.filter((r) => r.split === split).map((r) => [r.iter, r.value]);
        const got = chart.splits[split]!;
        expect(got.x.map((x, i) => [x, got.y[i]])).toEqual(want);
      }
      // A name that is no metric at all gives an empty chart, not an error; a malformed one is a 400.
      expect(
        ((await (await fetch(`${ui.url}api/runs/${id}/chart?metric=nosuchmetric`)).json()) as { splits: object })
          .splits,
      ).toEqual({});
      expect(
        (await fetch(`${ui.url}api/runs/${id}/chart?metric=${encodeURIComponent('x; drop table runs')}`)).status,
      ).toBe(400);
    } finally {
      expect(await ui.stop()).toBe(0);
      fs.rmSync(tree.dir, { recursive: true, force: true });
    }
  });
});
