// The streaming log parser: byte handling (chunking, BOM, UTF-8, \r, ANSI), resumable state,
// segments of appended runs, rank dedupe, facts, and a line far larger than any chunk.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/core/records.js';
import { emptySummaryState, foldSummary } from '../../src/core/summarize.js';
import { MlxLogParser, parseLogText, type ParserState } from '../../src/parse/mlx-log-parser.js';

const FIXTURES = new URL('../fixtures/mlx-logs/', import.meta.url);
const fixture = (prefix: string): Uint8Array => {
  const names = [
    '10-rich-ui-ansi-truecolor-complete-with-test.log',
    '14-mlxlm-0.31-distributed-two-ranks-unbuffered.log',
    '16-mlxlm-0.28-crlf-line-endings.log',
    '18-fork-grpo-excerpt-validation-sample-dump.log',
    '06-mlxlm-0.22-peak-field-mangled-every-4-trunc-save.log',
    '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log',
  ];
  const name = names.find((n) => n.startsWith(prefix));
  if (name === undefined) throw new Error(`no fixture ${prefix}`);
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
};

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Feeds `bytes` in chunks of the given sizes (cycled) and flushes. */
function parseChunked(bytes: Uint8Array, sizes: readonly number[]) {
  const parser = new MlxLogParser();
  const records: LogRecord[] = [];
  let k = 0;
  for (let o = 0; o < bytes.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    records.push(...parser.push(bytes.subarray(o, o + size)));
    o += size;
  }
  const consumed = parser.consumedBytes;
  records.push(...parser.flush());
  return { records, facts: parser.facts, consumed };
}

/** Deterministic pseudo-random chunk sizes (no flaky tests). */
function randomSizes(seed: number, count: number, max: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1 + (x % max));
  }
  return out;
}

const lastNewline = (bytes: Uint8Array): number => bytes.lastIndexOf(10) + 1;

describe('chunking never changes the result', () => {
  it.each(['10', '14', '16', '18', '06'])('fixture %s: every chunk size 1..64, and some larger', (prefix) => {
    const bytes = fixture(prefix);
    const whole = parseLogText(bytes);
    expect(whole.records.length).toBeGreaterThan(0);
    for (let size = 1; size <= 64; size++) {
      const got = parseChunked(bytes, [size]);
      expect(got.records, `chunk size ${size}`).toEqual(whole.records);
      expect(got.facts, `chunk size ${size}`).toEqual(whole.facts);
      expect(got.consumed).toBe(lastNewline(bytes));
    }
    for (const size of [97, 255, 1000, 4096, bytes.length]) {
      expect(parseChunked(bytes, [size]).records, `chunk size ${size}`).toEqual(whole.records);
    }
  });

  it.each(['10', '14', '16', '18'])('fixture %s: random chunkings', (prefix) => {
    const bytes = fixture(prefix);
    const whole = parseLogText(bytes);
    for (let seed = 1; seed <= 20; seed++) {
      const got = parseChunked(bytes, randomSizes(seed, 50, 700));
      expect(got.records, `seed ${seed}`).toEqual(whole.records);
      expect(got.facts, `seed ${seed}`).toEqual(whole.facts);
    }
  });

  it('a multi-byte character split across chunks is decoded once, correctly', () => {
    const line = enc(
      'Iter 100: Saved adapter weights to café/adapters.safetensors and café/0000100_adapters.safetensors.\n',
    );
    const cut = line.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const parser = new MlxLogParser();
    expect(parser.push(line.subarray(0, cut))).toEqual([]);
    expect(parser.push(line.subarray(cut))).toEqual([
      { kind: 'checkpoint', iter: 100, file: 'café/0000100_adapters.safetensors', segment: 0 },
    ]);
  });

  // A Node Buffer's slice() is a view, a Uint8Array's a copy: the reader passes Buffers.
  it.each([
    ['Uint8Array', (s: string): Uint8Array => enc(s)],
    ['Buffer', (s: string): Uint8Array => Buffer.from(s)],
  ])('keeps a chunk the caller reuses (%s): pending bytes are copied', (_name, make) => {
    const buf = make('Iter 1: Val loss 2.000, Val took 1.000s');
    const parser = new MlxLogParser();
    parser.push(buf);
    buf.fill(0x41);
    expect(parser.push(enc('\n'))).toMatchObject([{ split: 'val', iter: 1, loss: 2 }]);
  });

  it('reads a log through one reused Buffer as the indexer does, equal to a one-shot parse', () => {
    const bytes = Buffer.concat(['10', '14', '16', '18', '06', '12'].map((p) => fixture(p)));
    const whole = parseLogText(new Uint8Array(bytes));
    for (const size of [1, 7, 64, 1000, 4096]) {
      const buf = Buffer.allocUnsafe(size);
      const parser = new MlxLogParser();
      const records: LogRecord[] = [];
      for (let o = 0; o < bytes.length; o += size) {
        const n = bytes.copy(buf, 0, o, o + size);
        records.push(...parser.push(buf.subarray(0, n)));
      }
      records.push(...parser.flush());
      expect(records, `reads of ${size} bytes`).toEqual(whole.records);
      expect(parser.facts, `reads of ${size} bytes`).toEqual(whole.facts);
    }
  });
});

