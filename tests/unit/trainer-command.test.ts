import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  buildTrainerCommand,
  exitCodeFor,
  outcomeStatus,
  scanTrainerFlags,
  settingsFromConfig,
  splitCommandLine,
  trainerEnv,
  trainerFamily,
  type ExitFacts,
  type TrainerFamily,
} from '../../src/trainer/command.js';

const RUN = '/r/runs/2026-11-29_14-05-09';
const ADAPTERS = `${RUN}/adapters`;
const CONFIG = `${RUN}/config.yaml`;

describe('splitCommandLine', () => {
  it.each<[string, string[]]>([
    ['mlx_lm.lora', ['mlx_lm.lora']],
    ['  python   -m  mlx_lm lora ', ['python', '-m', 'mlx_lm', 'lora']],
    ['python\t-m\nmlx_lm.lora', ['python', '-m', 'mlx_lm.lora']],
    ["'/opt/my venv/bin/python' -m mlx_lm lora", ['/opt/my venv/bin/python', '-m', 'mlx_lm', 'lora']],
    ['"/opt/my venv/bin/python" -u', ['/opt/my venv/bin/python', '-u']],
    ['/opt/my\\ venv/bin/python', ['/opt/my venv/bin/python']],
    ['"a \\"b\\" \\\\ \\$HOME \\n"', ['a "b" \\ $HOME \\n']],
    ['\'a \\b "c"\'', ['a \\b "c"']],
    ['a\'\'b ""c', ['ab', 'c']],
    ["'' x", ['', 'x']],
    ['$HOME ~/x *.py a;b', ['$HOME', '~/x', '*.py', 'a;b']],
    ['a\\\nb', ['ab']],
    ['trailing\\', ['trailing\\']],
    ['', []],
    ['   ', []],
  ])('%j', (cmd, words) => expect(splitCommandLine(cmd)).toEqual(words));

  it.each(["python 'unterminated", 'python "unterminated', '"a\\"'])(
    'unterminated quote %j is a usage error',
    (cmd) => {
      expect(() => splitCommandLine(cmd)).toThrow(UsageError);
      expect(() => splitCommandLine(cmd)).toThrow(/unterminated/);
    },
  );
});

describe('scanTrainerFlags', () => {
  it.each<[string[], Array<[string, string | null]>]>([
    [
      ['--iters', '600', '--train'],
      [
        ['iters', '600'],
        ['train', null],
      ],
    ],
    [
      ['--iters=600', '--iter', '7'],
      [
        ['iters', '600'],
        ['iters', '7'],
      ],
    ],
    [['--num-layers', '-1'], [['num-layers', '-1']]],
    [['--train', 'x'], [['train', null]]],
    [
      ['-c', 'a.yaml', '-cb.yaml', '-c=c.yaml'],
      [
        ['config', 'a.yaml'],
        ['config', 'b.yaml'],
        ['config', 'c.yaml'],
      ],
    ],
    [
      ['--adapter', 'x', '--adapter=y'],
      [
        ['adapter-path', 'x'],
        ['adapter-path', 'y'],
      ],
    ],
    [['--c', 'x'], [['c', 'x']]], // ambiguous (--config, --clear-cache-threshold): not resolved
    [
      ['--my-flag', '--iters', '3'],
      [
        ['my-flag', null],
        ['iters', '3'],
      ],
    ],
    [['--iters', '3', '--', '--seed', '1'], [['iters', '3']]],
  ])('%j', (args, expected) => {
    expect(scanTrainerFlags(args).map((u) => [u.name, u.value])).toEqual(expected);
  });
});

