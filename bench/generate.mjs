// Deterministic synthetic run trees for the benchmark (PRODUCT.md on-disk layout, mlx_lm 0.19+ logs).
//
//   node bench/generate.mjs [--runs N] [--big-log-mb M] [--cache DIR]
//
// Exports:
//   ensureTree({ runs, cacheDir })      -> { dir, root, ids, expected, generated, seconds }
//       N runs under <cache>/<version>-<N>/runs/<id>/, reused when complete (marker written last).
//   ensureBigLogTree({ mb, cacheDir })  -> { dir, root, id, log, bytes, expected, generated, seconds }
//       expected: the rows the generator wrote ({ runs, train, val, test, checkpoints }), kept in
//       <dir>/expected.json, so the benchmark can check its answers.
//       one run whose train.log is ~M MiB, written in large chunks (never held in memory).
//   runId(i), writeRun(root, i), appendTrainLines(logFile, count, seed), cacheRoot()
//
// The cache lives in os.tmpdir()/runs-bench-cache (RUNS_BENCH_CACHE overrides it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the generated content changes: old caches are then ignored. */
export const GENERATOR_VERSION = 'v2';
const MARKER = '.complete';
const ITERS = 1000;
const STEPS_PER_REPORT = 10;
const STEPS_PER_EVAL = 100;
const SAVE_EVERY = 100;

export function cacheRoot() {
  return process.env.RUNS_BENCH_CACHE || path.join(os.tmpdir(), 'runs-bench-cache');
}

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers.

/** mulberry32: tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad2 = (n) => String(n).padStart(2, '0');

/** Python's `f"{x:.3e}"`: two-digit exponent at least (1.000e-05). */
function fmtE(x, digits = 3) {
  const [mant, exp] = x.toExponential(digits).split('e');
  const sign = exp[0] === '-' ? '-' : '+';
  const e = exp.replace(/^[-+]/, '');
  return `${mant}e${sign}${e.padStart(2, '0')}`;
}

