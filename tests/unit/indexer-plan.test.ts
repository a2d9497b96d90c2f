// The indexer's pure planning step as tables: which folders a pass looks at and which runs it
// drops (planPass), whether a folder's stamps let it skip the run (firstLook), and where a changed
// log is read from (logReadFrom). No files: the inputs are what sync.ts gathers from disk.
import { describe, expect, it } from 'vitest';
import { firstLook, logReadFrom, planPass, type PassInput, type StoredStamps } from '../../src/indexer/plan.js';
import type { RunFolderStamps } from '../../src/storage/scan.js';

const statuses = (o: Record<string, string>) => new Map(Object.entries(o));
const states = (o: Record<string, string>) => new Map(Object.entries(o).map(([id, status]) => [id, { status }]));

describe('planPass', () => {
  const cases: [string, PassInput, { look: string[]; drop: string[]; skipped: number }][] = [
    [
      'fresh, new listing: new folders and running runs are looked at, finished known ones skipped',
      {
        mode: 'fresh',
        names: ['a', 'b', 'c'],
        sameListing: false,
        indexed: statuses({ a: 'completed', b: 'running' }),
      },
      { look: ['b', 'c'], drop: [], skipped: 1 },
    ],
    [
      'fresh, new listing: an indexed run whose folder is gone is dropped',
      { mode: 'fresh', names: ['a'], sameListing: false, indexed: statuses({ a: 'completed', z: 'failed' }) },
      { look: [], drop: ['z'], skipped: 1 },
    ],
    [
      'fresh, same listing: only the running runs (all the index was asked for), nothing dropped',
      { mode: 'fresh', names: ['a', 'b', 'c'], sameListing: true, indexed: statuses({ b: 'running' }) },
      { look: ['b'], drop: [], skipped: 2 },
    ],
    [
      'fresh, same listing: a running run whose folder vanished since is not looked at (the next listing differs)',
      { mode: 'fresh', names: ['a'], sameListing: true, indexed: statuses({ b: 'running' }) },
      { look: [], drop: [], skipped: 1 },
    ],
    [
      'fresh, a crashed-in-the-index run is not re-read by a read command',
      { mode: 'fresh', names: ['a'], sameListing: false, indexed: statuses({ a: 'crashed' }) },
      { look: [], drop: [], skipped: 1 },
    ],
    [
      'full: every folder is looked at, gone ones dropped',
      { mode: 'full', names: ['a', 'b'], sameListing: false, indexed: states({ a: 'completed', x: 'completed' }) },
      { look: ['a', 'b'], drop: ['x'], skipped: 0 },
    ],
    [
      'rebuild: every folder is looked at (the index was emptied)',
      { mode: 'rebuild', names: ['a', 'b'], sameListing: false, indexed: new Map() },
      { look: ['a', 'b'], drop: [], skipped: 0 },
    ],
    [
      'empty root, empty index',
      { mode: 'full', names: [], sameListing: false, indexed: new Map() },
      { look: [], drop: [], skipped: 0 },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => expect(planPass(input)).toEqual(expected));
});

const stamp = (size: number, mtimeMs = 1000) => ({ size, mtimeMs });
const folder = (over: Partial<RunFolderStamps> = {}): RunFolderStamps => ({
  manifest: stamp(10),
  log: stamp(500),
  adapterConfig: null,
  config: stamp(20),
  metricsJsonl: null,
  ...over,
});
const stored = (over: Partial<StoredStamps> = {}): StoredStamps => ({
  manifest_stamp: '10:1000',
  adapter_config_stamp: null,
  config_stamp: '20:1000',
  metrics_jsonl_stamp: null,
  log_size: 500,
  log_mtime_ms: 1000,
  status: 'completed',
  ...over,
});

describe('firstLook', () => {
  const cases: [string, StoredStamps | undefined, RunFolderStamps, boolean, 'unchanged' | 'look'][] = [
    ['a new run', undefined, folder(), false, 'look'],
    ['nothing moved', stored(), folder(), false, 'unchanged'],
    ['run.json rewritten', stored(), folder({ manifest: stamp(11) }), false, 'look'],
    ['log grew', stored(), folder({ log: stamp(600, 2000) }), false, 'look'],
    ['log touched (same size, new mtime)', stored(), folder({ log: stamp(500, 2000) }), false, 'look'],
    ['config.yaml appeared', stored({ config_stamp: null }), folder(), false, 'look'],
    ['adapter_config.json appeared', stored(), folder({ adapterConfig: stamp(5) }), false, 'look'],
    ['metrics.jsonl appeared', stored(), folder({ metricsJsonl: stamp(5) }), false, 'look'],
    ['log removed', stored(), folder({ log: null }), false, 'look'],
    ['a running run: its recorder is checked', stored({ status: 'running' }), folder(), false, 'look'],
    ['crashed in the index only, read command', stored({ status: 'crashed' }), folder(), false, 'unchanged'],
    ['crashed in the index only, runs index (writes run.json)', stored({ status: 'crashed' }), folder(), true, 'look'],
  ];
  it.each(cases)('%s', (_name, s, stamps, mayWriteRuns, expected) =>
    expect(firstLook(s, stamps, mayWriteRuns)).toBe(expected),
  );
});

describe('logReadFrom', () => {
  const cases: [
    string,
    Pick<StoredStamps, 'log_size' | 'log_mtime_ms'> | undefined,
    { size: number; mtimeMs: number },
    'resume' | 'start',
  ][] = [
    ['a new run', undefined, stamp(100), 'start'],
    ['no log before', { log_size: null, log_mtime_ms: null }, stamp(100), 'start'],
    ['grew', { log_size: 100, log_mtime_ms: 1000 }, stamp(150, 2000), 'resume'],
    ['same size and mtime (other files changed)', { log_size: 100, log_mtime_ms: 1000 }, stamp(100, 1000), 'resume'],
    ['same size, rewritten', { log_size: 100, log_mtime_ms: 1000 }, stamp(100, 2000), 'start'],
    ['shrank (truncated, replaced)', { log_size: 100, log_mtime_ms: 1000 }, stamp(50, 2000), 'start'],
  ];
  it.each(cases)('%s', (_name, s, log, expected) => expect(logReadFrom(s, log)).toBe(expected));
});