describe('buildTrainerCommand', () => {
  it.each<[string, { trainer: string[]; configPath: string | null; userArgs: string[] }, string, string[]]>([
    [
      'config only',
      { trainer: ['mlx_lm.lora'], configPath: CONFIG, userArgs: [] },
      'mlx_lm.lora',
      ['--train', '-c', CONFIG, '--adapter-path', ADAPTERS],
    ],
    [
      'flags only',
      { trainer: ['mlx_lm.lora'], configPath: null, userArgs: ['--iters', '10', '--data', './data'] },
      'mlx_lm.lora',
      ['--train', '--iters', '10', '--data', './data', '--adapter-path', ADAPTERS],
    ],
    [
      'config and flags',
      { trainer: ['mlx_lm.lora'], configPath: CONFIG, userArgs: ['--iters', '10'] },
      'mlx_lm.lora',
      ['--train', '-c', CONFIG, '--iters', '10', '--adapter-path', ADAPTERS],
    ],
    [
      '--trainer with several words',
      { trainer: splitCommandLine("'/opt/my venv/bin/python' -m mlx_lm lora"), configPath: null, userArgs: [] },
      '/opt/my venv/bin/python',
      ['-m', 'mlx_lm', 'lora', '--train', '--adapter-path', ADAPTERS],
    ],
    [
      'user --train is not repeated',
      { trainer: ['mlx_lm.lora'], configPath: null, userArgs: ['--train', '--test'] },
      'mlx_lm.lora',
      ['--train', '--test', '--adapter-path', ADAPTERS],
    ],
    [
      'user --test alone still trains',
      { trainer: ['mlx_lm.lora'], configPath: null, userArgs: ['--test'] },
      'mlx_lm.lora',
      ['--train', '--test', '--adapter-path', ADAPTERS],
    ],
    [
      "user's --adapter-path comes before ours",
      { trainer: ['mlx_lm.lora'], configPath: null, userArgs: ['--adapter-path', 'mine', '--iters', '5'] },
      'mlx_lm.lora',
      ['--train', '--adapter-path', 'mine', '--iters', '5', '--adapter-path', ADAPTERS],
    ],
  ])('%s', (_name, input, file, args) => {
    const cmd = buildTrainerCommand({ ...input, adapterPath: ADAPTERS });
    expect(cmd.file).toBe(file);
    expect(cmd.args).toEqual(args);
    expect(cmd.args.slice(-2)).toEqual(['--adapter-path', ADAPTERS]);
  });

  it.each<[string, string[], Record<string, unknown> | null, string | null, RegExp | null]>([
    ['no warning for plain flags', ['--iters', '5'], null, CONFIG, null],
    [
      '--adapter-path X',
      ['--adapter-path', 'mine'],
      null,
      null,
      /--adapter-path mine in the trainer arguments is overridden/,
    ],
    [
      '--adapter-path=X',
      ['--adapter-path=mine'],
      null,
      null,
      /--adapter-path=mine in the trainer arguments is overridden/,
    ],
    ['unique prefix --adapter=X', ['--adapter=x'], null, null, /--adapter=x .*overridden/],
    ['-c with --config', ['-c', 'other.yaml'], null, CONFIG, /-c other\.yaml .*overrides --config/],
    ['--config= with --config', ['--config=other.yaml'], null, CONFIG, /other\.yaml .*overrides --config/],
    ['-c without --config is no conflict', ['-c', 'other.yaml'], null, null, null],
    ['adapter_path in the YAML', [], { adapter_path: 'out' }, CONFIG, /adapter_path "out" in the config is overridden/],
  ])('warning: %s', (_name, userArgs, config, configPath, warning) => {
    const { warnings } = buildTrainerCommand({
      trainer: ['mlx_lm.lora'],
      configPath,
      adapterPath: ADAPTERS,
      userArgs,
      config,
    });
    if (warning === null) expect(warnings).toEqual([]);
    else {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
    }
  });

  it('an empty trainer is a usage error', () => {
    expect(() => buildTrainerCommand({ trainer: [], configPath: null, adapterPath: ADAPTERS, userArgs: [] })).toThrow(
      UsageError,
    );
  });
});

describe('trainerEnv', () => {
  it('adds PYTHONUNBUFFERED, drops FORCE_COLOR and TTY_COMPATIBLE, keeps the rest', () => {
    const env = { PATH: '/bin', FORCE_COLOR: '1', TTY_COMPATIBLE: '1', HF_HOME: '/h' };
    expect(trainerEnv(env)).toEqual({ PATH: '/bin', HF_HOME: '/h', PYTHONUNBUFFERED: '1' });
    expect(env.FORCE_COLOR).toBe('1'); // input untouched
  });
});

