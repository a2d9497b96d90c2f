// Floor for `runs index` into an empty database: the least work that produces the same metric rows.
// Reads every run's train.log, parses train/val lines with two regexes, inserts the rows with one
// prepared statement in one transaction (WAL, synchronous=NORMAL), then creates the (run_id, seq)
// index. No run metadata, params or checkpoints: those are extra work ours does on top.
//
//   node bench/floor-index.mjs --root <tree>/runs --db <fresh.db>
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import Database from 'better-sqlite3';
import { floorArgs } from './floor-args.mjs';

const { root, db: dbPath } = floorArgs();
if (!root || !dbPath) {
  process.stderr.write('usage: node bench/floor-index.mjs --root DIR --db PATH\n');
  process.exit(2);
}

const TRAIN =
  /^Iter (\d+): Train loss ([^,]+), Learning Rate ([^,]+), It\/sec ([^,]+), Tokens\/sec ([^,]+), Trained Tokens ([^,]+), Peak mem ([^ ]+) GB/;
const VAL = /^Iter (\d+): Val loss ([^,]+), Val took ([^s]+)s/;

const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE metrics (
  run_id text NOT NULL, seq integer NOT NULL, segment integer NOT NULL, iter integer, split text NOT NULL,
  loss real, learning_rate real, it_per_sec real, tokens_per_sec real, trained_tokens real,
  peak_mem_gb real, val_time_s real)`);
const insert = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');

let rows = 0;
/** Per-run parse state, so a log read in pieces gives the same rows as one read whole. */
function parser(runId) {
  let seq = 0;
  let segment = 0;
  let lastIter = 0;
  return (line) => {
    if (!line.startsWith('Iter ')) return;
    let m = TRAIN.exec(line);
    let split = 'train';
    if (!m) {
      m = VAL.exec(line);
      if (!m) return;
      split = 'val';
    }
    const iter = Number(m[1]);
    if (iter < lastIter) segment++;
    lastIter = iter;
    if (split === 'train') {
      insert.run(
        runId,
        seq++,
        segment,
        iter,
        split,
        Number(m[2]),
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6]),
        Number(m[7]),
        null,
      );
    } else {
      insert.run(runId, seq++, segment, iter, split, Number(m[2]), null, null, null, null, null, Number(m[3]));
    }
    rows++;
  };
}

const BIG = 64 * 1024 * 1024;
function parseLog(file, runId) {
  const onLine = parser(runId);
  const size = fs.statSync(file).size;
  if (size <= BIG) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) onLine(line);
    return;
  }
  // A huge log does not fit in one string: read it in pieces, carrying the partial last line.
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(16 * 1024 * 1024);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const lines = (carry + decoder.write(buf.subarray(0, n))).split('\n');
      carry = lines.pop();
      for (const line of lines) onLine(line);
    }
    onLine(carry + decoder.end());
  } finally {
    fs.closeSync(fd);
  }
}

db.transaction(() => {
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const log = path.join(root, e.name, 'train.log');
    if (!fs.existsSync(log)) continue;
    parseLog(log, e.name);
  }
})();
db.exec('CREATE INDEX metrics_run_seq ON metrics (run_id, seq)');
db.close();
process.stderr.write(`floor-index: ${rows} rows\n`);
