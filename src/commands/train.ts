// `runs train`: make the run folder, write run.json, start the trainer, record how it ended.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitError, RunsError, UsageError } from '../core/errors.js';
import { checkTags } from '../core/tags.js';
import { formatDuration } from '../core/duration.js';
import { MANIFEST_SCHEMA_VERSION, type RunManifest, type RunStatus } from '../core/manifest.js';
import { loadConfigYaml, parseConfigYaml } from '../storage/config-yaml.js';
import { startHeartbeat } from '../storage/liveness.js';
import { pointLatestAt } from '../storage/latest-link.js';
import { updateManifestFile } from '../storage/manifest-file.js';
import { createRunFolder } from '../storage/run-folder.js';
import { reserveSpace } from '../storage/disk-reserve.js';
import {
  buildTrainerCommand,
  recordedUserArgs,
  rerunArgs,
  exitCodeFor,
  outcomeStatus,
  settingsFromConfig,
  splitCommandLine,
  trainerFamily,
} from '../trainer/command.js';
import { findProgram } from '../trainer/find-program.js';
import { installedVersion, launcherPath, reporterPython } from '../trainer/python-env.js';
import { holdStopSignals, runTrainer, type TrainerOutcome } from '../trainer/spawn.js';
import { gitInfo } from '../trainer/probe.js';
import type { Context } from './context.js';
import { liveIndexer } from '../indexer/live-index.js';
import { livePusher } from '../indexer/live-push.js';
import { runCheckpoints } from '../storage/run-checkpoints.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { readManifestFile } from '../storage/manifest-file.js';
import { runPaths } from '../storage/layout.js';

export interface TrainOptions {
  /** `runs train --from RUN`: re-run that run's trainer, config and arguments (the user's win). */
  from?: string;
  /** `runs resume RUN`: continue from that run's checkpoint. */
  resume?: { ref: string; checkpoint?: string };
  config?: string;
  trainer?: string;
  tag?: string[];
  note?: string;
  trainerArgs?: string[];
}

export const DEFAULT_TRAINER = 'mlx_lm.lora';
/** How the README says to install the trainer (kept the same everywhere). */
const INSTALL_HINT = 'pip install "mlx-lm[train]"';
/** Live indexing at most this often while the trainer prints. */
const DEFAULT_KILL_GRACE_S = 30;

