// One short invented line per era and pitfall of the trainer's console output
// (formats: shared/mlx-lm-formats.md §3; counting rules: shared/fixtures/mlx-logs/README.md).
import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../src/core/records.js';
import { LineHint, looksCutOff, parseMlxLine } from '../../src/parse/mlx-line.js';

const BLANK: MetricRecord = {
  kind: 'metric',
  split: 'train',
  iter: null,
  loss: null,
  learning_rate: null,
  it_per_sec: null,
  tokens_per_sec: null,
  trained_tokens: null,
  peak_mem_gb: null,
  val_time_s: null,
  test_ppl: null,
  segment: 0,
};
const train = (r: Partial<MetricRecord>): MetricRecord => ({ ...BLANK, ...r, split: 'train' });
const val = (r: Partial<MetricRecord>): MetricRecord => ({ ...BLANK, ...r, split: 'val' });

const H = LineHint;
const MLX = H.LEARNING_RATE | H.IT_PER_SEC | H.TRAINED_TOKENS;

describe('parseMlxLine: train and val records', () => {
  it.each<[string, string, MetricRecord, { fields?: number; cut?: boolean; hints?: number }]>([
    [
      'train A (lora.py, mlx_lm ≤0.0.11)',
      'Iter 200: Train loss 1.605, It/sec 1.874, Tokens/sec 702.331',
      train({ iter: 200, loss: 1.605, it_per_sec: 1.874, tokens_per_sec: 702.331 }),
      { fields: 2, cut: false, hints: H.IT_PER_SEC },
    ],
    [
      'train B (+ Trained Tokens)',
      'Iter 210: Train loss 1.590, It/sec 1.870, Tokens/sec 700.100, Trained Tokens 84120',
      train({ iter: 210, loss: 1.59, it_per_sec: 1.87, tokens_per_sec: 700.1, trained_tokens: 84120 }),
      { fields: 3, cut: false, hints: H.IT_PER_SEC | H.TRAINED_TOKENS },
    ],
    [
      'train C (+ Learning Rate)',
      'Iter 30: Train loss 1.947, Learning Rate 1.000e-05, It/sec 0.796, Tokens/sec 318.557, Trained Tokens 12006',
      train({
        iter: 30,
        loss: 1.947,
        learning_rate: 1e-5,
        it_per_sec: 0.796,
        tokens_per_sec: 318.557,
        trained_tokens: 12006,
      }),
      { fields: 4, cut: false, hints: MLX },
    ],
    [
      'train D (+ Peak mem)',
      'Iter 10: Train loss 2.436, Learning Rate 2.000e-05, It/sec 0.532, Tokens/sec 1093.415, Trained Tokens 20553, Peak mem 6.284 GB',
      train({
        iter: 10,
        loss: 2.436,
        learning_rate: 2e-5,
        it_per_sec: 0.532,
        tokens_per_sec: 1093.415,
        trained_tokens: 20553,
        peak_mem_gb: 6.284,
      }),
      { fields: 5, cut: false, hints: MLX | H.PEAK_MEM },
    ],
    [
      'val',
      'Iter 50: Val loss 1.655, Val took 3.402s',
      val({ iter: 50, loss: 1.655, val_time_s: 3.402 }),
      { fields: 1, cut: false },
    ],
    [
      'fork ORPO train: extra fields, float Trained Tokens',
      'Iter 3: Train loss 0.733, Chosen reward 1.250, Rejected reward 0.125, Accuracy 0.750, Margin 1.125, Learning Rate 5.000e-06, It/sec 0.910, Tokens/sec 401.200, Trained Tokens 1532.0, Peak mem 4.120 GB',
      train({
        iter: 3,
        loss: 0.733,
        learning_rate: 5e-6,
        it_per_sec: 0.91,
        tokens_per_sec: 401.2,
        trained_tokens: 1532,
        peak_mem_gb: 4.12,
      }),
      { fields: 9, cut: false, hints: MLX | H.PEAK_MEM | H.ORPO_FIELDS },
    ],
    [
      'fork ORPO val',
      'Iter 1: Val loss 2.100, Val chosen reward 0.900, Val rejected reward 0.300, Val took 1.205s',
      val({ iter: 1, loss: 2.1, val_time_s: 1.205 }),
      { cut: false, hints: H.ORPO_FIELDS },
    ],
    [
      'fork GRPO train: negative loss, reward names with digits, no Trained Tokens',
      'Iter 5: Train loss -0.012, Total rewards mean 0.410, Grouped rewards std 0.220, KL 0.001, r2_format_reward mean 0.125, Learning Rate 1.000e-05, It/sec 0.061, Tokens/sec 48.500, Peak mem 11.002 GB',
      train({
        iter: 5,
        loss: -0.012,
        learning_rate: 1e-5,
        it_per_sec: 0.061,
        tokens_per_sec: 48.5,
        peak_mem_gb: 11.002,
      }),
      { cut: false, hints: H.LEARNING_RATE | H.IT_PER_SEC | H.PEAK_MEM | H.GRPO_FIELDS },
    ],
    [
      'fork GRPO val',
      'Iter 1: Val loss 0.010, Val total_rewards_mean 0.520, Val kl 0.000, Val r3_len_func_std 0.101, Val took 40.250s',
      val({ iter: 1, loss: 0.01, val_time_s: 40.25 }),
      { cut: false, hints: H.GRPO_FIELDS },
    ],
    [
      'instructlab: Epoch prefix, zero-padded iteration',
      'Epoch 1: Iter 040: Train loss 1.859, It/sec 0.262, Tokens/sec 117.052',
      train({ iter: 40, loss: 1.859, it_per_sec: 0.262, tokens_per_sec: 117.052 }),
      { cut: false, hints: H.IT_PER_SEC | H.EPOCH_PREFIX | H.ZERO_PADDED },
    ],
    [
      'instructlab val',
      'Epoch 2: Iter 1: Val loss 3.604, Val took 21.775s',
      val({ iter: 1, loss: 3.604, val_time_s: 21.775 }),
      { cut: false, hints: H.EPOCH_PREFIX },
    ],
    [
      'timestamp prefix holding a comma',
      '2025-03-02 10:11:12,345 INFO Iter 10: Train loss 2.436, It/sec 0.532, Tokens/sec 93.4',
      train({ iter: 10, loss: 2.436, it_per_sec: 0.532, tokens_per_sec: 93.4 }),
      { cut: false },
    ],
    [
      'rank prefix, nan val loss',
      '[rank0] Iter 60: Val loss nan, Val took 3.100s',
      val({ iter: 60, val_time_s: 3.1 }),
      { cut: false },
    ],
    [
      'launcher prefix with an earlier "Iter " that is no head',
      '[Iter watcher (pid 4242)] Iter 70: Val loss 1.601, Val took 3.300s',
      val({ iter: 70, loss: 1.601, val_time_s: 3.3 }),
      { cut: false },
    ],
    [
      'CRLF',
      'Iter 80: Val loss 1.601, Val took 3.300s\r',
      val({ iter: 80, loss: 1.601, val_time_s: 3.3 }),
      { cut: false },
    ],
    [
      'ANSI colours around a classic line',
      '\x1b[32mIter 90: Train loss 1.200, It/sec 1.000, Tokens/sec 9.000\x1b[0m',
      train({ iter: 90, loss: 1.2, it_per_sec: 1, tokens_per_sec: 9 }),
      { cut: false },
    ],
    [
      'nan train loss',
      'Iter 30: Train loss nan, Learning Rate 1.000e-05, It/sec 45.900, Tokens/sec 4099.580, Trained Tokens 2749, Peak mem 0.812 GB',
      train({
        iter: 30,
        learning_rate: 1e-5,
        it_per_sec: 45.9,
        tokens_per_sec: 4099.58,
        trained_tokens: 2749,
        peak_mem_gb: 0.812,
      }),
      { fields: 5, cut: false },
    ],
    ['inf loss, cut right after its comma', 'Iter 31: Train loss inf,', train({ iter: 31 }), { fields: 0, cut: true }],
    [
      '-inf loss and a nan field',
      'Iter 32: Train loss -inf, It/sec 1.000, Tokens/sec nan',
      train({ iter: 32, it_per_sec: 1 }),
      { fields: 2, cut: false },
    ],
    [
      'mangled "Peak 31.207 GB"',
      'Iter 4: Train loss 2.702, Learning Rate 1.000e-05, It/sec 0.212, Tokens/sec 351.604, Trained Tokens 6634, Peak 31.207 GB',
      train({
        iter: 4,
        loss: 2.702,
        learning_rate: 1e-5,
        it_per_sec: 0.212,
        tokens_per_sec: 351.604,
        trained_tokens: 6634,
        peak_mem_gb: 31.207,
      }),
      { fields: 5, cut: false, hints: MLX | H.PEAK_MEM },
    ],
    [
      'mangled "Peak33.118 GB"',
      'Iter 8: Train loss 2.338, It/sec 0.209, Tokens/sec 347.155, Peak33.118 GB',
      train({ iter: 8, loss: 2.338, it_per_sec: 0.209, tokens_per_sec: 347.155, peak_mem_gb: 33.118 }),
      { fields: 3, cut: false },
    ],
    [
      'unknown fork field accepted and ignored',
      'Iter 9: Train loss 1.100, Grad norm 3.250, It/sec 2.000, Tokens/sec 10.000',
      train({ iter: 9, loss: 1.1, it_per_sec: 2, tokens_per_sec: 10 }),
      { fields: 3, cut: false },
    ],
    [
      'cut inside a field name',
      'Iter 700: Train loss 0.981, It/sec 1.402, Tokens/se',
      train({ iter: 700, loss: 0.981, it_per_sec: 1.402 }),
      { fields: 1, cut: true },
    ],
    [
      'cut inside the Peak mem value (no GB): value dropped',
      'Iter 530: Train loss 0.962, Learning Rate 2.000e-05, It/sec 7.514, Tokens/sec 2771.286, Trained Tokens 196251, Peak mem 3.41',
      train({
        iter: 530,
        loss: 0.962,
        learning_rate: 2e-5,
        it_per_sec: 7.514,
        tokens_per_sec: 2771.286,
        trained_tokens: 196251,
      }),
      { fields: 4, cut: true },
    ],
    [
      'cut inside "Val took" (no s)',
      'Iter 12: Val loss 1.874, Val took 44.1',
      val({ iter: 12, loss: 1.874 }),
      { fields: 0, cut: true },
    ],
    [
      'rich UI row, truecolor ANSI, thousands separator',
      '  \x1b[38;5;244m  20\x1b[0m    \x1b[1;32m2.471 \u25BC\x1b[0m    \x1b[1m1,302\x1b[0m    \x1b[38;5;244m 27.1k\x1b[0m',
      train({ iter: 20, loss: 2.471, tokens_per_sec: 1302, trained_tokens: 27100 }),
      { hints: H.RICH_UI },
    ],
    [
      'rich UI row, overflowing columns',
      '  12000    10.512 \u25B2    12,480    1048.6k',
      train({ iter: 12000, loss: 10.512, tokens_per_sec: 12480, trained_tokens: 1048600 }),
      { hints: H.RICH_UI },
    ],
    [
      'rich UI nan row',
      '    30      nan \u25B2    1,296     40.4k',
      train({ iter: 30, tokens_per_sec: 1296, trained_tokens: 40400 }),
      {},
    ],
    [
      'rich UI val row (bold only, NO_COLOR)',
      '     1    \x1b[1mval\x1b[0m \x1b[1m3.126\x1b[0m    4.73s',
      val({ iter: 1, loss: 3.126, val_time_s: 4.73 }),
      { hints: H.RICH_UI },
    ],
  ])('%s', (_name, line, record, extra) => {
    const parsed = parseMlxLine(line);
    expect(parsed).toMatchObject({ type: 'metric', record, ...extra });
  });
});

