// The writer thread of bulk passes (dist/write-worker.mjs): the SQLite work of a pass over many
// runs happens there, so parsing the next logs overlaps with inserting the last ones.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodedBatch } from './batch-codec.js';
import type { JournalMode } from './client.js';
import type { WriteResult } from './local-index.js';

/** dist/write-worker.mjs next to the bundle; absent when running from source. */
export function writerScript(): URL | null {
  for (const rel of ['../write-worker.mjs', './write-worker.mjs']) {
    const url = new URL(rel, import.meta.url);
    if (fs.existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** The writer thread (dist/write-worker.mjs) and its request/answer bookkeeping. */
export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(r: WriteResult): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(script: URL, dbPath: string, journal: JournalMode, warn: (m: string) => void) {
    // A small heap: the writer holds at most two batches, and a tight limit keeps its garbage
    // (and so the process's peak RSS) down.
    this.worker = new Worker(script, {
      workerData: { dbPath, journal },
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    this.worker.on(
      'message',
      (msg: {
        type: string;
        id?: number;
        result?: WriteResult;
        message?: string;
        error?: { message: string; code?: string };
      }) => {
        if (msg.type === 'warn') return warn(msg.message!);
        const waiter = this.waiting.get(msg.id!);
        this.waiting.delete(msg.id!);
        if (msg.type === 'done') waiter?.resolve(msg.result!);
        else waiter?.reject(Object.assign(new Error(msg.error!.message), { code: msg.error!.code }));
      },
    );
    this.worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  write(batch: EncodedBatch): Promise<WriteResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'write', id, batch }, [batch.metrics.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' });
    await this.exited;
  }
}