export async function train(ctx: Context, opts: TrainOptions): Promise<void> {
  // 1. Validate everything before a folder exists: a typo must not leave an empty run behind.
  checkTags(opts.tag ?? [], '--tag');
  const parent = opts.from !== undefined || opts.resume !== undefined ? await parentPlan(ctx, opts) : null;
  if (opts.config !== undefined || parent?.configFile) await loadConfigYaml();
  const config =
    opts.config !== undefined
      ? readConfig(ctx.cwd, opts.config)
      : parent?.configFile
        ? readConfig(ctx.cwd, parent.configFile)
        : null;
  const trainerLine = opts.trainer ?? parent?.trainer ?? ctx.env.RUNS_TRAINER ?? DEFAULT_TRAINER;
  const trainerWords = splitTrainer(
    trainerLine,
    opts.trainer !== undefined ? '--trainer' : parent?.trainer ? `the trainer of ${parent.id}` : 'RUNS_TRAINER',
  );
  const userArgs = parent
    ? rerunArgs(parent.args, opts.trainerArgs ?? [], parent.resumeFile)
    : (opts.trainerArgs ?? []);
  const program = findProgram(trainerWords[0]!, ctx.cwd, ctx.processEnv.PATH);
  if (!program.found) {
    const fix =
      trainerWords[0] === DEFAULT_TRAINER
        ? `install the trainer with \`${INSTALL_HINT}\`, or pass --trainer CMD (or set RUNS_TRAINER)`
        : `check --trainer / RUNS_TRAINER (the trainer of mlx-lm installs with \`${INSTALL_HINT}\`)`;
    // 127, as a shell says "command not found" (a script checking `runs train`'s code sees the same).
    ctx.io.stderr.write(
      `Error: trainer "${trainerWords[0]}" cannot be started (${program.reason}); no run was made: ${fix}\n`,
    );
    throw new ExitError(127);
  }
  const { root } = ctx.locations();

  // 2. The folder (a unique name, even with many runs in one second) and its fixed contents.
  const startedAt = ctx.now();
  let created: ReturnType<typeof createRunFolder>;
  try {
    created = createRunFolder(root, startedAt);
  } catch (err) {
    throw setupError(err, root);
  }
  const { id, paths } = created;
  try {
    fs.mkdirSync(paths.adapters, { recursive: true });
    if (config) {
      // The bytes we parsed, unchanged: config.yaml is exactly what the trainer reads with -c.
      fs.writeFileSync(paths.config, config.bytes);
    }
  } catch (err) {
    abandonRunFolder(paths.dir);
    throw setupError(err, paths.dir);
  }
  const family = trainerFamily(trainerWords);
  const launcher = family === 'mlx-lm' ? launcherPath() : null;
  const python = launcher !== null ? reporterPython(trainerWords, program.file, ctx.env.RUNS_PYTHON) : null;
  const command = buildTrainerCommand({
    trainer: trainerWords,
    run: { dir: paths.dir, id, metricsFile: paths.metricsJsonl },
    reporter: launcher !== null && python !== null ? { python, launcher } : null,
    configPath: config ? paths.config : null,
    adapterPath: paths.adapters,
    userArgs,
    config: config?.data ?? null,
  });

  // 3. run.json, `latest`, the heartbeat.
  const settingWarnings: string[] = [];
  const manifest: RunManifest = {
    schema_version: MANIFEST_SCHEMA_VERSION,
    id,
    uid: randomUUID(),
    status: 'running',
    started_at: startedAt.toISOString(),
    finished_at: null,
    exit_code: null,
    signal: null,
    command: [command.file, ...command.args],
    trainer: trainerLine,
    trainer_family: command.family,
    trainer_version: installedVersion(command.family, program.file, ctx.processEnv.PYTHONPATH),
    cwd: ctx.cwd,
    host: os.hostname(),
    pid: process.pid,
    ...gitInfo(ctx.cwd),
    tags: [...new Set(opts.tag ?? [])],
    note: opts.note ?? null,
    trainer_args: userArgs,
    ...(parent ? { parent: parent.id } : {}),
    ...(parent?.iterOffset !== undefined ? { iter_offset: parent.iterOffset } : {}),
    ...fitSettings(settingsFromConfig(config?.data ?? null, userArgs), settingWarnings),
  };
  if (settingWarnings.length) manifest.warnings = settingWarnings;
  try {
    updateManifestFile(paths.manifest, () => manifest);
  } catch (err) {
    // No run.json, no run: leave nothing behind that looks like one (the trainer never started).
    abandonRunFolder(paths.dir);
    throw setupError(err, paths.dir);
  }
  try {
    pointLatestAt(root, id);
  } catch (err) {
    ctx.notice(`warning: could not point ${path.join(root, 'latest')} at ${id} (${(err as Error).message})`);
  }
  ctx.notice(`run ${id}  ->  ${displayPath(ctx.cwd, paths.dir)}`);
  if (parent)
    ctx.notice(
      parent.resumeFile
        ? `resuming ${parent.id} from ${parent.resumeFile} (iteration ${parent.iterOffset})`
        : `re-running ${parent.id}`,
    );
  for (const w of command.warnings) ctx.notice(`warning: ${w}`);
  if (family === 'mlx-lm' && !command.reporter) {
    ctx.notice(
      `notice: ${trainerWords[0]}: no Python interpreter found for the runs reporter (set RUNS_PYTHON); metrics come from the console`,
    );
  } else if (family === 'mlx-lm-lora' || family === 'mlx-vlm') {
    ctx.notice(`notice: ${family} has no reporting callbacks for runs: metrics come from its console`);
  }
  const heartbeat = startHeartbeat(paths.heartbeat);
  const reserve = reserveSpace(paths.reserve);
  let trainerEnded = false;
  const releaseSignals = holdStopSignals((sig) => {
    if (trainerEnded) ctx.notice(`runs: ${sig}: the trainer has ended; saving the run's outcome first`);
  });
  try {
    // 4. The trainer, with live indexing (and pushing, with RUNS_TEAM_DB) that can never hurt the run.
    const pusher = livePusher(ctx, id);
    const sync = liveIndexer(ctx, id, () => pusher?.soon());
    // With a team database the run is there from its start (status running), not at its first output.
    if (pusher) sync.soon();
    const outcome = await runTrainer({
      file: command.file,
      args: command.args,
      cwd: ctx.cwd,
      env: ctx.processEnv,
      extraEnv: command.env,
      logPath: paths.log,
      stdout: ctx.io.stdout,
      stderr: ctx.io.stderr,
      onOutput: sync.soon,
      killGraceMs: (ctx.env.RUNS_KILL_GRACE ?? DEFAULT_KILL_GRACE_S) * 1000,
      notice: (line) => ctx.notice(line),
    });
    trainerEnded = true;
    await sync.settle();

    // 5. The outcome, in run.json (unknown keys kept) and the index. The reserve goes first: on a
    // disk the trainer's output filled, its space is what lets run.json's atomic rewrite land.
    const status: RunStatus = outcome.spawnError !== null ? 'failed' : outcomeStatus(outcome);
    const finishedAt = ctx.now();
    reserve.release();
    try {
      updateManifestFile(paths.manifest, (m) => ({
        ...m,
        status,
        finished_at: finishedAt.toISOString(),
        exit_code: outcome.exitCode,
        signal: outcome.signal,
        // callback: the trainer's reports reached metrics.jsonl (the reporter, or a script writing it).
        metrics_source: fs.existsSync(paths.metricsJsonl) ? 'callback' : 'console',
        ...(outcome.logWriteError !== null
          ? { warnings: [...(m.warnings ?? []), `train.log incomplete: ${outcome.logWriteError}`] }
          : {}),
      }));
    } catch (err) {
      ctx.notice(
        `warning: could not record the outcome (${status}) in ${paths.manifest} (${(err as Error).message}): ` +
          'it still says "running", so runs will show this run as crashed; free some space and set its "status" by hand to keep the record right',
      );
    }
    await sync.now();
    await pusher?.finish();

    // 6-7. Report, and leave with the trainer's code.
    let code: number;
    if (outcome.spawnError !== null) {
      ctx.io.stderr.write(`Error: ${spawnErrorMessage(command.file, outcome)}\n`);
      code = outcome.spawnErrorCode === 'ENOENT' ? 127 : 126;
    } else {
      code = exitCodeFor(outcome, os.constants.signals);
    }
    ctx.notice(
      `run ${id} ${status} in ${formatDuration((finishedAt.getTime() - startedAt.getTime()) / 1000)}${await resultSummary(ctx, id)}`,
    );
    if (code !== 0) throw new ExitError(code);
  } finally {
    reserve.release();
    heartbeat.stop();
    releaseSignals();
  }
}

