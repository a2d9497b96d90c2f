// Floor for `runs list --sort val_loss --limit 20 --json`: start node, list the root (the freshness
// check's readdir), open the index, one indexed SELECT, print JSON.
//
//   node bench/floor-list.mjs --root <tree>/runs --db <indexed.db>
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { floorArgs } from './floor-args.mjs';

const { root, db: dbPath } = floorArgs();
if (!root || !dbPath) {
  process.stderr.write('usage: node bench/floor-list.mjs --root DIR --db PATH\n');
  process.exit(2);
}
const names = fs.readdirSync(root);
const db = new Database(dbPath, { fileMustExist: true });
const rows = db.prepare('select * from runs order by best_val_loss is null, best_val_loss limit 20').all();
db.close();
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
process.stderr.write(`floor-list: ${names.length} entries, ${rows.length} rows\n`);
