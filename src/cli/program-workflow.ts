// Commander declarations of the day-to-day commands (best, du, log, compare, …). Same rules as
// program.ts: each action calls one function in src/commands/ and hands its result to a printer.
import { Argument, Command, Option } from 'commander';
import { SHELLS, type Shell } from './completion.js';
import type { Context } from '../commands/context.js';
import { RUN_STATUSES } from '../core/manifest.js';
import { SORT_KEYS } from '../core/sort-keys.js';
import { UsageError } from '../core/errors.js';
import { outputFormat, parsePositiveInt, withOutputOptions } from './options.js';

export function addWorkflowCommands(program: Command, ctx: Context, example: (text: string) => string): void {
  withOutputOptions(
    program
      .command('best')
      .description('print the id (or folder) of the best run, for scripts')
      .addOption(
        new Option('--by <key>', 'what "best" means: lowest loss, highest tokens_per_sec, newest started, …')
          .choices(SORT_KEYS)
          .default('val_loss'),
      )
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
      await printBest(ctx, await bestRun(ctx, opts), outputFormat(opts), Boolean(opts.path));
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
      await printDiskUsage(ctx, await diskUsage(ctx, refs), outputFormat(opts));
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
    .addHelpText(
      'after',
      example('runs compare latest~2 latest~1 latest\nruns compare 2026-11-28 2026-11-29_09 --json'),
    )
    .action(async (refs: string[], opts) => {
      const { compareRuns } = await import('../commands/compare.js');
      const { printComparison } = await import('./print-workflow.js');
      await printComparison(ctx, await compareRuns(ctx, refs, opts), outputFormat(opts));
    });

  program
    .command('rm')
    .description('move runs into <root>/.trash/ (undo with runs restore); the index and latest follow')
    .argument('<runs...>', 'runs to remove')
    .addHelpText('after', example('runs rm latest\nruns rm 2026-11-28_22-10-03 2026-11-29_09'))
    .action(async (refs: string[]) => {
      const { removeRuns } = await import('../commands/trash.js');
      const r = await removeRuns(ctx, refs);
      for (const id of r.removed) ctx.notice(`moved ${id} to ${r.trash} (runs restore ${id} brings it back)`);
    });

  program
    .command('restore')
    .description('move runs back from <root>/.trash/ and index them again')
    .argument('<runs...>', 'trashed run ids (or unique prefixes)')
    .addHelpText('after', example('runs restore 2026-11-28_22-10-03'))
    .action(async (refs: string[]) => {
      const { restoreRuns } = await import('../commands/trash.js');
      for (const id of (await restoreRuns(ctx, refs)).restored) ctx.notice(`restored ${id}`);
    });

  withOutputOptions(
    program
      .command('trash')
      .description('list the runs in <root>/.trash/; --empty deletes them for good (asks first on a terminal)')
      .option('--empty', 'delete every trashed run for good')
      .option('-y, --yes', 'do not ask (for scripts)'),
  )
    .addHelpText('after', example('runs trash\nruns trash --empty\nruns trash --empty --yes'))
    .action(async (opts) => {
      const { emptyTrash, listTrashed } = await import('../commands/trash.js');
      const { printTrash, formatBytes } = await import('./print-workflow.js');
      const trashed = await listTrashed(ctx);
      if (!opts.empty) return await printTrash(ctx, trashed, outputFormat(opts));
      if (trashed.length === 0) return ctx.notice('the trash is empty');
      if (!opts.yes) {
        const bytes = formatBytes(trashed.reduce((a, t) => a + t.total_bytes, 0));
        const { askYesNo } = await import('./confirm.js');
        const ok = await askYesNo(ctx, `delete ${trashed.length} trashed run(s) (${bytes}) for good?`);
        if (ok === null)
          throw new UsageError(
            `runs trash --empty deletes ${trashed.length} run(s) for good; pass --yes to confirm (there is no terminal to ask on)`,
          );
        if (!ok) return ctx.notice('nothing deleted');
      }
      const r = await emptyTrash(ctx);
      ctx.notice(`deleted ${r.deleted.length} run(s) for good, freed ${formatBytes(r.bytes)}`);
    });

  withOutputOptions(
    program
      .command('prune')
      .description(
        'delete periodic checkpoint files except the ones kept (never adapter_config.json or adapters.safetensors)',
      )
      .argument('[runs...]', 'runs to prune (or --all)')
      .option('--all', 'every run that is not running')
      .option('--keep <list>', 'checkpoints to keep: best, last, iteration numbers, or none', 'best,last')
      .option('--dry-run', 'print what would be deleted and the bytes it would free; delete nothing'),
  )
    .addHelpText(
      'after',
      example(
        'runs prune latest --dry-run\nruns prune --all --keep best\nruns prune 2026-11-29_09 --keep best,last,500',
      ),
    )
    .action(async (refs: string[], opts) => {
      const { pruneRuns } = await import('../commands/prune.js');
      const { printPrune } = await import('./print-workflow.js');
      const { terminalProgress } = await import('./progress.js');
      const checking = terminalProgress(ctx, 'checking', 'runs');
      const deleting = terminalProgress(ctx, 'deleting', 'files');
      try {
        const result = await pruneRuns(ctx, refs, {
          ...opts,
          onProgress: (done, total, what) => {
            if (what === 'runs') return checking.update(done, total);
            checking.end();
            deleting.update(done, total);
          },
        });
        deleting.end();
        await printPrune(ctx, result, outputFormat(opts));
      } finally {
        checking.end();
        deleting.end();
      }
    });

  program
    .command('export')
    .description('write a ready adapter folder (adapter_config.json + the chosen weights as adapters.safetensors)')
    .argument('<run>', 'run id, unique id prefix, latest or latest~N')
    .requiredOption('-o, --output <dir>', 'a new (or empty) folder to write')
    .option(
      '--checkpoint <which>',
      'best (saved at the best val iteration), last (periodic), final (adapters.safetensors) or ITER',
      'best',
    )
    .addHelpText(
      'after',
      example('runs export latest -o ./qwen-sql-adapter\nruns export 2026-11-29_09 --checkpoint 600 -o ./adapter-600'),
    )
    .action(async (ref: string, opts) => {
      const { exportRun } = await import('../commands/export.js');
      const r = await exportRun(ctx, ref, opts);
      if (r.note) ctx.notice(`note: ${r.note}`);
      ctx.notice(
        `exported ${r.id} ${r.iter === null ? 'final weights' : `checkpoint ${r.iter}`} to ${r.dir} (mlx_lm.generate --adapter-path ${r.dir})`,
      );
    });

  program
    .command('resume')
    .description(
      "start a new run that continues from a run's checkpoint (--resume-adapter-file), with its config and arguments",
    )
    .argument('<run>', 'run id, unique id prefix, latest or latest~N')
    .option('--checkpoint <which>', 'last (default), best (saved at the best val iteration) or ITER', 'last')
    .option('--trainer <cmd>', "trainer command line (default: the run's own)")
    .option('--tag <tag>', 'tag the new run (repeatable)', (v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      v,
    ])
    .option('--note <text>', 'a note stored with the new run')
    .argument('[trainer-args...]', 'more arguments for the trainer, after -- (they win)')
    .addHelpText('after', example('runs resume latest -- --iters 400\nruns resume 2026-11-29_09 --checkpoint best'))
    .action(async (ref: string, trainerArgs: string[], opts) => {
      const { train } = await import('../commands/train.js');
      await train(ctx, {
        trainer: opts.trainer,
        tag: opts.tag,
        note: opts.note,
        trainerArgs,
        resume: { ref, checkpoint: opts.checkpoint },
      });
    });

  program
    .command('test')
    .description(
      "evaluate a finished run's adapters on the test set; test loss/ppl stored on the run, output in <run>/test.log",
    )
    .argument('<run>', 'run id, unique id prefix, latest or latest~N')
    .option('--trainer <cmd>', "trainer command line (default: the run's own)")
    .argument('[trainer-args...]', 'more arguments for the trainer, after -- (e.g. --test-batches 100)')
    .addHelpText('after', example('runs test latest\nruns test 2026-11-29_09 -- --test-batches -1'))
    .action(async (ref: string, trainerArgs: string[], opts) => {
      const { testRun } = await import('../commands/test-run.js');
      const r = await testRun(ctx, ref, { trainer: opts.trainer, trainerArgs });
      ctx.notice(
        `${r.id}: test loss ${r.test_loss ?? 'nan'}, test ppl ${r.test_ppl ?? 'nan'} (stored; output in ${r.log})`,
      );
    });

  program
    .command('completion')
    .description('print a shell completion script (commands, flags, sort keys, run ids)')
    .addArgument(new Argument('[shell]', 'bash, zsh or fish').choices(SHELLS))
    .addOption(new Option('--ids', 'print the run ids, one per line (what the scripts call)').hideHelp())
    .addHelpText(
      'after',
      example('runs completion bash >> ~/.bashrc\nruns completion fish > ~/.config/fish/completions/runs.fish'),
    )
    .action(async (shell: Shell | undefined, opts) => {
      if (opts.ids) {
        const { runIds } = await import('../commands/completion-ids.js');
        for (const id of await runIds(ctx)) ctx.io.stdout.write(`${id}\n`);
        return;
      }
      if (!shell) throw new UsageError('name the shell: runs completion bash, zsh or fish');
      const { completionScript } = await import('./completion.js');
      const takesRuns = new Set([
        'show',
        'diff',
        'plot',
        'tag',
        'note',
        'du',
        'log',
        'compare',
        'rm',
        'prune',
        'export',
        'resume',
        'test',
        'report',
      ]);
      const commands = program.commands.map((c) => ({
        name: c.name(),
        flags: c.options.filter((o) => !o.hidden && o.long).map((o) => o.long!),
        takesRuns: takesRuns.has(c.name()),
      }));
      ctx.io.stdout.write(
        completionScript(shell, {
          commands,
          values: { '--sort': SORT_KEYS, '--by': SORT_KEYS, '--status': RUN_STATUSES },
        }),
      );
    });
}