describe('resuming from a snapshot', () => {
  it.each(['10', '14', '12'])('fixture %s: snapshot at many cut points + the rest = one pass', (prefix) => {
    const bytes = fixture(prefix);
    const whole = parseLogText(bytes);
    for (let cut = 0; cut <= bytes.length; cut += 37) {
      const first = new MlxLogParser();
      const records = first.push(bytes.subarray(0, cut));
      // JSON round trip: the state must survive being written to disk.
      const state = JSON.parse(JSON.stringify(first.snapshot())) as ParserState;
      expect(state.consumedBytes).toBe(first.consumedBytes);
      const second = new MlxLogParser(state);
      records.push(...second.push(bytes.subarray(state.consumedBytes)), ...second.flush());
      expect(records, `cut at ${cut}`).toEqual(whole.records);
      expect(second.facts, `cut at ${cut}`).toEqual(whole.facts);
    }
  });

  it('snapshot() after flush() is still the state through consumedBytes', () => {
    const text = enc('Iter 1: Val loss 2.000, Val took 1.000s\nIter 10: Train loss 1.900, It/se');
    const parser = new MlxLogParser();
    parser.push(text);
    const before = parser.snapshot();
    expect(parser.flush()).toHaveLength(1);
    expect(parser.facts.outcome_hint).toBe('truncated');
    expect(parser.snapshot()).toEqual(before);
    expect(parser.consumedBytes).toBe(before.consumedBytes);
  });

  it('does not share state with the snapshot it was built from', () => {
    const parser = new MlxLogParser();
    parser.push(enc('Starting training..., iters: 50\n'));
    const state = parser.snapshot();
    const resumed = new MlxLogParser(state);
    resumed.push(enc('Starting training..., iters: 70\n'));
    expect(state.start_iters).toBe(50);
    expect(resumed.facts.start_iters).toBe(70);
  });
});

describe('bytes and segments', () => {
  it('drops a leading BOM, even when it arrives byte by byte', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('     1    val 2.000    1.00s\n')]);
    expect(parseChunked(bytes, [1]).records).toMatchObject([{ split: 'val', iter: 1, val_time_s: 1 }]);
    expect(parseLogText(bytes).records).toHaveLength(1);
  });

  it('replaces invalid UTF-8 and keeps going', () => {
    const bytes = new Uint8Array([
      0xff,
      0xfe,
      ...enc('Iter 10: Train loss 1.500, It/sec 1.000, Tokens/sec 2.000\n'),
      ...enc('Iter 20: Saved adapter weights to a'),
      0xc3,
      0x28,
      ...enc('/x.npz.\n'),
      0xe2,
      0x82, // a truncated 3-byte sequence at the very end
    ]);
    const { records } = parseLogText(bytes);
    expect(records).toMatchObject([
      { split: 'train', iter: 10, loss: 1.5 },
      { kind: 'checkpoint', iter: 20, file: 'a\uFFFD(/x.npz' },
    ]);
  });

  it('examines every \\r segment and drops one trailing \\r', () => {
    const text =
      '\rCalculating loss...:   0%|          | 0/2 [00:00<?, ?it/s]\rIter 1: Val loss 2.000, Val took 1.000s\r\n' +
      'Iter 10: Train loss 1.900, It/sec 1.000, Tokens/sec 2.000\rIter 20: Train loss 1.800, It/sec 1.000, Tokens/sec 2.000\r\n';
    const { records, facts } = parseLogText(enc(text));
    expect(records.map((r) => r.iter)).toEqual([1, 10, 20]);
    expect(records[0]).toMatchObject({ val_time_s: 1 });
    expect(facts.log_format).toBe('mlx_lm-0.19+'); // the Calculating loss bar
  });

  it('strips ANSI before matching', () => {
    const { records } = parseLogText(enc('\x1b[1mIter 5: Val loss 1.000, Val took 2.000s\x1b[0m\n'));
    expect(records).toMatchObject([{ split: 'val', iter: 5, val_time_s: 2 }]);
  });

  it('handles a 10 MB line delivered in 64 KB chunks', () => {
    const junk = 'x'.repeat(10_000_000);
    const text = enc(
      `Iter 7: Train loss 1.500, Note ${junk}, It/sec 2.000\n${junk}Iter 8: Val loss 1.250, Val took 3.000s\n${junk}`,
    );
    const parser = new MlxLogParser();
    const records: LogRecord[] = [];
    for (let o = 0; o < text.length; o += 65536) records.push(...parser.push(text.subarray(o, o + 65536)));
    expect(parser.consumedBytes).toBe(text.length - junk.length);
    records.push(...parser.flush());
    expect(records).toMatchObject([
      { split: 'train', iter: 7, loss: 1.5, it_per_sec: 2 },
      { split: 'val', iter: 8, loss: 1.25, val_time_s: 3 },
    ]);
    expect(parser.facts.outcome_hint).toBe('unknown');
  });
});

