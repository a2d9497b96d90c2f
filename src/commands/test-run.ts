// runs test RUN: evaluate a finished run's adapters on the test set (`mlx_lm.lora --test
// --adapter-path <run>/adapters` with its config and arguments), output kept in <run>/test.log,
// the test loss and ppl stored in run.json (through the one locked update) and the index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from './context.js';
import { ExitError, RunsError } from '../core/errors.js';
import { parseLogText } from '../parse/mlx-log-parser.js';
import { loadConfigYaml, parseConfigYaml } from '../storage/config-yaml.js';
import { runPaths } from '../storage/layout.js';
import { TEST_LOG_FILE } from '../storage/disk-usage.js';
import { readManifestFile, updateManifestFile } from '../storage/manifest-file.js';
import { buildTestCommand, exitCodeFor, recordedUserArgs, splitCommandLine } from '../trainer/command.js';
import { runTrainer } from '../trainer/spawn.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { syncOneRun } from '../indexer/sync.js';

export interface TestResult {
  id: string;
  test_loss: number | null;
  test_ppl: number | null;
  log: string;
}

const DEFAULT_TRAINER = 'mlx_lm.lora';

export async function testRun(
  ctx: Context,
  ref: string,
  opts: { trainer?: string; trainerArgs?: string[] },
): Promise<TestResult> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  if (run.status === 'running') throw new RunsError(`${run.id} is still running; test it once it has ended`);
  const paths = runPaths(ctx.locations().root, run.id);
  if (!fs.existsSync(path.join(paths.adapters, 'adapters.safetensors'))) {
    throw new RunsError(
      `${run.id} has no adapters/adapters.safetensors to test; export a checkpoint (runs export) and test that, or resume the run`,
    );
  }
  const read = readManifestFile(paths.manifest);
  const manifest = read.kind === 'ok' ? read.manifest : {};
  const recorded = recordedUserArgs(manifest, { configPath: paths.config, adapterPath: paths.adapters }) ?? [];
  const trainerLine = opts.trainer ?? manifest.trainer ?? ctx.env.RUNS_TRAINER ?? DEFAULT_TRAINER;
  const configPath = fs.existsSync(paths.config) ? paths.config : null;
  let config: Record<string, unknown> | null = null;
  if (configPath) {
    // A broken config is the trainer's to report: here it only fills in what it can.
    await loadConfigYaml();
    try {
      const parsed = parseConfigYaml(fs.readFileSync(configPath, 'utf8'));
      if (parsed.kind === 'mapping') config = parsed.data;
    } catch {
      // unreadable: the trainer says so
    }
  }
  const command = buildTestCommand({
    trainer: splitCommandLine(trainerLine),
    configPath,
    adapterPath: paths.adapters,
    userArgs: [...recorded, ...(opts.trainerArgs ?? [])],
    config,
  });
  if (command.problem) throw new RunsError(`cannot test ${run.id}: ${command.problem}`);

  const log = path.join(paths.dir, TEST_LOG_FILE);
  // test.log keeps every test of the run (appended); this one's result is in what it adds.
  const startAt = fs.statSync(log, { throwIfNoEntry: false })?.size ?? 0;
  ctx.notice(`testing ${run.id}: ${[command.file, ...command.args].join(' ')}`);
  const outcome = await runTrainer({
    file: command.file,
    args: command.args,
    // Where the run was trained: its relative --data and --model paths resolve as they did then.
    cwd: typeof manifest.cwd === 'string' && fs.existsSync(manifest.cwd) ? manifest.cwd : ctx.cwd,
    env: ctx.processEnv,
    logPath: log,
    stdout: ctx.io.stdout,
    stderr: ctx.io.stderr,
    killGraceMs: (ctx.env.RUNS_KILL_GRACE ?? 30) * 1000,
    notice: (line) => ctx.notice(line),
  });
  if (outcome.spawnError !== null) {
    throw new RunsError(
      `trainer "${command.file}" could not be started (${outcome.spawnErrorCode ?? outcome.spawnError}); pass --trainer or set RUNS_TRAINER`,
    );
  }
  const code = exitCodeFor(outcome, os.constants.signals);
  if (code !== 0) {
    ctx.notice(`the test ended with exit code ${code}; nothing was stored (output in ${log})`);
    throw new ExitError(code);
  }
  const tests = parseLogText(fs.readFileSync(log).subarray(startAt)).records.filter(
    (r) => r.kind === 'metric' && r.split === 'test',
  );
  const last = tests.at(-1);
  if (!last || last.kind !== 'metric')
    throw new RunsError(`the trainer printed no "Test loss …, Test ppl …" line (output in ${log}); nothing was stored`);
  const result = { test_loss: last.loss, test_ppl: last.test_ppl };
  updateManifestFile(paths.manifest, (m) => ({ ...m, ...result, tested_at: ctx.now().toISOString() }));
  await syncOneRun(ctx, run.id);
  return { id: run.id, ...result, log };
}
