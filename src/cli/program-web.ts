// Commander declarations of the web view: `runs ui` (local dashboard) and `runs report` (one HTML
// file). Same rules as program.ts: each action calls one function in src/commands/.
import type { Command } from 'commander';
import type { Context } from '../commands/context.js';
import { parsePort } from './options.js';

export function addWebCommands(program: Command, ctx: Context, example: (text: string) => string): void {
  program
    .command('ui')
    .description('a local, read-only web dashboard: runs table, overlaid curves, compare, run pages, live updates')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', parsePort, 8321)
    .option('--open', 'open the page in the default browser')
    .addHelpText('after', example('runs ui\nruns ui --port 0 --open'))
    .action(async (opts) => {
      const { serveUi } = await import('../commands/ui.js');
      await serveUi(ctx, opts);
    });

  program
    .command('report')
    .description('the dashboard (table, charts, compare) as one self-contained HTML file')
    .argument('[runs...]', 'runs to include (default: every run, or those --where selects)')
    .option('--where <expr>', `filter on runs columns, e.g. "model like '%Qwen%'"`)
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .addHelpText(
      'after',
      example(
        `runs report --where "model like '%Qwen%'" -o qwen-runs.html\nruns report latest~1 latest -o last-two.html`,
      ),
    )
    .action(async (refs: string[], opts) => {
      const { writeReport } = await import('../commands/report.js');
      const r = await writeReport(ctx, refs, opts);
      ctx.notice(
        `wrote ${r.file} (${r.runs} runs, ${(r.bytes / 1024 / 1024).toFixed(1)} MB): open it in any browser, no network needed`,
      );
    });
}