describe('a line longer than 64 MiB (binary junk, a dump without newlines)', () => {
  const head = enc('Iter 3: Train loss 1.000, ');
  const tail = enc(', It/sec 2.000\nIter 4: Val loss 1.500, Val took 1.000s\n');
  const bytes = new Uint8Array(70 * 2 ** 20).fill(0x78);
  bytes.set(head, 0);
  bytes.set(tail, bytes.length - tail.length);
  const expected = [
    { split: 'train', iter: 3, loss: 1, it_per_sec: 2 },
    { split: 'val', iter: 4, loss: 1.5, val_time_s: 1 },
  ];

  it.each([2 ** 20, bytes.length])('is examined by its head and tail (chunks of %i bytes)', (size) => {
    const parser = new MlxLogParser();
    const records: LogRecord[] = [];
    for (let o = 0; o < bytes.length; o += size) records.push(...parser.push(bytes.subarray(o, o + size)));
    expect(records).toMatchObject(expected);
    expect(parser.consumedBytes).toBe(bytes.length);
  });
});

describe('segments, dedupe, summary', () => {
  it('starts a new segment when the iteration goes back, not at Train-then-Val of one iteration', () => {
    const log = [
      'Iter 10: Train loss 2.000, It/sec 1.000, Tokens/sec 10.000, Trained Tokens 100',
      'Iter 20: Train loss 1.800, It/sec 1.000, Tokens/sec 10.000, Trained Tokens 200',
      'Iter 20: Val loss 1.900, Val took 1.000s',
      'Iter 20: Saved adapter weights to a/adapters.npz.',
      'Loading pretrained adapters from a/adapters.npz',
      'Iter 1: Val loss 1.700, Val took 1.000s',
      'Iter 10: Train loss 1.600, It/sec 1.000, Tokens/sec 30.000, Trained Tokens 50',
      'Iter 10: Saved adapter weights to a/adapters.npz.',
      'Iter 5: Val loss 1.500, Val took 1.000s',
      '',
    ].join('\n');
    const { records, facts } = parseLogText(enc(log));
    expect(records.map((r) => [r.kind === 'metric' ? r.split : 'save', r.iter, r.segment])).toEqual([
      ['train', 10, 0],
      ['train', 20, 0],
      ['val', 20, 0],
      ['save', 20, 0],
      ['val', 1, 1],
      ['train', 10, 1],
      ['save', 10, 1],
      ['val', 5, 2],
    ]);
    expect(facts.resumed_from).toBe('a/adapters.npz');
    const summary = foldSummary(emptySummaryState(), records).summary;
    expect(summary).toMatchObject({
      trained_tokens: 250, // 200 (segment 0) + 50 (segment 1)
      tokens_per_sec: (10 + 10 + 30) / 3,
      last_iter: 20,
      final_val_loss: 1.5,
      best_val_loss: 1.5,
      best_val_iter: 5,
      final_train_loss: 1.6,
      checkpoints: 2,
    });
  });

  it.each<[string, string[], number]>([
    [
      'two ranks print the same test line: one record',
      ['Test loss 1.083, Test ppl 2.954.', 'Test loss 1.083, Test ppl 2.954.'],
      1,
    ],
    ['different test results: both', ['Test loss 1.083, Test ppl 2.954.', 'Test loss 1.100, Test ppl 3.004.'], 2],
    [
      'same result after another training run: both',
      [
        'Test loss 1.083, Test ppl 2.954.',
        'Iter 1: Val loss 2.000, Val took 1.000s',
        'Test loss 1.083, Test ppl 2.954.',
      ],
      3,
    ],
  ])('%s', (_name, lines, count) => {
    expect(parseLogText(enc(lines.join('\n') + '\n')).records).toHaveLength(count);
  });
});

