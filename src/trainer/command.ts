// The trainer call as data (STYLE.md §1 "build the command as data"): splitting --trainer, the argv
// `runs train` runs, the run.json settings the trainer will see, and what its exit means.
// Pure: no I/O. trainer/spawn.ts runs what this builds.
import { toNumber, toText } from '../core/coerce.js';
import type { ConfigColumn } from '../core/run-config.js';
import { UsageError } from '../core/errors.js';
import type { RunManifest, RunStatus } from '../core/manifest.js';

// ---------------------------------------------------------------------------------------------
// Splitting a command line

const BLANK = new Set([' ', '\t', '\n', '\r']);
/** Inside double quotes a backslash escapes only these (POSIX `sh`, 2.2.3); elsewhere it is literal. */
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

/**
 * Splits `cmd` into words as a POSIX shell would: blanks separate words; '…' is literal; "…"
 * honours \" \\ \$ \` and backslash-newline; a backslash outside quotes escapes the next
 * character. Nothing is expanded ($VAR, ~, globs, ;, |): the words are never run through a shell,
 * so a trainer path with spaces needs quotes and nothing else. An unterminated quote is a
 * UsageError. A trailing lone backslash is kept literally.
 */
export function splitCommandLine(cmd: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false; // distinguishes "no word" from an empty quoted word ('')
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i]!;
    if (BLANK.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new UsageError(`unterminated single quote in command line: ${cmd}`);
      word += cmd.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      let closed = false;
      while (i < cmd.length) {
        const d = cmd[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < cmd.length && DQ_ESCAPABLE.has(cmd[i + 1]!)) {
          if (cmd[i + 1] !== '\n') word += cmd[i + 1]; // backslash-newline: a line continuation
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) throw new UsageError(`unterminated double quote in command line: ${cmd}`);
    } else if (c === '\\') {
      if (i + 1 >= cmd.length) {
        word += '\\';
        inWord = true;
        i++;
      } else if (cmd[i + 1] === '\n') {
        i += 2; // line continuation
      } else {
        word += cmd[i + 1];
        inWord = true;
        i += 2;
      }
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

// ---------------------------------------------------------------------------------------------
// Reading the trainer's flags the way its argparse does

/**
 * Long options of `mlx_lm.lora` (v0.31.3 and `main`). Needed to resolve unique prefixes as argparse
 * does (`--adapter` is `--adapter-path`, `--iter` is `--iters`, `--c` is ambiguous since
 * `--clear-cache-threshold`). Flags removed before 0.19 are deliberately absent: listing them
 * would make prefixes ambiguous that today's trainer accepts.
 */
const LONG_FLAGS = [
  'model',
  'train',
  'data',
  'fine-tune-type',
  'optimizer',
  'mask-prompt',
  'num-layers',
  'batch-size',
  'iters',
  'val-batches',
  'learning-rate',
  'steps-per-report',
  'steps-per-eval',
  'resume-adapter-file',
  'adapter-path',
  'save-every',
  'test',
  'test-batches',
  'max-seq-length',
  'config',
  'grad-checkpoint',
  'grad-accumulation-steps',
  'report-to',
  'project-name',
  'seed',
  'clear-cache-threshold',
  'trust-remote-code',
] as const;
/** store_true flags: they never take the next word as a value. */
const BOOLEAN_FLAGS = new Set(['train', 'test', 'mask-prompt', 'grad-checkpoint', 'trust-remote-code', 'use-dora']);
/** argparse's `_negative_number_matcher`: such words are values, not options. */
const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

/** One option occurrence in a trainer argv. `name` is the long name argparse would pick (without `--`). */
export interface FlagUse {
  name: string;
  /** The word as written (`--adapter=x`, `-c`). */
  raw: string;
  value: string | null;
}

function looksLikeOption(word: string): boolean {
  return word.startsWith('-') && word !== '-' && !NEGATIVE_NUMBER.test(word);
}

/** The long flag argparse would match: exact, else a unique prefix; unknown flags keep their own name. */
function resolveLongFlag(name: string): string {
  if ((LONG_FLAGS as readonly string[]).includes(name)) return name;
  const candidates = LONG_FLAGS.filter((f) => f.startsWith(name));
  return candidates.length === 1 ? candidates[0]! : name;
}

/**
 * The options in a trainer argv, in order: `--x v`, `--x=v`, `-c v`, `-cv`, `-c=v`, unique
 * prefixes. Value-taking flags take the next word unless it looks like an option (negative numbers
 * such as `--num-layers -1` are values, as in argparse). Words after `--` are not options.
 */
export function scanTrainerFlags(args: readonly string[]): FlagUse[] {
  const uses: FlagUse[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break;
    if (!looksLikeOption(word)) continue;
    let name: string;
    let value: string | null = null;
    let explicit = false;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      name = resolveLongFlag(eq < 0 ? word.slice(2) : word.slice(2, eq));
      if (eq >= 0) {
        value = word.slice(eq + 1);
        explicit = true;
      }
    } else {
      // Single dash: mlx_lm.lora has only -c (= --config); `-cX` and `-c=X` carry the value.
      const letter = word.slice(1, 2);
      name = letter === 'c' ? 'config' : word.slice(1);
      if (letter === 'c' && word.length > 2) {
        value = word[2] === '=' ? word.slice(3) : word.slice(2);
        explicit = true;
      }
    }
    if (!explicit && !BOOLEAN_FLAGS.has(name)) {
      const next = args[i + 1];
      if (next !== undefined && next !== '--' && !looksLikeOption(next)) {
        value = next;
        i++;
      }
    }
    uses.push({ name, raw: word, value });
  }
  return uses;
}

/** The value argparse ends up with for `name`: the last occurrence wins. Undefined when absent. */
function lastValue(uses: readonly FlagUse[], name: string): string | undefined {
  let found: string | undefined;
  for (const u of uses) if (u.name === name && u.value !== null) found = u.value;
  return found;
}

// ---------------------------------------------------------------------------------------------
// The argv

// ---------------------------------------------------------------------------------------------
// Trainer families (shared/mlx-lm-formats.md §1.1, §3.7): how each takes its config and output folder

export const TRAINER_FAMILIES = ['mlx-lm', 'mlx-lm-lora', 'mlx-vlm', 'script'] as const;
export type TrainerFamily = (typeof TRAINER_FAMILIES)[number];

const PYTHON = /^python[\d.]*$/;

function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The words of a `python … -m MODULE …` call from MODULE on; null when it is not one. */
function pythonModule(words: readonly string[]): string[] | null {
  if (words.length === 0 || !PYTHON.test(baseName(words[0]!))) return null;
  const m = words.indexOf('-m');
  return m < 0 ? null : words.slice(m + 1);
}

/**
 * The family of a --trainer command: `mlx_lm.lora`, `mlx_lm lora`, `python -m mlx_lm lora`,
 * `python -m mlx_lm.lora` → mlx-lm; `mlx_lm_lora.train`, `python -m mlx_lm_lora train` →
 * mlx-lm-lora; `python -m mlx_vlm.lora` → mlx-vlm; anything else → script.
 */
export function trainerFamily(words: readonly string[]): TrainerFamily {
  const mod = pythonModule(words);
  const [a, b] = mod ?? [baseName(words[0] ?? ''), words[1]];
  if (a === 'mlx_lm.lora' || (a === 'mlx_lm' && b === 'lora')) return 'mlx-lm';
  if (a === 'mlx_lm_lora.train' || (a === 'mlx_lm_lora' && b === 'train')) return 'mlx-lm-lora';
  if (mod !== null && (a === 'mlx_vlm.lora' || (a === 'mlx_vlm' && b === 'lora'))) return 'mlx-vlm';
  return 'script';
}

/** How `runs train` gets the `runs` reporter into mlx-lm (python/runs_launch.py). */
export interface ReporterLaunch {
  /** The interpreter of the user's mlx_lm (its console script's shebang, or RUNS_PYTHON), as words. */
  python: string[];
  /** Absolute path of runs_launch.py. */
  launcher: string;
}

export interface TrainerCommandInput {
  /** --trainer split into words (at least one). */
  trainer: string[];
  /** The run, for the environment every family gets (RUNS_RUN_DIR, RUNS_RUN_ID, …). */
  run?: { dir: string; id: string; metricsFile: string };
  /** mlx-lm only: run it through the reporter launcher (null: run the trainer as given). */
  reporter?: ReporterLaunch | null;
  /** `<run>/config.yaml` when --config was given. */
  configPath: string | null;
  /** Absolute `<run>/adapters`. */
  adapterPath: string;
  /** The words after `--`, passed on unchanged. */
  userArgs: string[];
  /** The parsed --config YAML, only to warn about keys that will be overridden. */
  config?: Record<string, unknown> | null;
}

export interface TrainerCommand {
  file: string;
  args: string[];
  family: TrainerFamily;
  /** Added to the trainer's environment. */
  env: Record<string, string>;
  /** Whether the `runs` reporter is in the call (mlx-lm through runs_launch.py). */
  reporter: boolean;
  /** Things the user should know before training starts (printed as `warning: …`). */
  warnings: string[];
}

/**
 * `<trainer> --train [-c <run>/config.yaml] <user args> --adapter-path <run>/adapters` for mlx-lm,
 * mlx-lm-lora and `script` (anything else: a wrapper such as `uv run mlx_lm.lora` or a stand-in
 * takes mlx_lm.lora's flags, as it always did here, and also finds the run in RUNS_RUN_DIR);
 * mlx-vlm gets `--output-path <run>/adapters/adapters.safetensors` instead. With a reporter,
 * mlx-lm runs as `<python> runs_launch.py … --report-to <theirs>,runs --adapter-path …`.
 *
 * - `--train` is always passed unless the user's args already contain it (`runs train` trains; a
 *   user `--test` alone still gets `--train`, so the run trains and then tests — mlx_lm.lora cannot
 *   switch --train off, and a test-only call has no business creating a run folder).
 * - `-c` comes before the user's args so a user `-c` would win (argparse keeps the last), which
 *   we warn about: the trainer would then not read the run's config.yaml.
 * - `--adapter-path` comes LAST so that, by the same last-wins rule, everything the trainer writes
 *   lands in the run folder whatever the user passed (warned about) or the YAML says.
 */
export function buildTrainerCommand(input: TrainerCommandInput): TrainerCommand {
  const [file, ...prefix] = input.trainer;
  if (file === undefined || file === '')
    throw new UsageError('the trainer command is empty; pass --trainer "mlx_lm.lora" or set RUNS_TRAINER');
  const uses = scanTrainerFlags(input.userArgs);
  const warnings: string[] = [];

  for (const u of uses) {
    if (u.name === 'adapter-path') {
      warnings.push(
        `${u.raw}${u.value !== null && !u.raw.includes('=') ? ` ${u.value}` : ''} in the trainer arguments is overridden: ` +
          `adapters are written to ${input.adapterPath} (--adapter-path is passed last)`,
      );
    }
  }
  if (input.configPath !== null) {
    const userConfig = lastValue(uses, 'config');
    if (userConfig !== undefined) {
      warnings.push(
        `-c ${userConfig} in the trainer arguments overrides --config (the last -c wins): ` +
          `the trainer reads ${userConfig}, not ${input.configPath}`,
      );
    }
  }
  const yamlAdapterPath = input.config?.adapter_path;
  if (yamlAdapterPath !== undefined && yamlAdapterPath !== null) {
    warnings.push(
      `adapter_path ${JSON.stringify(yamlAdapterPath)} in the config is overridden: adapters are written to ${input.adapterPath}`,
    );
  }

  const family = trainerFamily(input.trainer);
  const env: Record<string, string> = {};
  if (input.run !== undefined) {
    // Every family: a script finds its run folder here (and may write metrics.jsonl itself).
    env.RUNS_RUN_DIR = input.run.dir;
    env.RUNS_RUN_ID = input.run.id;
    env.RUNS_ADAPTERS_DIR = input.adapterPath;
    env.RUNS_METRICS_FILE = input.run.metricsFile;
    if (input.configPath !== null) env.RUNS_CONFIG = input.configPath;
  }

  if (family === 'mlx-vlm') {
    // mlx-vlm writes to --output-path (a file; default adapters.safetensors in the cwd) and
    // adapter_config.json next to it; it reads no config file.
    const output = `${input.adapterPath}/adapters.safetensors`;
    const vlmWarnings = uses
      .filter((u) => u.name === 'output-path' || u.name === 'output')
      .map(
        (u) =>
          `${u.raw}${u.value !== null && !u.raw.includes('=') ? ` ${u.value}` : ''} in the trainer arguments is overridden: mlx-vlm writes to ${output} (--output-path is passed last)`,
      );
    if (input.configPath !== null) {
      vlmWarnings.push(
        `mlx-vlm takes no config file: ${input.configPath} is kept in the run folder but not passed (pass its options after --)`,
      );
    }
    return {
      file,
      args: [...prefix, ...input.userArgs, '--output-path', output],
      warnings: vlmWarnings,
      family,
      env,
      reporter: false,
    };
  }
  const tail: string[] = [];
  if (!uses.some((u) => u.name === 'train')) tail.push('--train');
  if (input.configPath !== null) tail.push('-c', input.configPath);
  tail.push(...input.userArgs);
  if (family === 'mlx-lm-lora' && fusesByDefault(input.config ?? null, uses)) {
    warnings.push(
      `mlx-lm-lora fuses by default (fuse: true): after training it writes a full, de-quantized model into ${input.adapterPath} ` +
        '(gigabytes per run); put `fuse: false` in the config to keep only the adapters',
    );
  }
  const reporter = family === 'mlx-lm' ? (input.reporter ?? null) : null;
  if (reporter !== null) {
    // The user's reporters stay (argparse keeps the last --report-to, so ours carries theirs too;
    // a YAML report_to loses to any CLI value, so it is merged in as well).
    const given = lastValue(uses, 'report-to') ?? yamlText(input.config?.report_to);
    const names = (given ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '' && n.toLowerCase() !== 'runs');
    tail.push('--report-to', [...new Set(names), 'runs'].join(','));
  }
  tail.push('--adapter-path', input.adapterPath);
  if (reporter !== null) {
    const [python, ...pythonArgs] = reporter.python;
    return { file: python!, args: [...pythonArgs, reporter.launcher, ...tail], warnings, family, env, reporter: true };
  }
  return { file, args: [...prefix, ...tail], warnings, family, env, reporter: false };
}

/** mlx-lm-lora's `fuse` defaults to true; off only when the config or a flag says so. */
function fusesByDefault(config: Record<string, unknown> | null, uses: readonly FlagUse[]): boolean {
  if (uses.some((u) => u.name === 'no-fuse' || (u.name === 'fuse' && /^(false|0|no)$/i.test(u.value ?? ''))))
    return false;
  const v = config?.fuse;
  return !(v === false || v === 0 || (typeof v === 'string' && /^(false|0|no)$/i.test(v)));
}

function yamlText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(',');
  return undefined;
}