describe('parseMlxLine: checkpoints, end markers, test results', () => {
  it.each<[string, string, unknown]>([
    [
      'one path (lora.py)',
      'Iter 50: Saved adapter weights to ./adapters/a2.npz.',
      {
        type: 'checkpoint',
        record: { kind: 'checkpoint', iter: 50, file: './adapters/a2.npz', segment: 0 },
        cut: false,
        hints: H.NPZ,
      },
    ],
    [
      'npz checkpoint directory (mlx_lm ≈0.0.10–0.5)',
      'Iter 300: Saved adapter weights to runs/x/checkpoints/300_adapters.npz.',
      {
        type: 'checkpoint',
        record: { iter: 300, file: 'runs/x/checkpoints/300_adapters.npz' },
        hints: H.NPZ | H.NPZ_CHECKPOINT_DIR,
      },
    ],
    [
      'two paths (0.6+)',
      'Iter 100: Saved adapter weights to adapters/adapters.safetensors and adapters/0000100_adapters.safetensors.',
      {
        type: 'checkpoint',
        record: { iter: 100, file: 'adapters/0000100_adapters.safetensors' },
        cut: false,
        hints: H.TWO_PATHS | H.SAFETENSORS,
      },
    ],
    [
      'paths with spaces containing " and "',
      'Iter 200: Saved adapter weights to runs/R and D/adapters.safetensors and runs/R and D/0000200_adapters.safetensors.',
      { type: 'checkpoint', record: { iter: 200, file: 'runs/R and D/0000200_adapters.safetensors' }, cut: false },
    ],
    [
      'absolute paths',
      'Iter 500: Saved adapter weights to /Volumes/Work/t/adapters.safetensors and /Volumes/Work/t/0000500_adapters.safetensors.',
      { type: 'checkpoint', record: { iter: 500, file: '/Volumes/Work/t/0000500_adapters.safetensors' } },
    ],
    [
      'cut inside the checkpoint name: counted, file unknown',
      'Iter 16: Saved adapter weights to adapters/adapters.safetensors and adapters/0000016_ada',
      { type: 'checkpoint', record: { iter: 16, file: null }, cut: true },
    ],
    [
      'cut before any path',
      'Iter 100: Saved adapter weights to',
      { type: 'checkpoint', record: { iter: 100, file: null }, cut: true },
    ],
    [
      'rich UI save row',
      '  \x1b[1;32msave\x1b[0m  \x1b[38;5;244m0000200_adapters.safetensors\x1b[0m',
      { type: 'checkpoint', record: { iter: 200, file: '0000200_adapters.safetensors' }, cut: false },
    ],
    [
      'final save 0.19+ is an end marker, not a checkpoint',
      'Saved final weights to adapters/adapters.safetensors.',
      { type: 'final_save', file: 'adapters/adapters.safetensors', adapter: false, cut: false },
    ],
    [
      'final save ≤0.18',
      'Saved final adapter weights to out/adapters.npz.',
      { type: 'final_save', file: 'out/adapters.npz', adapter: true, cut: false },
    ],
    [
      'test line',
      'Test loss 1.362, Test ppl 3.904.',
      { type: 'metric', record: { ...BLANK, split: 'test', loss: 1.362, test_ppl: 3.904 } },
    ],
    [
      'test line of another rank, nan',
      '[rank1] Test loss nan, Test ppl nan.',
      { type: 'metric', record: { ...BLANK, split: 'test' } },
    ],
  ])('%s', (_name, line, expected) => {
    expect(parseMlxLine(line)).toMatchObject(expected as object);
  });
});

