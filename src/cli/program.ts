// Commander declarations: names, flags, help text with an example. Actions call one function in
// src/commands/ and hand its result to a printer in src/cli/. No logic here.
import packageJson from '../../package.json' with { type: 'json' };
import { Command, InvalidArgumentError, Option } from 'commander';
import { LIST_COLUMN_NAMES } from './list-table.js';
import type { Context } from '../commands/context.js';
import { SORT_KEYS } from '../core/sort-keys.js';
import { RUN_STATUSES } from '../core/manifest.js';
import { outputFormat, parsePositiveInt, parsePositiveNumber, withOutputOptions } from './options.js';
import { addWorkflowCommands } from './program-workflow.js';
import { addWebCommands } from './program-web.js';
import { UsageError } from '../core/errors.js';

// The version is package.json's (bundled in by esbuild), never a copy that can fall behind it.
export const VERSION: string = packageJson.version;

/**
 * Replaces commander's "unknown option" message for one command (usage error, exit 2). Commander
 * has no public hook for it; `unknownOption` is the method its parser calls.
 */
function onUnknownOption(command: Command, message: (flag: string) => string): void {
  (command as unknown as { unknownOption(flag: string): void }).unknownOption = (flag) =>
    command.error(`error: ${message(flag)}`, { code: 'commander.unknownOption', exitCode: 2 });
}

/** `--columns a,b,c`: names from the list table's columns; an unknown one is a usage error that lists them. */
function parseListColumns(value: string): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const aliases: Record<string, string> = { lr: 'learning_rate', rank: 'lora_rank', duration: 'duration_s' };
  const resolved = names.map((n) => aliases[n] ?? n);
  const unknown = resolved.filter((n) => !LIST_COLUMN_NAMES.includes(n));
  if (names.length === 0 || unknown.length)
    throw new InvalidArgumentError(
      `${unknown.length ? `unknown column ${unknown.map((n) => `"${n}"`).join(', ')}` : 'no columns'}; the columns are: ${LIST_COLUMN_NAMES.join(', ')} (also lr, rank, duration)`,
    );
  return [...new Set(resolved)];
}

