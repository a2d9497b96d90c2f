// The index's compare-and-swap: a write computed from an older stored state is refused as a
// conflict (the caller redoes the run), so a `runs index` pass that read run.json while the run
// was still going never writes `running` over the outcome the recorder has just recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/core/manifest.js';
import { emptySummaryState } from '../../src/core/summarize.js';
import { openIndex, toRunRow, type RunWrite, type RunsIndex } from '../../src/db/index.js';
import { MlxLogParser } from '../../src/parse/mlx-log-parser.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-index-writes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ID = '2026-01-01_00-00-00';

function runWrite(status: RunStatus, manifestStamp: string, expectedManifestStamp: string | null): RunWrite {
  return {
    row: toRunRow({
      id: ID,
      path: path.join(dir, ID),
      status,
      manifest: { status },
      adapterConfig: null,
      config: null,
      facts: new MlxLogParser().facts,
      summary: emptySummaryState().summary,
      fallbackStartedAt: null,
      warnings: [],
      indexedAt: '2026-01-01T00:00:00.000Z',
    }),
    state: {
      manifest_stamp: manifestStamp,
      adapter_config_stamp: null,
      config_stamp: null,
      log_size: 0,
      log_mtime_ms: 0,
      log_offset: 0,
      parse_state: null,
      committed_seq: 0,
      committed_checkpoint_seq: 0,
      metrics_jsonl_stamp: null,
    },
    expectedOffset: null,
    expectedManifestStamp,
    reset: true,
    records: [],
  };
}

async function write(index: RunsIndex, w: RunWrite): Promise<string[]> {
  const writer = index.openWriter({ bulk: false });
  writer.add(w);
  await writer.close();
  return [...writer.conflicts];
}

describe('writes are compare-and-swap on the stored run.json stamp', () => {
  it('refuses a write computed from a run.json older than the stored one', async () => {
    const index = await openIndex({ dbPath: path.join(dir, 'runs.db'), warn: () => {} });
    try {
      // A live pass of the recorder, then its last one after recording the outcome.
      expect(await write(index, runWrite('running', '100:1', null))).toEqual([]);
      expect(await write(index, runWrite('completed', '120:2', '100:1'))).toEqual([]);
      // A `runs index` pass that started from the first state and read run.json then.
      expect(await write(index, runWrite('running', '100:1', '100:1'))).toEqual([ID]);
      // A pass that never saw the run (it was not indexed when the pass began).
      expect(await write(index, runWrite('running', '100:1', null))).toEqual([ID]);
      expect(index.getRun(ID)?.status).toBe('completed');
      // Redone from the state now stored, the write goes in.
      expect(await write(index, runWrite('completed', '120:2', '120:2'))).toEqual([]);
    } finally {
      index.close();
    }
  });
});