describe('parseMlxLine: header facts, end and crash markers', () => {
  it.each<[string, string, unknown]>([
    ['start', 'Starting training..., iters: 300', { type: 'start', trainer: null, iters: 300 }],
    ['start ORPO', 'Starting ORPO training..., iters: 8', { type: 'start', trainer: 'ORPO', iters: 8 }],
    [
      'start GRPO',
      'Starting GRPO training with 5 reward functions..., iters: 200',
      { type: 'start', trainer: 'GRPO', iters: 200 },
    ],
    [
      'params, percent form',
      'Trainable parameters: 0.162% (5.236M/3237.012M)',
      { type: 'params', trainable_m: 5.236, total_m: 3237.012, percent: true },
    ],
    [
      'params, lora.py total',
      'Total parameters 1256.657M',
      { type: 'params', trainable_m: null, total_m: 1256.657, percent: false },
    ],
    [
      'params, lora.py trainable',
      'Trainable parameters 1.704M',
      { type: 'params', trainable_m: 1.704, total_m: null, percent: false },
    ],
    [
      'resume 0.19+',
      'Loading fine-tuned weights from runs/r1/adapters/adapters.safetensors',
      { type: 'resume', file: 'runs/r1/adapters/adapters.safetensors', fine_tuned: true },
    ],
    [
      'resume lora.py',
      'Loading pretrained adapters from ./adapters/a1.npz',
      { type: 'resume', file: './adapters/a1.npz', fine_tuned: false },
    ],
    ['node', 'Node 1 of 2', { type: 'node', rank: 1, world_size: 2 }],
    ['rich header', '  \x1b[1miter   train_loss     tok/s     tokens\x1b[0m', { type: 'rich_header', iters: null }],
    [
      'rich panel iters',
      '\u2502    batch \u00B7 iters   8 \u00B7 1,200        \u2502',
      { type: 'rich_header', iters: 1200 },
    ],
    [
      'rich final bar',
      '\x1b[1;34mtrain\x1b[0m \x1b[34m\u2588\u2588\u2588\x1b[0m \x1b[1;34m100%\x1b[0m \x1b[38;5;244m\u00B7\x1b[0m \x1b[1;34m  600\x1b[0m\x1b[38;5;244m/600\x1b[0m',
      { type: 'rich_bar', percent: 100, done: 600, total: 600 },
    ],
    [
      'rich partial bar',
      'train \u2588\u258F\u2591\u2591\u2591   4% \u00B7    47/1,200',
      { type: 'rich_bar', percent: 4, done: 47, total: 1200 },
    ],
    ['traceback', 'Traceback (most recent call last):', { type: 'traceback' }],
    ['traceback after an echoed ^C', '^CTraceback (most recent call last):', { type: 'traceback' }],
    ['KeyboardInterrupt', 'KeyboardInterrupt', { type: 'keyboard_interrupt' }],
    [
      'libc++abi',
      'libc++abi: terminating due to uncaught exception of type std::runtime_error: boom',
      { type: 'abort' },
    ],
    ['zsh abort', 'zsh: abort      mlx_lm.lora -c cfg.yaml', { type: 'abort' }],
    ['zsh job killed', '[1]    48213 killed     mlx_lm.lora --train', { type: 'abort' }],
    ['bare Killed: 9', 'Killed: 9', { type: 'abort' }],
    [
      'deprecation notice',
      'Calling `python -m mlx_lm.lora...` directly is deprecated. Use `mlx_lm.lora...` or `python -m mlx_lm lora ...` instead.',
      { type: 'era_hint', format: 'mlx_lm-0.19+' },
    ],
    [
      'missing validation set',
      'Warning: Validation set not found or empty. Training will proceed without validation.',
      { type: 'era_hint', format: 'mlx_lm-0.19+' },
    ],
    [
      'Calculating loss bar: an era hint, not a record',
      'Calculating loss...: 100%|\u2588\u2588\u2588\u2588| 25/25 [00:11<00:00,  2.19it/s]',
      { type: 'era_hint', format: 'mlx_lm-0.19+' },
    ],
  ])('%s', (_name, line, expected) => {
    expect(parseMlxLine(line)).toEqual(expected);
  });
});

