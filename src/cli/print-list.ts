// The printer of `runs list`, apart from print.ts so that `runs list --json` loads only what it
// prints with (print.ts pulls in the chart, plot and show code).
import type { Context } from '../commands/context.js';
import type { RunListItem } from '../commands/list.js';
import type { RunRow } from '../db/index.js';
import { toRunSummaryJson } from '../core/run-json.js';
import type { SortKey } from '../core/sort-keys.js';
import { listTableColumns } from './list-table.js';
import type { OutputFormat } from './options.js';
import { render, type Column } from './render.js';
import { outputWidth } from './terminal.js';

export async function printRunList(
  ctx: Context,
  items: RunListItem[],
  format: OutputFormat,
  filtered = false,
  table: { sort?: SortKey; where?: string; columns?: string[] } = {},
): Promise<void> {
  if (format === 'json') {
    ctx.io.stdout.write(
      `${JSON.stringify(
        items.map((i) => i.json),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (format === 'csv') {
    // The keys of the JSON shape, also when there are no rows: an empty CSV still has its full header.
    const keys = Object.keys(items[0]?.json ?? toRunSummaryJson({} as RunRow)) as (keyof RunListItem['json'])[];
    const columns: Column<RunListItem>[] = keys.map((k) => ({ header: k, key: k, value: (i) => i.json[k] }));
    await render(items, columns, format, ctx.io.stdout);
    return;
  }
  if (items.length === 0) {
    ctx.notice(
      filtered
        ? 'no runs match (drop --status / --where to see them all)'
        : 'no runs yet: record one with `runs train` (or `runs index` to pick up existing folders)',
    );
    return;
  }
  // Sized to the terminal (COLUMNS when stdout is not one, else 120): the model column gets what is left.
  const { rows, columns } = listTableColumns(items, { width: outputWidth(ctx, 120), ...table });
  await render(rows, columns, format, ctx.io.stdout);
}