/**
 * The trainer's environment: inherited, plus PYTHONUNBUFFERED=1 (otherwise Python block-buffers
 * stdout into a pipe: lines arrive late, out of order with stderr, and are lost when it is killed),
 * minus FORCE_COLOR / TTY_COMPATIBLE (they make rich treat our pipe as a terminal and write cursor
 * movements into train.log).
 */
export function trainerEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, ...extra, PYTHONUNBUFFERED: '1' };
  delete out.FORCE_COLOR;
  delete out.TTY_COMPATIBLE;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Settings for run.json

/** The twelve training settings run.json records (the `runs` config columns). */
type SettingKey = ConfigColumn;
export type TrainerSettings = Partial<Pick<RunManifest, SettingKey>>;

/** run.json key → [YAML key (underscores), CLI flag (dashes)], for the settings that have a flag. */
const FLAG_SETTINGS: Array<[SettingKey, string, string, 'string' | 'number']> = [
  ['model', 'model', 'model', 'string'],
  ['data_dir', 'data', 'data', 'string'],
  ['fine_tune_type', 'fine_tune_type', 'fine-tune-type', 'string'],
  ['num_layers', 'num_layers', 'num-layers', 'number'],
  ['iters', 'iters', 'iters', 'number'],
  ['batch_size', 'batch_size', 'batch-size', 'number'],
  ['learning_rate', 'learning_rate', 'learning-rate', 'number'],
  ['seed', 'seed', 'seed', 'number'],
  ['max_seq_length', 'max_seq_length', 'max-seq-length', 'number'],
];

