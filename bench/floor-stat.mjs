// Floor for a no-op `runs index`: list the root and stat every run's files, nothing else.
//
//   node bench/floor-stat.mjs --root <tree>/runs
import fs from 'node:fs';
import path from 'node:path';
import { floorArgs } from './floor-args.mjs';

const { root } = floorArgs();
if (!root) {
  process.stderr.write('usage: node bench/floor-stat.mjs --root DIR [--db PATH]\n');
  process.exit(2);
}
const FILES = ['run.json', 'train.log', path.join('adapters', 'adapter_config.json'), 'config.yaml'];
let runs = 0;
let found = 0;
for (const e of fs.readdirSync(root, { withFileTypes: true })) {
  if (!e.isDirectory()) continue;
  runs++;
  for (const f of FILES) {
    const st = fs.statSync(path.join(root, e.name, f), { throwIfNoEntry: false });
    if (st) found += st.size >= 0 ? 1 : 0;
  }
}
process.stderr.write(`floor-stat: ${runs} runs, ${found} files\n`);