/** Python's repr() of a float (json.dump writes floats this way): 20.0, 0.05, 1e-05. */
function pyFloat(x) {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  if (x !== 0 && Math.abs(x) < 1e-4) {
    const [mant, exp] = String(x.toExponential()).split('e');
    const sign = exp[0] === '-' ? '-' : '+';
    return `${mant}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(x);
}

/** A float that must print like Python's json.dump does. */
class PyFloat {
  constructor(v) {
    this.v = v;
  }
}
const f = (v) => new PyFloat(v);

/** json.dump(obj, indent=4) as Python writes it (", " item separator is ",\n" with indent). */
function pyJson(value, indent = 4, level = 0) {
  const pad = ' '.repeat(indent * (level + 1));
  const end = ' '.repeat(indent * level);
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pyFloat(value.v);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + pyJson(v, indent, level + 1)).join(',\n')}\n${end}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${pyJson(value[k], indent, level + 1)}`).join(',\n')}\n${end}}`;
}

// ---------------------------------------------------------------------------------------------
// One run.

/** Local start time of run i: 2025-01-01 00:00:00 + i seconds. */
function startDate(i) {
  return new Date(2025, 0, 1, 0, 0, i);
}

/** `2025-01-01_00-00-07` for i = 7 (local time, the run id format). */
export function runId(i) {
  const d = startDate(i);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `_${pad2(d.getHours())}-${pad2(d.getMinutes())}-${pad2(d.getSeconds())}`
  );
}

const MODELS = [
  { name: 'mlx-community/Qwen3-1.7B-4bit', trainable: 0.918, total: 2031.74 },
  { name: 'mlx-community/Llama-3.2-1B-Instruct-4bit', trainable: 0.852, total: 1235.814 },
  { name: 'mlx-community/Mistral-7B-Instruct-v0.3-4bit', trainable: 3.408, total: 7251.927 },
  { name: 'mlx-community/gemma-3-1b-it-4bit', trainable: 0.745, total: 999.886 },
];
const DATASETS = ['data/wikisql', 'data/helpdesk', 'data/sql-chat', 'data/summaries'];
const LEARNING_RATES = [1e-5, 2e-5, 5e-5, 1e-4];
const RANKS = [4, 8, 16, 32];
const BATCH_SIZES = [1, 2, 4, 8];

/** Everything about run i that its three files state, drawn from one seeded PRNG. */
function runSpec(i) {
  const rnd = mulberry32(i + 1);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const model = pick(MODELS);
  const rank = pick(RANKS);
  const spec = {
    index: i,
    id: runId(i),
    startedAt: startDate(i).toISOString(),
    gitSha: Array.from({ length: 5 }, () =>
      Math.floor(rnd() * 0x100000000)
        .toString(16)
        .padStart(8, '0'),
    ).join(''),
    data: pick(DATASETS),
    model,
    rank,
    scale: pick([10, 16, 20]),
    dropout: pick([0, 0.05, 0.1]),
    numLayers: pick([8, 16, -1]),
    batchSize: pick(BATCH_SIZES),
    learningRate: pick(LEARNING_RATES),
    seed: Math.floor(rnd() * 1000),
    maxSeqLength: pick([1024, 2048]),
    // Loss curve: start, plateau, decay speed, noise; val sits a little above train.
    start: 2.0 + rnd() * 1.0,
    plateau: 0.5 + rnd() * 0.7,
    tau: 120 + rnd() * 300,
    noise: 0.02 + rnd() * 0.06,
    valGap: 0.05 + rnd() * 0.2,
    itPerSec: 0.8 + rnd() * 2.5,
    tokensPerIter: 250 + Math.floor(rnd() * 300),
    mem0: 3 + rnd() * 6,
    valTime: 4 + rnd() * 8,
    rnd,
  };
  return spec;
}

function runJson(s) {
  return `${JSON.stringify(
    {
      started_at: s.startedAt,
      git_sha: s.gitSha,
      data_dir: s.data,
      model: s.model.name,
      lora_rank: s.rank,
      lora_alpha: s.rank * 2,
      iters: ITERS,
      batch_size: s.batchSize,
      learning_rate: s.learningRate,
      status: 'completed',
      id: s.id,
    },
    null,
    2,
  )}\n`;
}

/** adapter_config.json as mlx_lm writes it: all effective args, keys sorted, indent 4. */
function adapterConfig(s) {
  const args = {
    adapter_path: 'adapters',
    batch_size: s.batchSize,
    config: null,
    data: s.data,
    fine_tune_type: 'lora',
    grad_accumulation_steps: 1,
    grad_checkpoint: false,
    iters: ITERS,
    learning_rate: f(s.learningRate),
    lora_parameters: { rank: s.rank, dropout: f(s.dropout), scale: f(s.scale) },
    lr_schedule: null,
    mask_prompt: false,
    max_seq_length: s.maxSeqLength,
    model: s.model.name,
    num_layers: s.numLayers,
    optimizer: 'adam',
    optimizer_config: { adam: {}, adamw: {}, muon: {}, sgd: {}, adafactor: {} },
    project_name: null,
    report_to: null,
    resume_adapter_file: null,
    save_every: SAVE_EVERY,
    seed: s.seed,
    steps_per_eval: STEPS_PER_EVAL,
    steps_per_report: STEPS_PER_REPORT,
    test: true,
    test_batches: 500,
    train: true,
    val_batches: 25,
  };
  const sorted = Object.fromEntries(
    Object.keys(args)
      .sort()
      .map((k) => [k, args[k]]),
  );
  return pyJson(sorted, 4);
}

// Line shapes of mlx_lm 0.19 - 0.31 (the formats reference, shared/mlx-lm-formats.md §3.2).
const trainLine = (it, loss, lr, its, tps, tokens, mem) =>
  `Iter ${it}: Train loss ${loss.toFixed(3)}, Learning Rate ${fmtE(lr)}, It/sec ${its.toFixed(3)}, ` +
  `Tokens/sec ${tps.toFixed(3)}, Trained Tokens ${tokens}, Peak mem ${mem.toFixed(3)} GB`;
const valLine = (it, loss, took) => `Iter ${it}: Val loss ${loss.toFixed(3)}, Val took ${took.toFixed(3)}s`;
const saveLine = (it) =>
  `Iter ${it}: Saved adapter weights to adapters/adapters.safetensors and adapters/${String(it).padStart(7, '0')}_adapters.safetensors.`;

/** Generates the metric lines of iterations (from, to] of one training run, in mlx_lm order. */
class Trainer {
  constructor(s) {
    this.s = s;
    this.rnd = s.rnd;
    this.tokens = 0;
    this.mem = s.mem0;
    /** Lines written by kind: what an index of this log must hold. */
    this.counts = { train: 0, val: 0, test: 0, checkpoints: 0 };
  }
  curve(it) {
    const s = this.s;
    return s.plateau + (s.start - s.plateau) * Math.exp(-it / s.tau);
  }
  jitter(scale) {
    return (this.rnd() * 2 - 1) * scale;
  }
  val(it) {
    const s = this.s;
    const loss = this.curve(it) + s.valGap + this.jitter(s.noise / 3);
    return valLine(it, loss, s.valTime + this.jitter(0.3));
  }
  train(it) {
    const s = this.s;
    const loss = Math.max(0.01, this.curve(it) + this.jitter(s.noise));
    const its = s.itPerSec * (1 + this.jitter(0.06));
    const perIter = s.tokensPerIter * (1 + this.jitter(0.08));
    this.tokens += Math.round(perIter * STEPS_PER_REPORT);
    if (this.rnd() < 0.05 && this.mem < this.s.mem0 + 3) this.mem += this.rnd() * 0.4;
    return trainLine(it, loss, s.learningRate, its, its * perIter, this.tokens, this.mem);
  }
  /** Lines for iterations in (from, to]: val before train on eval steps, save after. */
  lines(from, to, out) {
    // Only iteration 1 and multiples of the report step print anything (eval and save steps
    // are multiples of it).
    const its = [];
    if (from < 1 && to >= 1) its.push(1);
    for (let it = (Math.floor(from / STEPS_PER_REPORT) + 1) * STEPS_PER_REPORT; it <= to; it += STEPS_PER_REPORT)
      its.push(it);
    const c = this.counts;
    for (const it of its) {
      if (it === 1 || it % STEPS_PER_EVAL === 0) {
        out.push(this.val(it));
        c.val++;
      }
      if (it % STEPS_PER_REPORT === 0) {
        out.push(this.train(it));
        c.train++;
      }
      if (it % SAVE_EVERY === 0) {
        out.push(saveLine(it));
        c.checkpoints++;
      }
    }
    return out;
  }
}

function header(s, iters) {
  const m = s.model;
  const pct = (100 * m.trainable) / m.total;
  return [
    'Loading pretrained model',
    'Loading datasets',
    'Training',
    `Trainable parameters: ${pct.toFixed(3)}% (${m.trainable.toFixed(3)}M/${m.total.toFixed(3)}M)`,
    `Starting training..., iters: ${iters}`,
  ];
}

function footer(t) {
  const test = t.curve(ITERS) + t.s.valGap + t.jitter(0.02);
  t.counts.test++;
  return [
    'Saved final weights to adapters/adapters.safetensors.',
    'Testing',
    `Test loss ${test.toFixed(3)}, Test ppl ${Math.exp(test).toFixed(3)}.`,
  ];
}

function trainLog(s) {
  const t = new Trainer(s);
  const out = header(s, ITERS);
  t.lines(0, ITERS, out);
  out.push(...footer(t));
  return { text: `${out.join('\n')}\n`, counts: t.counts };
}

function addCounts(total, c) {
  for (const k of Object.keys(c)) total[k] = (total[k] ?? 0) + c[k];
  return total;
}

/** Writes run i (run.json, adapters/adapter_config.json, train.log) under root; overwrites. */
export function writeRun(root, i) {
  const s = runSpec(i);
  const dir = path.join(root, s.id);
  fs.mkdirSync(path.join(dir, 'adapters'), { recursive: true });
  // Order matters for nothing here; the marker of the whole tree is what says "complete".
  fs.writeFileSync(path.join(dir, 'run.json'), runJson(s));
  fs.writeFileSync(path.join(dir, 'adapters', 'adapter_config.json'), adapterConfig(s));
  const log = trainLog(s);
  fs.writeFileSync(path.join(dir, 'train.log'), log.text);
  return log.counts;
}

/**
 * Appends `count` train lines to a log, iterations continuing after its last `Iter N:` line
 * (trained tokens too), in the same format. Returns { firstIter, lastIter, bytes }.
 */
export function appendTrainLines(logFile, count, seed = 1) {
  const fd = fs.openSync(logFile, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(tailLen);
    fs.readSync(fd, buf, 0, tailLen, size - tailLen);
    const tail = buf.toString('utf8');
    let lastIter = 0;
    let tokens = 0;
    let lr = 1e-5;
    let mem = 5;
    let loss = 1;
    for (const m of tail.matchAll(/Iter (\d+): /g)) lastIter = Math.max(lastIter, Number(m[1]));
    const lastTrain = [
      ...tail.matchAll(
        /Iter \d+: Train loss ([\d.]+), Learning Rate ([\d.e+-]+), .*Trained Tokens (\d+), Peak mem ([\d.]+) GB/g,
      ),
    ].pop();
    if (lastTrain) {
      loss = Number(lastTrain[1]);
      lr = Number(lastTrain[2]);
      tokens = Number(lastTrain[3]);
      mem = Number(lastTrain[4]);
    }
    const rnd = mulberry32(seed);
    const first = Math.ceil((lastIter + 1) / STEPS_PER_REPORT) * STEPS_PER_REPORT;
    const lines = [];
    for (let k = 0; k < count; k++) {
      const it = first + k * STEPS_PER_REPORT;
      const its = 2 * (1 + (rnd() - 0.5) * 0.1);
      const perIter = 380 * (1 + (rnd() - 0.5) * 0.1);
      tokens += Math.round(perIter * STEPS_PER_REPORT);
      loss = Math.max(0.01, loss * 0.999 + (rnd() - 0.5) * 0.04);
      lines.push(trainLine(it, loss, lr, its, its * perIter, tokens, mem));
    }
    const text = Buffer.from(`${lines.join('\n')}\n`);
    fs.writeSync(fd, text, 0, text.length, size);
    return { firstIter: first, lastIter: first + (count - 1) * STEPS_PER_REPORT, bytes: text.length };
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Cached trees.

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Builds `final` by calling fill(tmpDir) in a private temp dir, writing the marker last, then
 * renaming it into place. A complete `final` is reused as is; a half-written one is replaced.
 */
function cached(final, fill) {
  if (fs.existsSync(path.join(final, MARKER))) return { generated: false, seconds: 0 };
  const started = performance.now();
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = `${final}.partial-${process.pid}`;
  rmrf(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  fill(tmp);
  fs.writeFileSync(path.join(tmp, MARKER), `${new Date().toISOString()}\n`);
  if (fs.existsSync(path.join(final, MARKER))) {
    // Someone else finished the same tree meanwhile: theirs is identical (deterministic).
    rmrf(tmp);
  } else {
    rmrf(final);
    fs.renameSync(tmp, final);
  }
  return { generated: true, seconds: (performance.now() - started) / 1000 };
}

/** The 10k-run (or N-run) tree. `root` is the runs root to pass as --root. */
export function ensureTree({ runs = 10_000, cacheDir = cacheRoot() } = {}) {
  const dir = path.join(cacheDir, `${GENERATOR_VERSION}-${runs}`);
  const { generated, seconds } = cached(dir, (tmp) => {
    const root = path.join(tmp, 'runs');
    fs.mkdirSync(root, { recursive: true });
    const total = { runs, train: 0, val: 0, test: 0, checkpoints: 0 };
    for (let i = 0; i < runs; i++) addCounts(total, writeRun(root, i));
    fs.writeFileSync(path.join(tmp, EXPECTED), `${JSON.stringify(total)}\n`);
  });
  const ids = Array.from({ length: runs }, (_, i) => runId(i));
  return { dir, root: path.join(dir, 'runs'), ids, expected: readExpected(dir), generated, seconds };
}

/**
 * One run whose train.log is about `mb` MiB: the same line shapes as the small runs, one long
 * training run (val and save every 100 iterations), written in ~8 MiB chunks.
 */
export function ensureBigLogTree({ mb = 1024, cacheDir = cacheRoot() } = {}) {
  const dir = path.join(cacheDir, `${GENERATOR_VERSION}-biglog-${mb}mb`);
  const i = 0;
  const id = runId(i);
  const { generated, seconds } = cached(dir, (tmp) => {
    const root = path.join(tmp, 'runs');
    writeRun(root, i);
    const counts = writeBigLog(path.join(root, id, 'train.log'), mb * 1024 * 1024, i).counts;
    fs.writeFileSync(path.join(tmp, EXPECTED), `${JSON.stringify({ runs: 1, ...counts })}\n`);
  });
  const log = path.join(dir, 'runs', id, 'train.log');
  return {
    dir,
    root: path.join(dir, 'runs'),
    id,
    log,
    bytes: fs.statSync(log).size,
    expected: readExpected(dir),
    generated,
    seconds,
  };
}

const EXPECTED = 'expected.json';
function readExpected(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, EXPECTED), 'utf8'));
}

/** Streams a log of at least `targetBytes` bytes to `file` (overwrites); returns { written, counts }. */
export function writeBigLog(file, targetBytes, seedIndex = 0) {
  const s = runSpec(seedIndex);
  // A slow decay so the loss keeps moving over millions of iterations.
  s.tau = 2_000_000;
  const t = new Trainer(s);
  const fd = fs.openSync(file, 'w');
  const CHUNK = 8 * 1024 * 1024;
  let written = 0;
  try {
    // Iteration count is not known up front; estimate it from the size of one 100-iter block.
    const probe = new Trainer(runSpec(seedIndex)).lines(0, STEPS_PER_EVAL, []).join('\n').length + 1;
    const iters = Math.ceil(targetBytes / probe) * STEPS_PER_EVAL;
    let pending = `${header(s, iters).join('\n')}\n`;
    let it = 0;
    while (written + pending.length < targetBytes) {
      const out = t.lines(it, it + STEPS_PER_EVAL, []);
      it += STEPS_PER_EVAL;
      pending += `${out.join('\n')}\n`;
      if (pending.length >= CHUNK) {
        const b = Buffer.from(pending);
        fs.writeSync(fd, b);
        written += b.length;
        pending = '';
      }
    }
    pending += `${footer(t).join('\n')}\n`;
    const b = Buffer.from(pending);
    fs.writeSync(fd, b);
    written += b.length;
  } finally {
    fs.closeSync(fd);
  }
  return { written, counts: t.counts };
}

// ---------------------------------------------------------------------------------------------
// CLI.

function parseArgs(argv) {
  const opts = { runs: 10_000, bigLogMb: 0, cache: cacheRoot() };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const val = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Number(val());
    else if (a === '--big-log-mb') opts.bigLogMb = Number(val());
    else if (a === '--cache') opts.cache = val();
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node bench/generate.mjs [--runs N] [--big-log-mb M] [--cache DIR]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isFinite(opts.bigLogMb) || opts.bigLogMb < 0) throw new Error('--big-log-mb must be >= 0');
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`generate: ${err.message}\n`);
    process.exit(2);
  }
  const tree = ensureTree({ runs: opts.runs, cacheDir: opts.cache });
  process.stderr.write(
    `${tree.generated ? `generated in ${tree.seconds.toFixed(1)} s` : 'reused'}: ${opts.runs} runs\n`,
  );
  process.stdout.write(`${tree.root}\n`);
  if (opts.bigLogMb > 0) {
    const big = ensureBigLogTree({ mb: opts.bigLogMb, cacheDir: opts.cache });
    process.stderr.write(
      `${big.generated ? `generated in ${big.seconds.toFixed(1)} s` : 'reused'}: big log ${(big.bytes / 2 ** 20).toFixed(0)} MiB\n`,
    );
    process.stdout.write(`${big.root}\n`);
  }
}