describe('parseMlxLine: not a record', () => {
  it.each([
    ['fragment Ite', 'Ite'],
    ['fragment Iter 9', 'Iter 9'],
    ['cut head', 'Iter 12: Val los'],
    ['loss without its comma', 'Iter 12: Train loss 1.20'],
    ['no iteration', 'Iter : Train loss 1.000, It/sec 1.000'],
    ['not a number', 'Iter 5: Train loss abc, It/sec 1.000'],
    ['mlx-lm-lora loss without its comma', 'Iter 10: loss 1.234'],
    ['test ppl cut inside its decimals', 'Test loss 1.362, Test ppl 3.90, Rewards: 1'],
    ['unsloth loss as the last piece', '  Step 10/100 | Loss: 1.2345'],
    ['cut test line', 'Test loss 1.362, Test ppl 3.9'],
    ['Fetching bar', 'Fetching 9 files: 100%|\u2588\u2588\u2588\u2588| 9/9 [00:00<00:00, 98689.51it/s]'],
    [
      'tqdm bar state without its label',
      'Calculating loss...:  48%|\u2588\u2588\u2588\u2588\u258A     | 12/25 [00:02<00:02,  5.05it/s]'.slice(20),
    ],
    ['python source line in a traceback', '    except KeyboardInterrupt:'],
    ['GRPO sample dump line', '12 trays with 18 rolls each is 12 * 18 = 216 rolls. Selling 150 leaves 216 - 150 = 66.'],
    ['phase line', 'Loading datasets'],
    ['blank', ''],
    ['spaces', '    '],
  ])('%s', (_name, line) => {
    expect(parseMlxLine(line)).toBeNull();
  });
});

