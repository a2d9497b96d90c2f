// Parser throughput: one fixture log repeated to ~70 MB, fed in 64 KiB chunks, as `runs index`
// feeds it (it reads 1 MB at a time). Run: npm run bench:parse
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MlxLogParser } from '../src/parse/mlx-log-parser.js';

const fixture = fileURLToPath(
  new URL('../tests/fixtures/mlx-logs/15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log', import.meta.url),
);
const one = readFileSync(fixture);
const copies = 5000;
const big = Buffer.concat(Array<Buffer>(copies).fill(one));
const lines = copies * one.toString('utf8').split('\n').length;

const times: number[] = [];
let records = 0;
for (let run = 0; run < 5; run++) {
  const t0 = performance.now();
  const parser = new MlxLogParser();
  records = 0;
  for (let o = 0; o < big.length; o += 65536) records += parser.push(big.subarray(o, o + 65536)).length;
  records += parser.flush().length;
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
const median = times[2]!;
console.log(
  `${(big.length / 1e6).toFixed(1)} MB, ${lines.toLocaleString('en-US')} lines, ${records.toLocaleString('en-US')} records: ` +
    `median ${median.toFixed(3)} s of 5, ${(lines / median / 1e6).toFixed(2)} M lines/s`,
);
