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
      // What a live page appends: the metric's rows after a seq, as [seq, segment, iter, split,
      // trained_tokens, value, training time] tuples, every one of them (never thinned).
      const all = sql(
        `select seq, segment, iter, split, value from metric_values where run_id = '${id}' and name = '${name}' order by seq`,
      );
      const after = all[Math.floor(all.length / 2)]!.seq as number;
      const tail = (await (
        await fetch(`${ui.url}api/runs/${id}/series?metric=${encodeURIComponent(name)}&after=${after}`)
      ).json()) as unknown[][];
      expect(tail.map((t) => [t[0], t[1], t[2], t[3], t[5]])).toEqual(
        all.filter((r) => (r.seq as number) > after).map((r) => [r.seq, r.segment, r.iter, r.split, r.value]),
      );
      // Their times are the chart's at the same points (this DPO log prints it/s and Val took).
      const timed = chart as unknown as { splits: Record<string, { x: number[]; t: (number | null)[] }> };
      for (const t of tail) {
        if (t[2] === null) continue;
        const s = timed.splits[t[3] as string]!;
        expect(typeof t[6]).toBe('number');
        expect(s.t[s.x.indexOf(t[2] as number)]).toBe(t[6]);
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