/** Longest config value copied into run.json (config.yaml keeps the whole value). */
const MAX_SETTING_CHARS = 64 * 1024;

/**
 * Settings with over-long text values cut: a 5 MB `model:` in the config would make run.json
 * bigger than runs reads back, and the run's outcome could then never be recorded in it.
 */
function fitSettings<T extends Record<string, unknown>>(settings: T, warnings: string[]): T {
  const out: Record<string, unknown> = { ...settings };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string' && v.length > MAX_SETTING_CHARS) {
      out[k] = `${v.slice(0, MAX_SETTING_CHARS)}…`;
      warnings.push(
        `${k} is ${v.length} characters; run.json keeps the first ${MAX_SETTING_CHARS} (config.yaml has it whole)`,
      );
    }
  }
  return out as T;
}

/** A file-system error while making the run folder, as a RunsError that says what to do. */
function setupError(err: unknown, where: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || !e.code.startsWith('E')) return err;
  const fix =
    e.code === 'ENOSPC' || e.code === 'EDQUOT'
      ? 'free some disk space and try again'
      : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
        ? 'check that you can write there, or pass another --root'
        : 'check the runs root (--root / RUNS_ROOT) and try again';
  return new RunsError(`cannot create the run in ${where} (${e.message}); the trainer was not started: ${fix}`);
}

