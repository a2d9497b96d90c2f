// The index writer thread for bulk passes: SQLite inserts run here while the main thread reads
// and parses the next logs (2 cores: the two halves of `runs index` overlap).
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodedBatch } from './batch-codec.js';
import type { JournalMode } from './client.js';
import { openSqliteIndex } from './sqlite-index.js';

const { dbPath, journal } = workerData as { dbPath: string; journal: JournalMode };
const port = parentPort!;
const index = await openSqliteIndex({
  dbPath,
  journal,
  warn: (message) => port.postMessage({ type: 'warn', message }),
});
// SQLite's default 2 MB page cache: a 32 MB one cost 17 MB of peak RSS and no time (10k-run
// full index, 3 alternating pairs with bench/ab.mjs: 10.24 s vs 10.06 s, 235 vs 218 MB).

port.on('message', (msg: { type: 'write'; id: number; batch: EncodedBatch } | { type: 'close' }) => {
  if (msg.type === 'close') {
    index.close();
    port.close();
    return;
  }
  try {
    const result = index.writeEncoded(msg.batch);
    port.postMessage({ type: 'done', id: msg.id, result });
  } catch (err) {
    const e = err as Error & { code?: string };
    port.postMessage({ type: 'failed', id: msg.id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
