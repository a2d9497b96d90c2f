#!/usr/bin/env node
// Stand-in for `mlx_lm.lora` in spawn tests: plain Node (its one import, `yaml`, is the project's).
//
// Flags: --train, --test, -c/--config FILE, --adapter-path DIR (also `--adapter-path=DIR`; the last
// one wins), and anything else (recorded, like unknown YAML keys in mlx_lm's adapter_config.json).
// Env:
//   FAKE_LOG               log file to replay byte for byte (default: a few built-in lines)
//   FAKE_DELAY_MS          delay between lines (default 0)
//   FAKE_EXIT_CODE         exit code after the last line (default 0)
//   FAKE_IGNORE_SIGINT=1   ignore SIGINT and SIGTERM (for the recorder's kill escalation)
//   FAKE_STDERR_PATTERN    regex: matching lines go to stderr instead of stdout
//   FAKE_HANG_AFTER_LINES  stop after N lines and wait forever (for signal tests)
//   FAKE_PAUSE_AFTER_LINES, FAKE_RESUME_FILE
//                          after N lines, wait until that file exists, then write all the rest in
//                          one write (a test looks at the index in between, then lets megabytes
//                          arrive between two live index passes)
//   FAKE_ARGV_FILE         append this run's argv (one JSON array per line) and cwd to that file
// Like CPython, on SIGINT it prints a KeyboardInterrupt traceback on stderr and then dies BY SIGINT;
// SIGTERM kills it at once.
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import path from 'node:path';

const BUILT_IN_LOG = [
  'Loading pretrained model',
  'Loading datasets',
  'Training',
  'Trainable parameters: 0.081% (0.655M/808.112M)',
  'Starting training..., iters: 10',
  'Iter 1: Val loss 2.500, Val took 0.100s',
  'Iter 10: Train loss 2.000, Learning Rate 1.000e-05, It/sec 1.000, Tokens/sec 100.000, Trained Tokens 1000, Peak mem 1.000 GB',
  'Iter 10: Val loss 1.900, Val took 0.100s',
  'Saved final weights to adapters/adapters.safetensors.',
  '',
].join('\n');

if (process.env.FAKE_ARGV_FILE) {
  fs.appendFileSync(
    process.env.FAKE_ARGV_FILE,
    `${JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() })}\n`,
  );
}

// --- arguments (argparse-like: last wins, `--x=v`, unknown flags accepted)
const BOOLEAN = new Set(['train', 'test', 'mask_prompt', 'grad_checkpoint']);
const cli = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const word = argv[i];
  let name;
  let value;
  if (word === '-c') name = 'config';
  else if (word.startsWith('--')) {
    const eq = word.indexOf('=');
    name = (eq < 0 ? word.slice(2) : word.slice(2, eq)).replaceAll('-', '_');
    if (eq >= 0) value = word.slice(eq + 1);
  } else continue;
  if (name === 'adapter') name = 'adapter_path';
  if (value === undefined) {
    if (BOOLEAN.has(name)) value = true;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else value = true;
  }
  // argparse's type=int / type=float: numbers arrive as numbers in adapter_config.json.
  cli[name] =
    typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

// The YAML config, read the way mlx_lm reads it (a mapping; nested dicts kept whole). The project's
// own `yaml` package stands in for PyYAML.
function readYamlConfig(file) {
  try {
    const data = parseYaml(fs.readFileSync(file, 'utf8'), { uniqueKeys: false });
    return data && typeof data === 'object' && !Array.isArray(data) ? data : {};
  } catch {
    return {};
  }
}

const args = { adapter_path: 'adapters', ...(cli.config ? readYamlConfig(cli.config) : {}), ...cli };
const adapterPath = String(args.adapter_path);

function writeFile(name, content) {
  fs.mkdirSync(adapterPath, { recursive: true });
  fs.writeFileSync(path.join(adapterPath, name), content);
}

if (args.train) {
  // mlx_lm writes it before step 1: json.dump(dict(sorted(vars(args).items())), f, indent=4)
  const sorted = Object.fromEntries(
    Object.keys(args)
      .sort()
      .map((k) => [k, args[k]]),
  );
  writeFile('adapter_config.json', JSON.stringify(sorted, null, 4));
}

/** Synchronous write of all bytes, even into a full non-blocking pipe. */
function writeAll(fd, data) {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let off = 0; off < buf.length;) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
    }
  }
}

// --- signals
const ignore = process.env.FAKE_IGNORE_SIGINT === '1';
function onSigint() {
  writeAll(
    2,
    'Traceback (most recent call last):\n  File "mlx_lm/lora.py", line 1, in <module>\n    ...\nKeyboardInterrupt\n',
  );
  process.off('SIGINT', onSigint);
  process.kill(process.pid, 'SIGINT'); // die BY SIGINT, as CPython does after KeyboardInterrupt
}
if (ignore) {
  process.on('SIGINT', () => writeAll(2, 'fake-trainer: ignoring SIGINT\n'));
  process.on('SIGTERM', () => writeAll(2, 'fake-trainer: ignoring SIGTERM\n'));
} else {
  process.on('SIGINT', onSigint);
}

// --- replay: the concatenation of what is written equals the log file byte for byte
const logBytes = process.env.FAKE_LOG ? fs.readFileSync(process.env.FAKE_LOG) : Buffer.from(BUILT_IN_LOG);
const lines = [];
for (let start = 0; start < logBytes.length;) {
  const nl = logBytes.indexOf(0x0a, start);
  const end = nl < 0 ? logBytes.length : nl + 1;
  lines.push(logBytes.subarray(start, end));
  start = end;
}
const delay = Number(process.env.FAKE_DELAY_MS ?? 0) || 0;
const exitCode = Number(process.env.FAKE_EXIT_CODE ?? 0) || 0;
const hangAfter =
  process.env.FAKE_HANG_AFTER_LINES !== undefined ? Number(process.env.FAKE_HANG_AFTER_LINES) : Infinity;
const toStderr = process.env.FAKE_STDERR_PATTERN ? new RegExp(process.env.FAKE_STDERR_PATTERN) : null;
const pauseAfter =
  process.env.FAKE_PAUSE_AFTER_LINES !== undefined ? Number(process.env.FAKE_PAUSE_AFTER_LINES) : Infinity;
const resumeFile = process.env.FAKE_RESUME_FILE;

function emit(line, write = true) {
  const text = line.toString('utf8');
  const save = /Iter (\d+): Saved adapter weights to/.exec(text);
  if (save) {
    writeFile('adapters.safetensors', 'fake-weights');
    writeFile(`${save[1].padStart(7, '0')}_adapters.safetensors`, 'fake-weights');
  } else if (text.includes('Saved final weights')) {
    writeFile('adapters.safetensors', 'fake-weights');
  }
  // Synchronous writes: no line is lost when a signal ends us.
  if (write) writeAll(toStderr && toStderr.test(text) ? 2 : 1, line);
}

let i = 0;
function step() {
  while (i < lines.length) {
    if (i === pauseAfter && resumeFile) {
      if (!fs.existsSync(resumeFile)) {
        setTimeout(step, 20);
        return;
      }
      const rest = lines.slice(i);
      for (const line of rest) emit(line, false);
      writeAll(1, Buffer.concat(rest));
      i = lines.length;
      break;
    }
    if (i >= hangAfter) {
      setInterval(() => {}, 1 << 30); // wait for a signal
      return;
    }
    emit(lines[i++]);
    if (delay > 0) {
      setTimeout(step, delay);
      return;
    }
  }
  process.exitCode = exitCode;
}
step();