describe('looksCutOff (last line of a log)', () => {
  it.each([
    ['Ite', true],
    ['Iter 9', true],
    ['Iter 12:', true],
    ['Iter 12: Val los', true],
    ['Iter 12: Train loss 1.2', true],
    ['Iter 4: Train loss 1.204, Learning Rate 1.000e-05, It/sec 1.262, Tokens/sec 719.408, Trained Tok', true],
    ['Iter 16: Saved adapter weights to adapters/adapters.safetensors and adapters/0000016_ada', true],
    ['Test loss 1.1, Test p', true],
    ['Loading data', true],
    ['Calculating loss...:  48%|\u2588\u2588\u2588\u2588\u258A     | 12/25 [00:02<00:', true],
    ['train \u2588\u258F\u2591\u2591\u2591   4% \u00B7    47/1,2', true],
    ['    20    2.471 \u25BC    1,3', true],
    ['  save  00002', true],
    ['Iter 25: Train loss 0.002, It/sec 0.053, Tokens/sec 42.871, Peak mem 9.406 GB', false],
    ['Iter 100: Saved adapter weights to a/adapters.safetensors and a/0000100_adapters.safetensors.', false],
    ['Calculating loss...: 100%|\u2588\u2588\u2588\u2588| 25/25 [00:04<00:00,  5.05it/s]', false],
    ['Loading datasets', false],
    ['66', false],
    ['===================================', false],
    ['', false],
  ])('%j → %s', (line, expected) => {
    expect(looksCutOff(line)).toBe(expected);
  });
});

