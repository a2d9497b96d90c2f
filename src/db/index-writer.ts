// Batched writes of RunWrites: one transaction per ~BATCH_RECORDS records. With a writer thread,
// a batch is inserted while the caller parses the next logs; at most two batches are in flight.
import { BatchEncoder, type EncodedBatch } from './batch-codec.js';
import type { WriteResult } from './local-index.js';
import type { RunWrite } from './local-index.js';

/** Records per transaction in bulk indexing; a huge log is written in pieces of this size too. */
export const BATCH_RECORDS = 25_000;

export interface IndexWriter {
  /** Buffers one run's changes (encoded at once); sends a batch when it is full. */
  add(write: RunWrite): void;
  /** Backpressure: call between runs (and pieces of a huge log); waits while two batches are in flight. */
  throttle(): Promise<void>;
  /** Writes everything added so far. */
  flush(): Promise<void>;
  /** Flushes, then stops the writer thread if there is one. */
  close(): Promise<void>;
  /** Runs whose write was skipped because another writer moved them on meanwhile. */
  readonly conflicts: Set<string>;
  readonly metricRows: number;
}

export class BatchingWriter implements IndexWriter {
  private encoder = new BatchEncoder(BATCH_RECORDS);
  private inFlight: Promise<void>[] = [];
  private failure: Error | null = null;
  metricRows = 0;
  readonly conflicts = new Set<string>();

  constructor(
    private readonly sink: (batch: EncodedBatch) => WriteResult | Promise<WriteResult>,
    private readonly stop: () => Promise<void> = async () => {},
  ) {}

  add(write: RunWrite): void {
    this.encoder.add(write);
    if (this.encoder.size >= BATCH_RECORDS) this.send();
  }

  private send(): void {
    if (this.encoder.size === 0) return;
    const batch = this.encoder.take();
    // Chained: batches land in the order they were made (pieces of one log depend on it).
    const previous = this.inFlight.at(-1) ?? Promise.resolve();
    const done: Promise<void> = previous
      .then(() => (this.failure ? undefined : this.sink(batch)))
      .then((result) => {
        if (!result) return;
        this.metricRows += result.metricRows;
        for (const id of result.conflicts) this.conflicts.add(id);
      })
      .catch((err: unknown) => {
        // Kept, and thrown by the next throttle()/flush().
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => {
        this.inFlight = this.inFlight.filter((p) => p !== done);
      });
    this.inFlight.push(done);
  }

  async throttle(): Promise<void> {
    while (this.inFlight.length > 1) await this.inFlight[0];
    if (this.failure) throw this.failure;
  }

  async flush(): Promise<void> {
    this.send();
    while (this.inFlight.length > 0) await this.inFlight.at(-1);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.stop();
    }
  }
}