describe('settingsFromConfig', () => {
  const yaml = {
    model: 'acme/Mistral-Lite-3B-4bit',
    data: 'data/helpdesk',
    fine_tune_type: 'dora',
    num_layers: 8,
    iters: 300,
    batch_size: 2,
    learning_rate: 2e-5,
    seed: 7,
    max_seq_length: 1024,
    lora_parameters: { rank: 16, scale: 16.0, dropout: 0.05, keys: ['self_attn.q_proj'] },
    steps_per_eval: 100,
  };
  it.each<[string, Record<string, unknown> | null, string[], Record<string, unknown>]>([
    ['nothing', null, [], {}],
    [
      'YAML only',
      yaml,
      [],
      {
        model: 'acme/Mistral-Lite-3B-4bit',
        data_dir: 'data/helpdesk',
        fine_tune_type: 'dora',
        num_layers: 8,
        iters: 300,
        batch_size: 2,
        learning_rate: 2e-5,
        seed: 7,
        max_seq_length: 1024,
        lora_rank: 16,
        lora_alpha: 16,
        lora_dropout: 0.05,
      },
    ],
    [
      'flags only',
      null,
      [
        '--model',
        'm',
        '--data',
        './d',
        '--fine-tune-type',
        'lora',
        '--num-layers',
        '-1',
        '--iters',
        '10',
        '--batch-size',
        '4',
        '--learning-rate',
        '1e-5',
        '--seed',
        '0',
        '--max-seq-length',
        '2048',
        '--train',
      ],
      {
        model: 'm',
        data_dir: './d',
        fine_tune_type: 'lora',
        num_layers: -1,
        iters: 10,
        batch_size: 4,
        learning_rate: 1e-5,
        seed: 0,
        max_seq_length: 2048,
      },
    ],
    ['flag beats YAML', { iters: 300, model: 'a' }, ['--iters', '10'], { iters: 10, model: 'a' }],
    ['last repeated flag wins', null, ['--iters', '10', '--iters', '20', '--iters=30'], { iters: 30 }],
    ['--iters=600', { iters: 300 }, ['--iters=600'], { iters: 600 }],
    [
      'unique prefix --iter / --learning',
      null,
      ['--iter', '5', '--learning', '3e-4'],
      { iters: 5, learning_rate: 3e-4 },
    ],
    [
      'string "1e-5" learning rate in YAML',
      { learning_rate: '1e-5', iters: '100' },
      [],
      { learning_rate: 1e-5, iters: 100 },
    ],
    ['unusable values are left out', { learning_rate: 'fast', iters: null, model: ['x'] }, ['--batch-size'], {}],
    [
      'lora alpha wins over scale',
      { lora_parameters: { rank: 8, alpha: 32, scale: 20 } },
      [],
      { lora_rank: 8, lora_alpha: 32 },
    ],
    ['old lora_layers name', { lora_layers: 4 }, [], { num_layers: 4 }],
    ['dashed YAML keys are ignored, as mlx_lm does', { 'batch-size': 8 }, [], {}],
    ['words after -- are not flags', null, ['--', '--iters', '5'], {}],
  ])('%s', (_name, config, args, expected) => {
    expect(settingsFromConfig(config, args)).toEqual(expected);
  });
});