// Other MLX trainers (shared/mlx-lm-formats.md §3.7), one invented line per format string.
describe('parseMlxLine: other trainers', () => {
  it.each<[string, string, Partial<MetricRecord> & { split: MetricRecord['split'] }, number]>([
    [
      'mlx-lm-lora SFT train',
      'Iter 10: loss 1.234, lr 1.000e-05, it/s 1.100, tok/s 200.000, trained_tok 900, peak_mem 3.100GB',
      {
        split: 'train',
        iter: 10,
        loss: 1.234,
        learning_rate: 1e-5,
        it_per_sec: 1.1,
        tokens_per_sec: 200,
        trained_tokens: 900,
        peak_mem_gb: 3.1,
      },
      H.LORA_PKG,
    ],
    [
      'mlx-lm-lora DPO train',
      'Iter 20: loss 0.693, chosen_r 0.120, rejected_r -0.050, acc 0.750, margin 0.170, lr 5.000e-06, it/s 0.400, tok/s 310.500, peak_mem 7.250GB',
      {
        split: 'train',
        iter: 20,
        loss: 0.693,
        learning_rate: 5e-6,
        it_per_sec: 0.4,
        tokens_per_sec: 310.5,
        peak_mem_gb: 7.25,
        extra: { chosen_reward: 0.12, rejected_reward: -0.05, accuracy: 0.75, margin: 0.17 },
      },
      H.LORA_PKG,
    ],
    [
      'mlx-lm-lora DPO val',
      'Iter 25: Val loss 0.650, Val chosen reward 0.200, Val rejected reward -0.100, Val accuracy 0.800, Val margin 0.300, Val took 4.500s',
      {
        split: 'val',
        iter: 25,
        loss: 0.65,
        val_time_s: 4.5,
        extra: { chosen_reward: 0.2, rejected_reward: -0.1, accuracy: 0.8, margin: 0.3 },
      },
      0,
    ],
    [
      'mlx-lm-lora FTPO train',
      'Iter 5: loss 0.1234, chosen_win 0.500, margin_win 0.250, it/s 0.500',
      { split: 'train', iter: 5, loss: 0.1234, it_per_sec: 0.5, extra: { chosen_win: 0.5, margin_win: 0.25 } },
      H.LORA_PKG,
    ],
    [
      'mlx-lm-lora rlhf_reinforce train',
      'Iter 30: Train loss 0.412, Rewards 0.310, KL penalty 0.020, Learning Rate 1.000e-05, It/sec 0.200, Tokens/sec 150.000, Trained Tokens 9000, Peak mem 8.000 GB',
      {
        split: 'train',
        iter: 30,
        loss: 0.412,
        learning_rate: 1e-5,
        it_per_sec: 0.2,
        tokens_per_sec: 150,
        trained_tokens: 9000,
        peak_mem_gb: 8,
        extra: { rewards: 0.31, kl_penalty: 0.02 },
      },
      0,
    ],
    [
      'mlx-vlm train: ANSI inside the line, 8 decimals',
      'Iter 10: Train loss \x1b[32m1.23456789\x1b[0m, Learning Rate 1.000e-05, It/sec 0.800, Tokens/sec 420.000, Trained Tokens 4200.0, Peak mem 9.100 GB',
      {
        split: 'train',
        iter: 10,
        loss: 1.23456789,
        learning_rate: 1e-5,
        it_per_sec: 0.8,
        tokens_per_sec: 420,
        trained_tokens: 4200,
        peak_mem_gb: 9.1,
      },
      H.MLX_VLM,
    ],
    [
      'unsloth train with grad norm',
      '  Step 40/200 | Loss: 1.4321 | Grad: 0.8123 | LR: 2.00e-04 | Tok/s: 1234 | Peak: 5.67 GB',
      {
        split: 'train',
        iter: 40,
        loss: 1.4321,
        learning_rate: 2e-4,
        tokens_per_sec: 1234,
        peak_mem_gb: 5.67,
        extra: { grad_norm: 0.8123 },
      },
      H.UNSLOTH,
    ],
    [
      'unsloth eval',
      '  Eval  40/200 | Val Loss: 1.5000 | Perplexity: 4.48',
      { split: 'val', iter: 40, loss: 1.5, extra: { perplexity: 4.48 } },
      H.UNSLOTH,
    ],
    [
      'test ppl at the end of the line',
      'Test loss 0.100, Test ppl 1.105',
      { split: 'test', iter: null, loss: 0.1, test_ppl: 1.105 },
      0,
    ],
    [
      'test ppl then more fields',
      'Test loss 0.100, Test ppl 1.105, Rewards: 0.5, 0.2',
      { split: 'test', iter: null, loss: 0.1, test_ppl: 1.105 },
      0,
    ],
  ])('%s', (_name, line, record, hint) => {
    const parsed = parseMlxLine(line);
    expect(parsed).toMatchObject({ type: 'metric', record: { ...BLANK, ...record } });
    if (parsed?.type === 'metric') expect(parsed.hints & hint).toBe(hint);
  });

  it.each([
    [
      'Iter 100: Saved model checkpoint weights to out/0000100_model.safetensors.',
      100,
      'out/0000100_model.safetensors',
    ],
    ['Iter 50: Saved trained weights to a b/0000050_adapters.safetensors.', 50, 'a b/0000050_adapters.safetensors'],
    ['  Saved checkpoint to outputs/run1/checkpoint-200', 200, 'outputs/run1/checkpoint-200'],
  ])('checkpoint %s', (line, iter, file) => {
    expect(parseMlxLine(line)).toMatchObject({ type: 'checkpoint', record: { iter, file } });
  });

  it.each([
    ['Saved final full model weights to out/model.safetensors.'],
    ['Unsloth: Saved final adapters to outputs/run1'],
  ])('end marker %s', (line) => expect(parseMlxLine(line)).toMatchObject({ type: 'final_save' }));

  it('mlx-vlm start line', () => {
    expect(parseMlxLine('\x1b[32mStarting training..., iterations: 300\x1b[0m')).toEqual({
      type: 'start',
      trainer: null,
      iters: 300,
      vlm: true,
    });
  });
});