/** Removes a run folder this process just made and nothing has used yet. */
function abandonRunFolder(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // left behind: an empty folder without run.json or train.log is not indexed as a run
  }
}

/** `: best val loss 1.203 @ 500, final train loss 1.118` from the index ('' when it has nothing). */
async function resultSummary(ctx: Context, id: string): Promise<string> {
  try {
    const run = await (await ctx.reader()).getRun(id);
    if (!run) return '';
    const parts: string[] = [];
    if (run.best_val_loss !== null) parts.push(`best val loss ${run.best_val_loss.toFixed(3)} @ ${run.best_val_iter}`);
    if (run.final_train_loss !== null) parts.push(`final train loss ${run.final_train_loss.toFixed(3)}`);
    if (run.test_loss !== null) parts.push(`test loss ${run.test_loss.toFixed(3)}`);
    return parts.length ? `: ${parts.join(', ')}` : '';
  } catch {
    return ''; // the index is a cache; the run itself is recorded
  }
}

function splitTrainer(line: string, source: string): string[] {
  let words: string[];
  try {
    words = splitCommandLine(line);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${source}: ${err.message}; quote it as you would in a shell`);
    throw err;
  }
  if (words.length === 0 || words[0] === '') {
    throw new UsageError(
      `${source} ${JSON.stringify(line)} names no program; pass a trainer command such as --trainer "python -m mlx_lm lora"`,
    );
  }
  return words;
}

interface LoadedConfig {
  bytes: Buffer;
  data: Record<string, unknown>;
}

function readConfig(cwd: string, given: string): LoadedConfig {
  const file = path.resolve(cwd, given);
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new RunsError(`--config ${given} is not a file; pass the trainer's YAML config file`);
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof RunsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RunsError(`--config ${given}: no such file (looked for ${file}); check the path`);
    throw new RunsError(`--config ${given} cannot be read (${code ?? (err as Error).message}); check its permissions`);
  }
  const parsed = parseConfigYaml(bytes.toString('utf8'));
  if (parsed.kind === 'invalid' && parsed.syntax) {
    const where = parsed.line !== undefined ? ` at line ${parsed.line}, column ${parsed.col}` : '';
    const reason = parsed.reason.replace(/ at line \d+, column \d+:?$/, '');
    throw new RunsError(`--config ${given} is not valid YAML${where}: ${reason}; fix the file and try again`);
  }
  // The parser refuses some valid YAML on purpose: an alias bomb (ReferenceError "Excessive alias
  // count…"), nesting too deep for the stack (RangeError). Input problems, not bugs.
  if (parsed.kind === 'invalid') {
    const reason = parsed.tooDeep ? 'it is nested too deeply' : parsed.reason;
    throw new RunsError(
      `--config ${given} cannot be used: ${reason}; write the trainer options as plain key: value lines`,
    );
  }
  if (parsed.kind === 'not-mapping') {
    throw new RunsError(`--config ${given} must be a YAML mapping of trainer options (key: value lines)`);
  }
  return { bytes, data: parsed.kind === 'mapping' ? parsed.data : {} };
}

/** Relative to the user's cwd when the run is inside it (shorter, clickable), else absolute. */
function displayPath(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}

function spawnErrorMessage(file: string, outcome: TrainerOutcome): string {
  const how = outcome.spawnErrorCode === 'ENOENT' ? 'not found' : (outcome.spawnError ?? 'unknown error');
  const fix =
    outcome.spawnErrorCode === 'ENOENT'
      ? `install it with \`${INSTALL_HINT}\`, or pass --trainer / set RUNS_TRAINER`
      : 'check that it is an executable program, or pass --trainer / set RUNS_TRAINER';
  return `trainer "${file}" could not be started (${how}): ${fix}`;
}