describe('outcome', () => {
  const facts = (
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    forwardedSignal: NodeJS.Signals | null = null,
  ): ExitFacts => ({
    exitCode,
    signal,
    forwardedSignal,
  });
  it.each<[string, ExitFacts, string, number]>([
    ['exit 0', facts(0, null), 'completed', 0],
    ['exit 1 (exception)', facts(1, null), 'failed', 1],
    ['exit 2 (argparse)', facts(2, null), 'failed', 2],
    ['died by SIGINT (Ctrl-C)', facts(null, 'SIGINT', 'SIGINT'), 'interrupted', 130],
    ['died by SIGINT sent to the trainer directly', facts(null, 'SIGINT'), 'interrupted', 130],
    ['exit 130 (shell wrapper)', facts(130, null), 'interrupted', 130],
    ['SIGTERM forwarded', facts(null, 'SIGTERM', 'SIGTERM'), 'interrupted', 143],
    ['SIGKILL after a forwarded SIGINT', facts(null, 'SIGKILL', 'SIGINT'), 'interrupted', 137],
    ['exit 1 after a forwarded SIGINT', facts(1, null, 'SIGINT'), 'interrupted', 1],
    ['exit 0 after a forwarded SIGINT', facts(0, null, 'SIGINT'), 'completed', 0],
    ['unexplained SIGKILL (OOM killer)', facts(null, 'SIGKILL'), 'failed', 137],
    ['SIGABRT (native abort)', facts(null, 'SIGABRT'), 'failed', 134],
  ])('%s', (_name, f, status, code) => {
    expect(outcomeStatus(f)).toBe(status);
    expect(exitCodeFor(f, os.constants.signals)).toBe(code);
  });
});