function coerce(v: unknown, kind: 'string' | 'number'): string | number | undefined {
  return (kind === 'number' ? toNumber(v) : toText(v)) ?? undefined;
}

/**
 * The run.json fields the trainer will see, with mlx_lm.lora's precedence: CLI flag > YAML key
 * (argparse: the last repeated flag wins; `--x=v`; unique prefixes; YAML keys use underscores,
 * flags dashes). LoRA parameters exist only in YAML (`lora_parameters.rank/dropout`).
 * `lora_alpha` is `lora_parameters.alpha` when present (old configs), else
 * `lora_parameters.scale`: mlx_lm's only LoRA multiplier, which is what the earlier Python
 * tooling's `lora_alpha` recorded. `num_layers` also reads the pre-0.19 name `lora_layers`.
 * Absent or unusable values are left out (never set to a guess such as the trainer's default).
 */
export function settingsFromConfig(config: Record<string, unknown> | null, userArgs: string[]): TrainerSettings {
  const out: Record<string, string | number> = {};
  const yaml = config ?? {};
  const uses = scanTrainerFlags(userArgs);
  for (const [key, yamlKey, flag, kind] of FLAG_SETTINGS) {
    let v = coerce(lastValue(uses, flag), kind);
    if (v === undefined && key === 'num_layers') v = coerce(lastValue(uses, 'lora-layers'), kind);
    if (v === undefined) v = coerce(yaml[yamlKey], kind);
    if (v === undefined && key === 'num_layers') v = coerce(yaml.lora_layers, kind);
    if (v !== undefined) out[key] = v;
  }
  const lora = yaml.lora_parameters;
  if (lora !== null && typeof lora === 'object' && !Array.isArray(lora)) {
    const p = lora as Record<string, unknown>;
    const rank = toNumber(p.rank);
    const alpha = toNumber(p.alpha) ?? toNumber(p.scale);
    const dropout = toNumber(p.dropout);
    if (rank !== null) out.lora_rank = rank;
    if (alpha !== null) out.lora_alpha = alpha;
    if (dropout !== null) out.lora_dropout = dropout;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the exit means

export interface ExitFacts {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The stop signal the recorder forwarded to the trainer, if any. */
  forwardedSignal: NodeJS.Signals | null;
}

/**
 * Status from the exit, never from the log text (a killed trainer loses its tail; some eras print
 * no end marker): 0 → completed; died by SIGINT/SIGTERM or exit 130/143 (a shell wrapper's way of
 * saying so) → interrupted; any non-zero end after the recorder forwarded a stop request
 * (including our SIGKILL escalation, or a wrapper that turns KeyboardInterrupt into exit 1) →
 * interrupted; anything else (exceptions, SIGABRT, an OOM-killer SIGKILL) → failed.
 */
export function outcomeStatus(facts: ExitFacts): Extract<RunStatus, 'completed' | 'failed' | 'interrupted'> {
  if (facts.exitCode === 0 && facts.signal === null) return 'completed';
  if (facts.signal === 'SIGINT' || facts.signal === 'SIGTERM') return 'interrupted';
  if (facts.exitCode === 130 || facts.exitCode === 143) return 'interrupted';
  if (facts.forwardedSignal !== null) return 'interrupted';
  return 'failed';
}

/**
 * The exit code of `runs train`: the trainer's own, or 128+N when it died by signal N (as a
 * shell reports it; tsx does the same: https://nodejs.org/api/process.html#exit-codes).
 * `signalNumbers` is os.constants.signals, passed in to keep this pure.
 */
export function exitCodeFor(
  facts: Pick<ExitFacts, 'exitCode' | 'signal'>,
  signalNumbers: Readonly<Partial<Record<string, number>>>,
): number {
  if (facts.exitCode !== null) return facts.exitCode;
  if (facts.signal !== null) return 128 + (signalNumbers[facts.signal] ?? 0);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Re-running, resuming and testing a recorded run (`runs train --from`, `runs resume`, `runs test`)

export interface RecordedCommand {
  /** run.json `command`: the argv as run. */
  command?: string[] | null;
  /** run.json `trainer`: the trainer command line. */
  trainer?: string | null;
  /** run.json `trainer_args`: the user's own arguments (recorded since `runs train --from` exists). */
  trainer_args?: string[] | null;
}

/**
 * The user's own trainer arguments of a recorded run: `trainer_args` when run.json has it, else
 * recovered from `command` by removing what buildTrainerCommand added around them (the trainer
 * words, `--train`, `-c <run>/config.yaml`, and the final `--adapter-path <run>/adapters`).
 * null when the command does not have that shape (a run recorded by another tool).
 */
export function recordedUserArgs(
  m: RecordedCommand,
  run: { configPath: string; adapterPath: string },
): string[] | null {
  if (Array.isArray(m.trainer_args)) return [...m.trainer_args];
  if (!Array.isArray(m.command) || typeof m.trainer !== 'string') return null;
  let prefix: string[];
  try {
    prefix = splitCommandLine(m.trainer);
  } catch {
    return null;
  }
  const words = [...m.command];
  if (prefix.some((w, i) => words[i] !== w)) return null;
  words.splice(0, prefix.length);
  if (words[0] === '--train') words.shift();
  if (words[0] === '-c' && words[1] === run.configPath) words.splice(0, 2);
  const n = words.length;
  if (n >= 2 && words[n - 2] === '--adapter-path' && words[n - 1] === run.adapterPath) words.splice(n - 2, 2);
  return words;
}

/**
 * Arguments of a re-run: the parent's, then (resume) `--resume-adapter-file <checkpoint>`, then
 * the user's new ones. Last wins in argparse, so whatever the user adds overrides the parent.
 */
export function rerunArgs(
  parentArgs: readonly string[],
  userArgs: readonly string[],
  resumeFile: string | null = null,
): string[] {
  return [...parentArgs, ...(resumeFile !== null ? ['--resume-adapter-file', resumeFile] : []), ...userArgs];
}

/**
 * `<trainer> --test [-c <run>/config.yaml] <the run's args without --train> --adapter-path <run>/adapters`:
 * test-only, mlx_lm loads the run's adapters and writes nothing (formats reference §1.2). A
 * `--train` in the recorded args would train again, so it is dropped; a `train: true` in the
 * YAML cannot be switched off from the command line (§1.3) and is reported as a problem.
 */
export function buildTestCommand(input: TrainerCommandInput): TrainerCommand & { problem: string | null } {
  const [file, ...prefix] = input.trainer;
  if (file === undefined || file === '')
    throw new UsageError('the trainer command is empty; pass --trainer "mlx_lm.lora" or set RUNS_TRAINER');
  const kept: string[] = [];
  const uses = new Set(
    scanTrainerFlags(input.userArgs)
      .filter((u) => u.name === 'train' || u.name === 'test')
      .map((u) => u.raw),
  );
  for (const w of input.userArgs) if (!uses.has(w)) kept.push(w);
  const args = [...prefix, '--test'];
  if (input.configPath !== null) args.push('-c', input.configPath);
  args.push(...kept, '--adapter-path', input.adapterPath);
  const yamlTrain = input.config?.train;
  const problem =
    yamlTrain === true || yamlTrain === 'true'
      ? 'its config.yaml sets train: true, which mlx_lm.lora cannot switch off from the command line (testing would train again); remove that line from the config and try again'
      : null;
  // Test-only: no reporter (no callback sees the test loss), no run environment (no new run).
  return { file, args, family: trainerFamily(input.trainer), env: {}, reporter: false, warnings: [], problem };
}