interface ParentPlan {
  id: string;
  trainer: string | null;
  /** The parent's config.yaml, when it has one (used unless --config is given). */
  configFile: string | null;
  args: string[];
  resumeFile: string | null;
  iterOffset?: number;
}

/** The last `--resume-adapter-file` in trainer arguments (argparse: the last wins), or null. */
function resumeFileIn(args: readonly string[]): string | null {
  let file: string | null = null;
  args.forEach((a, i) => {
    if (a === '--resume-adapter-file' && i + 1 < args.length) file = args[i + 1]!;
    else if (a.startsWith('--resume-adapter-file=')) file = a.slice('--resume-adapter-file='.length);
  });
  return file;
}

/** What `--from RUN` / `resume RUN` take from the parent (its files are only read). */
async function parentPlan(ctx: Context, opts: TrainOptions): Promise<ParentPlan> {
  await refresh(ctx);
  const run = await resolveRun(ctx, (opts.from ?? opts.resume?.ref)!);
  const paths = runPaths(ctx.locations().root, run.id);
  const read = readManifestFile(paths.manifest);
  const manifest = read.kind === 'ok' ? read.manifest : null;
  const args = manifest ? recordedUserArgs(manifest, { configPath: paths.config, adapterPath: paths.adapters }) : null;
  if (args === null) {
    throw new RunsError(
      `${run.id} has no recorded trainer command (run.json ${read.kind === 'ok' ? 'has no usable "command"' : read.kind}); start a new run with runs train instead`,
    );
  }
  const plan: ParentPlan = {
    id: run.id,
    trainer: manifest?.trainer ?? null,
    configFile: fs.existsSync(paths.config) ? paths.config : null,
    args,
    resumeFile: null,
  };
  // A re-run of a resumed run hands the trainer the checkpoint that run resumed from: if it has
  // been pruned since, say so now (mlx_lm would only fail after loading the model), unless the
  // user's own arguments give another one (last wins).
  const inherited = resumeFileIn(args);
  if (opts.from !== undefined && inherited !== null && resumeFileIn(opts.trainerArgs ?? []) === null) {
    if (!fs.existsSync(path.resolve(manifest?.cwd ?? ctx.cwd, inherited)))
      throw new RunsError(
        `${run.id} resumed from ${inherited}, which no longer exists (pruned?); resume from a checkpoint that exists: runs resume ${manifest?.parent ?? 'RUN'} --checkpoint ITER`,
      );
  }
  if (opts.resume) {
    const cp = runCheckpoints(run, await (await ctx.reader()).metricsOf(run.id));
    const which = opts.resume.checkpoint ?? 'last';
    let chosen: { iter: number; file: string } | undefined;
    if (which === 'last') {
      chosen = cp.last ?? undefined;
      if (!chosen)
        throw new RunsError(
          `${run.id} has no periodic checkpoints to resume from (adapters/NNNNNNN_adapters.safetensors)`,
        );
    } else if (which === 'best') {
      if (!cp.best.ok)
        throw new RunsError(
          `${run.id} has no best checkpoint: ${cp.best.reason}; pick one with --checkpoint last or ITER`,
        );
      const iter = cp.best.iter;
      chosen = cp.files.find((f) => f.iter === iter);
    } else if (/^\d+$/.test(which)) {
      chosen = cp.files.find((f) => f.iter === Number(which));
      if (!chosen)
        throw new RunsError(
          `${run.id} has no checkpoint at iteration ${which}; it has ${cp.files.map((f) => f.iter).join(', ') || 'none'}`,
        );
    } else {
      throw new UsageError(`--checkpoint takes last, best or an iteration number (got "${which}")`);
    }
    plan.resumeFile = chosen!.file;
    // Steps already in those weights; a parent that itself resumed adds its own offset.
    plan.iterOffset = chosen!.iter + (typeof manifest?.iter_offset === 'number' ? manifest.iter_offset : 0);
  }
  return plan;
}