describe('facts', () => {
  const D =
    'Iter 10: Train loss 1.000, Learning Rate 1.000e-05, It/sec 1.000, Tokens/sec 9.000, Trained Tokens 90, Peak mem 1.000 GB';
  it.each<[string, string[], string]>([
    [
      'KeyboardInterrupt wins over any other traceback',
      [
        'Traceback (most recent call last):',
        'KeyboardInterrupt',
        'Traceback (most recent call last):',
        'RuntimeError: x',
        'Saved final weights to a.',
      ],
      'interrupted',
    ],
    [
      'a traceback wins over an end marker',
      ['Test loss 1.000, Test ppl 2.718.', 'Traceback (most recent call last):'],
      'crashed',
    ],
    ['libc++abi', [D, 'libc++abi: terminating due to uncaught exception of type std::runtime_error: x'], 'crashed'],
    ['shell job line', [D, 'zsh: killed     mlx_lm.lora --train'], 'crashed'],
    [
      'end marker wins over a cut last line',
      ['Saved final weights to a/adapters.safetensors.', 'Iter 1: Val los'],
      'completed',
    ],
    ['rich final bar', ['train \u2588\u2588\u2588 100% \u00B7   600/600'], 'completed'],
    ['rich partial bar is no end marker', ['train \u2588\u2591\u2591   4% \u00B7    47/1,200'], 'unknown'],
    [
      'fewer fields than the train lines before',
      [D, 'Iter 20: Train loss 0.900, Learning Rate 1.000e-05, It/sec 1.000'],
      'truncated',
    ],
    ['fragment', [D, 'Iter 2'], 'truncated'],
    ['complete last line', [D, D], 'unknown'],
    ['trailing blank lines do not hide a cut line', [D, 'Ite', '', '  '], 'truncated'],
    ['nothing', [], 'unknown'],
  ])('outcome: %s', (_name, lines, outcome) => {
    expect(parseLogText(enc(lines.join('\n'))).facts.outcome_hint).toBe(outcome);
  });

  it.each<[string, string[], string | null]>([
    [
      'instructlab',
      [
        'Epoch 1: Iter 1: Val loss 3.604, Val took 21.775s',
        'Iter 040: Train loss 1.859, It/sec 0.262, Tokens/sec 117.052',
      ],
      'fork-instructlab',
    ],
    ['DPO branch is counted with ORPO', ['Starting DPO training..., iters: 100'], 'fork-orpo'],
    [
      'GRPO fields without the start line',
      [
        'Iter 5: Train loss 0.002, Total rewards mean 0.513, KL 0.000, Learning Rate 1.000e-05, It/sec 0.052, Tokens/sec 41.377, Peak mem 9.118 GB',
      ],
      'fork-grpo',
    ],
    [
      'first mlx_lm builds: 3-field train line + start line',
      ['Starting training..., iters: 600', 'Iter 10: Train loss 1.000, It/sec 1.000, Tokens/sec 2.000'],
      'mlx_lm-0.0.x',
    ],
    ['final adapter safetensors', [D, 'Saved final adapter weights to a/adapters.safetensors.'], 'mlx_lm-0.6-0.18'],
    ['Node r of w', ['Node 0 of 2', D], 'mlx_lm-0.19+'],
    ['train D alone', [D], 'mlx_lm-0.19+'],
    ['val lines alone', ['Iter 1: Val loss 2.000, Val took 1.000s'], null],
  ])('era: %s', (_name, lines, era) => {
    expect(parseLogText(enc(lines.join('\n') + '\n')).facts.log_format).toBe(era);
  });

  it('collects header facts', () => {
    const log = [
      'Loading fine-tuned weights from runs/r1/adapters/adapters.safetensors',
      'Trainable parameters: 0.162% (5.236M/3237.012M)',
      'Starting training..., iters: 300',
      'Node 1 of 2',
      'Starting training..., iters: 300',
      'Node 0 of 2',
    ].join('\n');
    expect(parseLogText(enc(log)).facts).toEqual({
      log_format: 'mlx_lm-0.19+',
      outcome_hint: 'unknown',
      start_iters: 300,
      trainable_params_m: 5.236,
      total_params_m: 3237.012,
      resumed_from: 'runs/r1/adapters/adapters.safetensors',
      world_size: 2,
    });
  });
});