describe('trainer families', () => {
  it.each<[string, TrainerFamily]>([
    ['mlx_lm.lora', 'mlx-lm'],
    ['/venv/bin/mlx_lm.lora', 'mlx-lm'],
    ['mlx_lm lora', 'mlx-lm'],
    ['python -m mlx_lm lora', 'mlx-lm'],
    ['python3.11 -u -m mlx_lm.lora', 'mlx-lm'],
    ['mlx_lm_lora.train', 'mlx-lm-lora'],
    ['python -m mlx_lm_lora train', 'mlx-lm-lora'],
    ['python -m mlx_vlm.lora', 'mlx-vlm'],
    ['python train.py', 'script'],
    ['uv run mlx_lm.lora', 'script'],
    ['mlx_lm generate', 'script'],
  ])('%s is %s', (cmd, family) => expect(trainerFamily(splitCommandLine(cmd))).toBe(family));

  const RUN_INFO = { dir: RUN, id: '2026-11-29_14-05-09', metricsFile: `${RUN}/metrics.jsonl` };
  const ENV = {
    RUNS_RUN_DIR: RUN,
    RUNS_RUN_ID: '2026-11-29_14-05-09',
    RUNS_ADAPTERS_DIR: ADAPTERS,
    RUNS_METRICS_FILE: `${RUN}/metrics.jsonl`,
  };
  const REPORTER = { python: ['/venv/bin/python3'], launcher: '/pkg/python/runs_launch.py' };

  it.each<
    [
      string,
      Parameters<typeof buildTrainerCommand>[0],
      { file: string; args: string[]; reporter: boolean; warnings: RegExp[] },
    ]
  >([
    [
      'mlx-lm with the reporter: the shebang interpreter runs the launcher; --report-to gets runs',
      {
        trainer: ['mlx_lm.lora'],
        run: RUN_INFO,
        reporter: REPORTER,
        configPath: CONFIG,
        adapterPath: ADAPTERS,
        userArgs: ['--iters', '10'],
      },
      {
        file: '/venv/bin/python3',
        args: [
          '/pkg/python/runs_launch.py',
          '--train',
          '-c',
          CONFIG,
          '--iters',
          '10',
          '--report-to',
          'runs',
          '--adapter-path',
          ADAPTERS,
        ],
        reporter: true,
        warnings: [],
      },
    ],
    [
      'mlx-lm: the user --report-to wandb is kept (the last one wins in argparse, so ours carries it)',
      {
        trainer: ['mlx_lm', 'lora'],
        run: RUN_INFO,
        reporter: REPORTER,
        configPath: null,
        adapterPath: ADAPTERS,
        userArgs: ['--report-to', 'wandb'],
      },
      {
        file: '/venv/bin/python3',
        args: [
          '/pkg/python/runs_launch.py',
          '--train',
          '--report-to',
          'wandb',
          '--report-to',
          'wandb,runs',
          '--adapter-path',
          ADAPTERS,
        ],
        reporter: true,
        warnings: [],
      },
    ],
    [
      'mlx-lm: a YAML report_to is merged in',
      {
        trainer: ['python', '-m', 'mlx_lm', 'lora'],
        run: RUN_INFO,
        reporter: { python: ['/usr/bin/python3', '-u'], launcher: '/l.py' },
        configPath: CONFIG,
        adapterPath: ADAPTERS,
        userArgs: [],
        config: { report_to: 'swanlab' },
      },
      {
        file: '/usr/bin/python3',
        args: ['-u', '/l.py', '--train', '-c', CONFIG, '--report-to', 'swanlab,runs', '--adapter-path', ADAPTERS],
        reporter: true,
        warnings: [],
      },
    ],
    [
      'mlx-lm without an interpreter: as before',
      {
        trainer: ['mlx_lm.lora'],
        run: RUN_INFO,
        reporter: null,
        configPath: null,
        adapterPath: ADAPTERS,
        userArgs: [],
      },
      { file: 'mlx_lm.lora', args: ['--train', '--adapter-path', ADAPTERS], reporter: false, warnings: [] },
    ],
    [
      'mlx-lm-lora: config and adapter path like mlx-lm, no reporter, the fuse warning',
      {
        trainer: ['mlx_lm_lora.train'],
        run: RUN_INFO,
        reporter: REPORTER,
        configPath: CONFIG,
        adapterPath: ADAPTERS,
        userArgs: ['--train-mode', 'dpo'],
        config: {},
      },
      {
        file: 'mlx_lm_lora.train',
        args: ['--train', '-c', CONFIG, '--train-mode', 'dpo', '--adapter-path', ADAPTERS],
        reporter: false,
        warnings: [/fuses by default \(fuse: true\).*fuse: false/],
      },
    ],
    [
      'mlx-lm-lora with fuse: false in the config: no warning',
      {
        trainer: ['python', '-m', 'mlx_lm_lora', 'train'],
        run: RUN_INFO,
        configPath: CONFIG,
        adapterPath: ADAPTERS,
        userArgs: [],
        config: { fuse: false },
      },
      {
        file: 'python',
        args: ['-m', 'mlx_lm_lora', 'train', '--train', '-c', CONFIG, '--adapter-path', ADAPTERS],
        reporter: false,
        warnings: [],
      },
    ],
    [
      'mlx-vlm: --output-path into the run, no config file passed',
      {
        trainer: ['python', '-m', 'mlx_vlm.lora'],
        run: RUN_INFO,
        configPath: CONFIG,
        adapterPath: ADAPTERS,
        userArgs: ['--model-path', 'm', '--output-path', 'x.safetensors'],
      },
      {
        file: 'python',
        args: [
          '-m',
          'mlx_vlm.lora',
          '--model-path',
          'm',
          '--output-path',
          'x.safetensors',
          '--output-path',
          `${ADAPTERS}/adapters.safetensors`,
        ],
        reporter: false,
        warnings: [/--output-path x.safetensors .* overridden/, /mlx-vlm takes no config file/],
      },
    ],
    [
      'script: mlx_lm.lora-style flags as always, and the run in its environment',
      {
        trainer: ['python', 'train.py'],
        run: RUN_INFO,
        reporter: REPORTER,
        configPath: null,
        adapterPath: ADAPTERS,
        userArgs: ['--lr', '1e-4'],
      },
      {
        file: 'python',
        args: ['train.py', '--train', '--lr', '1e-4', '--adapter-path', ADAPTERS],
        reporter: false,
        warnings: [],
      },
    ],
  ])('%s', (_name, input, want) => {
    const cmd = buildTrainerCommand(input);
    expect({ file: cmd.file, args: cmd.args, reporter: cmd.reporter }).toEqual({
      file: want.file,
      args: want.args,
      reporter: want.reporter,
    });
    expect(cmd.warnings).toHaveLength(want.warnings.length);
    want.warnings.forEach((w, i) => expect(cmd.warnings[i]).toMatch(w));
    expect(cmd.env).toEqual(input.configPath !== null ? { ...ENV, RUNS_CONFIG: input.configPath } : ENV);
  });
});