function example(text: string): string {
  return `\nExample:\n${text
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

/**
 * What a command may create. Only `runs train` makes a runs root; only the commands that exist to
 * write make an index. Read commands create nothing (they answer from a temporary index when
 * there is none yet). A new command that writes the index adds itself here.
 */
const CREATES_ROOT = new Set(['train']);
const CREATES_INDEX = new Set(['train', 'index', 'tag', 'note', 'push']);

/** Commands that read the team database with --team (the rest work on this machine's runs). */
const TEAM_COMMANDS = new Set(['list', 'show', 'diff', 'sql', 'plot', 'ui', 'report']);

export function createProgram(
  ctx: Context & {
    setGlobalOptions(
      o: { root?: string; db?: string; team?: boolean; teamDb?: string },
      access?: { createRoot: boolean; createIndex: boolean },
    ): void;
  },
): Command {
  const program = new Command('runs');
  // Settings the subcommands inherit must be set BEFORE .command() calls.
  program
    .description('Record every MLX LoRA fine-tuning run in its own folder and query them all.')
    .version(VERSION, '-V, --version')
    .option('--root <dir>', 'runs root (default: models/runs/mlx, or RUNS_ROOT)')
    .option('--db <path>', 'index database (default: <root>/runs.db, or RUNS_DB)')
    .option('--team', "read the team database (every host's runs) instead of this machine's index")
    .option('--team-db <url>', 'team database URL (default: RUNS_TEAM_DB), e.g. postgres://user:pw@host/runs')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      example(`
runs train --config lora.yaml -- --iters 600
runs list --sort val_loss --limit 5
runs diff latest~1 latest`),
    )
    .hook('preAction', (_root, action) => {
      const name = action.name();
      const opts = action.optsWithGlobals();
      if (opts.team && !TEAM_COMMANDS.has(name)) {
        throw new UsageError(
          `--team works with ${[...TEAM_COMMANDS].join(', ')}; runs ${name} works on this machine's runs`,
        );
      }
      ctx.setGlobalOptions(opts, { createRoot: CREATES_ROOT.has(name), createIndex: CREATES_INDEX.has(name) });
    });

  const train = program
    .command('train')
    .description('record a training run: new run folder, live log, metrics indexed as they arrive')
    .option('--config <file>', 'trainer YAML config; copied to <run>/config.yaml and passed with -c')
    .option('--trainer <cmd>', 'trainer command line (default: mlx_lm.lora, or RUNS_TRAINER)')
    .option('--tag <tag>', 'tag the run (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--note <text>', 'a note stored with the run')
    .option('--from <run>', "re-run that run's trainer, config and arguments in a new folder (what you pass wins)")
    .argument('[trainer-args...]', 'arguments for the trainer, after --')
    .addHelpText(
      'after',
      example(`
runs train --config lora.yaml --tag baseline -- --iters 600 --model mlx-community/Qwen3-4B-Instruct-2507-4bit
runs train --trainer "python -m mlx_lm lora" -- --data ./data --iters 100
runs train --from latest -- --learning-rate 2e-5`),
    )
    .action(async (trainerArgs: string[], opts) => {
      const { train } = await import('../commands/train.js');
      await train(ctx, { ...opts, trainerArgs });
    });
  // `runs train --iters 600`: the flag is the trainer's, and the fix is one `--` away.
  onUnknownOption(
    train,
    (flag) => `unknown option '${flag}': trainer options go after \`--\`, e.g. runs train -- ${flag} …`,
  );

  program
    .command('index')
    .description('bring the index up to date with the run folders (new, changed, removed runs)')
    .option('--rebuild', 'drop the index and rebuild it from the folders')
    .addHelpText('after', example('runs index\nruns index --rebuild'))
    .action(async (opts) => {
      const { indexRuns } = await import('../commands/index-runs.js');
      const { printIndexReport } = await import('./print.js');
      const { terminalProgress } = await import('./progress.js');
      const progress = terminalProgress(ctx, 'indexing', 'runs');
      try {
        const report = await indexRuns(ctx, { ...opts, onProgress: progress.update });
        progress.end();
        printIndexReport(ctx, report);
      } finally {
        progress.end();
      }
    });

  withOutputOptions(
    program
      .command('list')
      .alias('ls')
      .description('one row per run, sorted and filtered')
      .addOption(new Option('--sort <key>', 'sort key').choices(SORT_KEYS).default('started'))
      .addOption(new Option('--desc', 'sort descending (runs without a value stay last)').conflicts('asc'))
      .addOption(new Option('--asc', 'sort ascending').conflicts('desc'))
      .option('--limit <n>', 'at most N runs', parsePositiveInt)
      .addOption(new Option('--status <status>', 'only runs with this status').choices(RUN_STATUSES))
      .option('--where <expr>', `filter on runs columns, e.g. "lora_rank >= 16 and model like '%Qwen%'"`)
      .option(
        '--columns <list>',
        'table columns, comma-separated, e.g. id,status,lr,best_val_loss (default: what fits the terminal)',
        parseListColumns,
      ),
  )
    .addHelpText(
      'after',
      example(`
runs list --sort val_loss --limit 10
runs list --status completed --where "lora_rank >= 16" --json
runs list --columns id,model,params,best_val_loss,test_loss`),
    )
    .action(async (opts) => {
      const { listRuns } = await import('../commands/list.js');
      const { printRunList } = await import('./print-list.js');
      await printRunList(
        ctx,
        await listRuns(ctx, opts),
        outputFormat(opts),
        opts.status !== undefined || opts.where !== undefined,
        { sort: opts.sort, where: opts.where, columns: opts.columns },
      );
    });

  withOutputOptions(
    program
      .command('show')
      .description('everything about one run: metadata, config, summary, checkpoints, loss curves')
      .argument('<run>', 'run id, unique id prefix, latest or latest~N'),
  )
    .addHelpText(
      'after',
      `
--json prints one object: the runs list --json fields (id, uid, status, model, data_dir, started_at,
finished_at (ISO 8601 UTC), duration_s, iters, last_iter, best_val_loss, best_val_iter, final_val_loss,
final_train_loss, test_loss, test_ppl, checkpoints, tokens_per_sec, peak_mem_gb, trained_tokens,
fine_tune_type, lora_rank, learning_rate, batch_size, exit_code, signal, tags (array), note, log_format,
path), plus command (the trainer's argv, array), cwd, host, git_sha, git_dirty, seed, warnings (array),
failure_reason (the last error line of the log of a run that did not complete, e.g. a traceback's
exception; null when none), diverged (a train/val loss was NaN or inf), non_finite_losses,
first_non_finite_iter, params (object: the config, values with their types) and checkpoint_files
(array of {iter, file, val_loss}). --csv prints the run's metric records.
${example('runs show latest\nruns show 2026-11-29_14 --json')}`,
    )
    .action(async (ref: string, opts) => {
      const { showRun } = await import('../commands/show.js');
      const { printRunDetails } = await import('./print.js');
      await printRunDetails(ctx, await showRun(ctx, ref), outputFormat(opts));
    });

  withOutputOptions(
    program
      .command('diff')
      .description('what differs between two runs: config, metadata, metrics, val loss by iteration')
      .argument('<a>', 'first run')
      .argument('<b>', 'second run')
      .option('--all', 'show every key, not only the changed ones'),
  )
    .addHelpText('after', example('runs diff latest~1 latest\nruns diff 2026-11-28_22 2026-11-29_09 --all'))
    .action(async (a: string, b: string, opts) => {
      const { diffRuns } = await import('../commands/diff.js');
      const { printRunDiff } = await import('./print.js');
      await printRunDiff(ctx, await diffRuns(ctx, a, b, opts), outputFormat(opts));
    });

  withOutputOptions(
    program
      .command('sql')
      .description('read-only SQL over the index (tables runs, metrics, params, checkpoints)')
      .argument('<query>', 'one SELECT statement')
      .option('--limit <n>', 'at most N rows (default 1000)', parsePositiveInt)
      .option('--timeout <s>', 'with --team: stop the query after S seconds (default 30)', parsePositiveNumber),
  )
    .addHelpText(
      'after',
      example(`runs sql "select model, min(best_val_loss) from runs group by model" --csv
runs --team sql "select host, count(*), min(best_val_loss) from runs group by host"`),
    )
    .action(async (query: string, opts) => {
      const { runSql } = await import('../commands/sql.js');
      const { printSqlResult } = await import('./print.js');
      await printSqlResult(ctx, await runSql(ctx, query, opts), outputFormat(opts));
    });

  withOutputOptions(
    program
      .command('plot')
      .description('loss curves in the terminal, several runs overlaid (--json / --csv: the points)')
      .argument('<runs...>', 'one or more runs'),
  )
    .option(
      '--metric <name>',
      'loss (default), learning_rate, tokens_per_sec, it_per_sec, peak_mem_gb, trained_tokens, or an extra metric (margin, kl, …)',
      'loss',
    )
    .addOption(new Option('--split <split>', 'only this split (default: both, for loss)').choices(['train', 'val']))
    .addOption(
      new Option('--x <axis>', 'x axis: iterations, or trained tokens (rows without them are left out)')
        .choices(['iter', 'tokens'])
        .default('iter'),
    )
    .option('--width <n>', 'chart width in columns', parsePositiveInt)
    .option('--height <n>', 'chart height in rows', parsePositiveInt)
    .addHelpText(
      'after',
      `
Marks: one shape per run, filled for train and hollow for val (● ○, ◆ ◇, ■ □, ▲ △, ▼ ▽, ★ ☆, ♥ ♡,
♠ ♤, ♣ ♧), then letters (A a, B b, …): every curve reads apart without colour. Where curves meet,
the one with fewer points is drawn on top. The legend wraps to the width, one whole entry at a time.
`,
    )
    .addHelpText(
      'after',
      example(
        'runs plot latest~1 latest\nruns plot latest~3 latest~2 latest~1 latest --split val --x tokens\nruns plot latest --metric learning_rate',
      ),
    )
    .action(async (refs: string[], opts) => {
      const { plotRuns } = await import('../commands/plot.js');
      const { printPlot } = await import('./print.js');
      await printPlot(ctx, await plotRuns(ctx, refs, opts), outputFormat(opts));
    });

  program
    .command('push')
    .description("publish this machine's runs to the team database (RUNS_TEAM_DB or --team-db); incremental")
    .argument('[runs...]', 'only these runs (default: every run)')
    .addHelpText('after', example('runs push\nruns push latest --team-db postgres://anna@db.lab.internal/runs'))
    .action(async (refs: string[]) => {
      const { pushRuns } = await import('../commands/push.js');
      const { printPushReport } = await import('./print.js');
      const { terminalProgress } = await import('./progress.js');
      const indexing = terminalProgress(ctx, 'indexing', 'runs');
      const pushing = terminalProgress(ctx, 'pushing', 'runs');
      try {
        const report = await pushRuns(ctx, refs, {
          onIndexProgress: indexing.update,
          onPushProgress: (done, total) => {
            indexing.end();
            pushing.update(done, total);
          },
        });
        pushing.end();
        printPushReport(ctx, report);
      } finally {
        indexing.end();
        pushing.end();
      }
    });

  program
    .command('tag')
    .description('add tags to a run (stored in run.json and the index)')
    .argument('<run>', 'run id, prefix, latest or latest~N')
    .argument('<tags...>', 'tags to add')
    .option('--remove', 'remove these tags instead')
    .addHelpText('after', example('runs tag latest baseline qwen\nruns tag latest baseline --remove'))
    .action(async (ref: string, tags: string[], opts) => {
      const { tagRun } = await import('../commands/tag.js');
      const result = await tagRun(ctx, ref, tags, opts);
      ctx.notice(`${result.id}: tags ${result.tags.length ? result.tags.join(', ') : '(none)'}`);
    });

  program
    .command('note')
    .description('set the note of a run (stored in run.json and the index)')
    .argument('<run>', 'run id, prefix, latest or latest~N')
    .argument('<text...>', 'the note, quoted ("" clears it)')
    .addHelpText('after', example('runs note latest "lr 2e-5 overfits after 600 iters"'))
    .action(async (ref: string, words: string[]) => {
      // Unquoted words would be silently joined (or cut): one quoted argument says exactly what to store.
      if (words.length > 1)
        throw new UsageError(`the note is one argument: quote it, e.g. runs note ${ref} "${words.join(' ')}"`);
      const { noteRun } = await import('../commands/tag.js');
      const result = await noteRun(ctx, ref, words[0] ?? '');
      ctx.notice(`${result.id}: note ${result.note ? 'saved' : 'cleared'}`);
    });

  addWorkflowCommands(program, ctx, example);
  addWebCommands(program, ctx, example);

  return program;
}
