// Floor for the team first push (bench/team-push.mjs): every metric row of a local index, read
// with one raw statement and sent with one COPY into floor_metrics (the team metrics table's
// columns). The least work that puts the same rows into PostgreSQL.
//
//   node bench/floor-team-copy.mjs --db INDEX --url POSTGRES_URL
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const args = process.argv.slice(2);
const arg = (n) => args[args.indexOf(n) + 1];
const db = new Database(arg('--db'), { readonly: true });
const client = new pg.Client({ connectionString: arg('--url') });
await client.connect();
const stmt = db
  .prepare(
    `select coalesce(r.uid, r.id), m.seq, m.segment, m.iter, m.split, m.loss, m.learning_rate, m.it_per_sec, m.tokens_per_sec,
            m.trained_tokens, m.peak_mem_gb, m.val_time_s, m.test_ppl
     from metrics m join runs r on r.id = m.run_id`,
  )
  .raw();
const cell = (v) => (v === null ? '\\N' : String(v));
async function* chunks() {
  let buf = '';
  for (const row of stmt.iterate()) {
    buf += row.map(cell).join('\t') + '\n';
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
await pipeline(Readable.from(chunks()), client.query(copyFrom('copy floor_metrics from stdin')));
await client.end();
db.close();
