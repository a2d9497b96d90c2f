// Commander declarations of the day-to-day commands (best, du, log, compare, …). Same rules as
// program.ts: each action calls one function in src/commands/ and hands its result to a printer.
import { Command, Option } from 'commander';
import type { Context } from '../commands/context.js';
import { RUN_STATUSES } from '../core/manifest.js';
import { SORT_KEYS } from '../core/sort-keys.js';
import { outputFormat, parsePositiveInt, withOutputOptions } from './options.js';

export function addWorkflowCommands(program: Command, ctx: Context, example: (text: string) => string): void {
  withOutputOptions(
    program
      .command('best')
      .description('print the id (or folder) of the best run, for scripts')
      .addOption(new Option('--by <key>', 'what "best" means: lowest loss, highest tokens_per_sec, newest started, …').choices(SORT_KEYS).default('val_loss'))
      .option('--where <expr>', `only runs matching this filter on runs columns, e.g. "lora_rank >= 16"`)
      .addOption(new Option('--status <status>', 'only runs with this status').choices(RUN_STATUSES))
      .option('--path', 'print the absolute run folder instead of the id'),
  )
    .addHelpText(
      'after',
      example(`
runs best
runs best --by test_loss --status completed --where "model like '%Qwen%'"
runs best --path    # e.g. mlx_lm.fuse --adapter-path "$(runs best --path)/adapters"`),
    )
    .action(async (opts) => {
      const { bestRun } = await import('../commands/best.js');
      const { printBest } = await import('./print-workflow.js');
      printBest(ctx, await bestRun(ctx, opts), outputFormat(opts), Boolean(opts.path));
    });

  withOutputOptions(
    program
      .command('du')
      .description('disk use per run (checkpoints, log, other), largest first, with totals')
      .argument('[runs...]', 'runs to measure (default: every run)'),
  )
    .addHelpText('after', example('runs du\nruns du latest --json'))
    .action(async (refs: string[], opts) => {
      const { diskUsage } = await import('../commands/du.js');
      const { printDiskUsage } = await import('./print-workflow.js');
      printDiskUsage(ctx, await diskUsage(ctx, refs), outputFormat(opts));
    });

  program
    .command('log')
    .description("print a run's train.log (terminal codes stripped unless --raw); --follow tails a running run")
    .argument('<run>', 'run id, unique id prefix, latest or latest~N')
    .option('--tail <n>', 'only the last N lines', parsePositiveInt)
    .option('-f, --follow', 'keep printing new output until the run ends')
    .option('--raw', 'the bytes as the trainer wrote them (colours and cursor codes kept)')
    .addHelpText('after', example('runs log latest --tail 20\nruns log latest --follow'))
    .action(async (ref: string, opts) => {
      const { readRunLog } = await import('../commands/log.js');
      for await (const text of readRunLog(ctx, ref, opts)) ctx.io.stdout.write(text);
    });

  withOutputOptions(
    program
      .command('compare')
      .description('several runs side by side: changed config and metadata, metric rows with the best marked')
      .argument('<runs...>', 'two or more runs')
      .option('--all', 'show every config and metadata key, not only the ones that differ'),
  )
    .addHelpText('after', example('runs compare latest~2 latest~1 latest\nruns compare 2026-11-28 2026-11-29_09 --json'))
    .action(async (refs: string[], opts) => {
      const { compareRuns } = await import('../commands/compare.js');
      const { printComparison } = await import('./print-workflow.js');
      printComparison(ctx, await compareRuns(ctx, refs, opts), outputFormat(opts));
    });
}
