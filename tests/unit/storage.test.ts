import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseManifest, RunManifest, serializeManifest } from '../../src/core/manifest.js';
import { compareRunIds, formatRunId, parseRunId, withCollisionSuffix } from '../../src/core/run-id.js';
import { writeFileAtomic } from '../../src/storage/atomic-write.js';
import { pointLatestAt, readLatest } from '../../src/storage/latest-link.js';
import { readManifestFile, updateManifestFile } from '../../src/storage/manifest-file.js';
import { MAX_RUN_FILE_BYTES } from '../../src/storage/layout.js';
import { createRunFolder } from '../../src/storage/run-folder.js';
import { reserveSpace } from '../../src/storage/disk-reserve.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-storage-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('run ids', () => {
  it.each<[Date, string]>([
    [new Date(2026, 10, 29, 14, 5, 9), '2026-11-29_14-05-09'],
    [new Date(2027, 0, 1, 0, 0, 0), '2027-01-01_00-00-00'],
    [new Date(2026, 11, 31, 23, 59, 59, 999), '2026-12-31_23-59-59'],
  ])('formatRunId(%s) = %s (local time)', (date, id) => expect(formatRunId(date)).toBe(id));

  it.each<[number, string]>([
    [1, '2026-11-29_14-05-09'],
    [2, '2026-11-29_14-05-09_2'],
    [10, '2026-11-29_14-05-09_10'],
  ])('withCollisionSuffix(base, %i) = %s', (attempt, id) =>
    expect(withCollisionSuffix('2026-11-29_14-05-09', attempt)).toBe(id),
  );

  it.each<[string, { startedAt: Date; ordinal: number } | null]>([
    ['2026-11-29_14-05-09', { startedAt: new Date(2026, 10, 29, 14, 5, 9), ordinal: 1 }],
    ['2026-11-29_14-05-09_3', { startedAt: new Date(2026, 10, 29, 14, 5, 9), ordinal: 3 }],
    ['2026-02-30_14-05-09', null],
    ['2026-11-29_14-05', null],
    ['my-old-run', null],
    ['2026-11-29_14-05-09_', null],
  ])('parseRunId(%s)', (name, expected) => expect(parseRunId(name)).toEqual(expected));

  it.each<[string, string, number]>([
    ['2026-11-29_14-05-09', '2026-11-29_14-05-10', -1],
    ['2026-11-29_14-05-09_2', '2026-11-29_14-05-09_10', -1],
    ['2026-11-29_14-05-09_10', '2026-11-29_14-05-09_2', 1],
    ['2026-11-29_14-05-09', '2026-11-29_14-05-09_2', -1],
    ['2026-11-29_14-05-09_2', '2026-11-29_14-05-10', -1],
    ['2026-11-29_14-05-09', '2026-11-29_14-05-09', 0],
    ['abc', 'abd', -1],
  ])('compareRunIds(%s, %s) has sign %i', (a, b, sign) => expect(Math.sign(compareRunIds(a, b))).toBe(sign));

  it('sorting puts _10 after _2', () => {
    const ids = ['2026-11-29_14-05-09_10', '2026-11-29_14-05-09', '2026-11-29_14-05-09_2', '2026-11-28_23-00-00'];
    expect([...ids].sort(compareRunIds)).toEqual([
      '2026-11-28_23-00-00',
      '2026-11-29_14-05-09',
      '2026-11-29_14-05-09_2',
      '2026-11-29_14-05-09_10',
    ]);
  });
});

describe('createRunFolder', () => {
  it('gives runs started in the same second _2, _3 and never reuses a folder', () => {
    const now = new Date(2026, 10, 29, 14, 5, 9);
    const root = path.join(tmp, 'runs');
    const a = createRunFolder(root, now);
    fs.writeFileSync(path.join(a.paths.dir, 'marker'), 'a');
    const b = createRunFolder(root, now);
    fs.writeFileSync(path.join(b.paths.dir, 'marker'), 'b');
    const c = createRunFolder(root, now);
    expect([a.id, b.id, c.id]).toEqual(['2026-11-29_14-05-09', '2026-11-29_14-05-09_2', '2026-11-29_14-05-09_3']);
    expect(fs.readFileSync(path.join(a.paths.dir, 'marker'), 'utf8')).toBe('a');
    expect(fs.readFileSync(path.join(b.paths.dir, 'marker'), 'utf8')).toBe('b');
    expect(fs.readdirSync(c.paths.dir)).toEqual([]);
    expect(c.paths.manifest).toBe(path.join(root, c.id, 'run.json'));
  });
});

describe('run.json', () => {
  const legacy = {
    started_at: '2025-03-02T10:11:12Z',
    git_sha: 'a1b2c3d',
    data_dir: 'data/helpdesk',
    model: 'mlx-community/Mistral-7B-Instruct-v0.3-4bit',
    lora_rank: 16,
    lora_alpha: 32,
    iters: 600,
    batch_size: 4,
    learning_rate: 1e-5,
  };

  it('parses the legacy Python key set with the same values', () => {
    const parsed = parseManifest(JSON.stringify(legacy));
    expect(parsed).toEqual({ ok: true, manifest: legacy });
  });

  it('round-trips through serialize / parse', () => {
    const manifest: RunManifest = {
      ...legacy,
      schema_version: 1,
      id: '2026-11-29_14-05-09',
      uid: '3f1c2b9e-7a7d-4c52-9a1e-2b8f3c4d5e6f',
      status: 'interrupted',
      finished_at: '2026-11-29T14:46:21.000Z',
      exit_code: null,
      signal: 'SIGINT',
      command: ['mlx_lm.lora', '--train', '--adapter-path', '/x/adapters'],
      host: 'mac',
      pid: 4242,
      git_dirty: false,
      tags: ['a', 'b'],
      note: null,
    };
    const back = parseManifest(serializeManifest(manifest));
    expect(back).toEqual({ ok: true, manifest });
  });

  it('keeps unknown keys through updateManifestFile', () => {
    const file = path.join(tmp, 'run.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...legacy, wandb_url: 'https://example.invalid/r/1', extra: { nested: [1, 2] } }),
    );
    updateManifestFile(file, (m) => ({ ...m, status: 'completed', exit_code: 0 }));
    const read = readManifestFile(file);
    expect(read.kind).toBe('ok');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      ...legacy,
      wandb_url: 'https://example.invalid/r/1',
      extra: { nested: [1, 2] },
      status: 'completed',
      exit_code: 0,
    });
  });

  it.each<[string, string]>([
    ['corrupt JSON', '{"status": "running",'],
    ['an array', '[1, 2]'],
    ['a string', '"run"'],
    ['null', 'null'],
    ['a wrong type', '{"iters": "many"}'],
    ['an unknown status', '{"status": "exploded"}'],
    ['tags not a list', '{"tags": "a,b"}'],
  ])('%s is an invalid result, never a throw', (_name, text) => {
    const parsed = parseManifest(text);
    expect(parsed.ok).toBe(false);
    const file = path.join(tmp, 'run.json');
    fs.writeFileSync(file, text);
    expect(readManifestFile(file).kind).toBe('invalid');
  });

  it('a missing run.json is "missing"', () => {
    expect(readManifestFile(path.join(tmp, 'nope.json'))).toEqual({ kind: 'missing' });
  });

  it('updateManifestFile stamps schema_version and leaves no temp or lock files', () => {
    const file = path.join(tmp, 'run.json');
    updateManifestFile(file, () => ({ id: 'x' }));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ schema_version: 1, id: 'x' });
    expect(fs.readdirSync(tmp)).toEqual(['run.json']);
  });
});

describe('pointLatestAt', () => {
  const make = (root: string, id: string) => fs.mkdirSync(path.join(root, id), { recursive: true });

  it('makes a relative link that resolves to the run, and replaces it', () => {
    const root = path.join(tmp, 'runs');
    make(root, '2026-11-29_14-05-09');
    pointLatestAt(root, '2026-11-29_14-05-09');
    expect(fs.readlinkSync(path.join(root, 'latest'))).toBe('2026-11-29_14-05-09');
    make(root, '2026-11-29_14-05-10');
    pointLatestAt(root, '2026-11-29_14-05-10');
    expect(fs.readlinkSync(path.join(root, 'latest'))).toBe('2026-11-29_14-05-10');
    expect(fs.realpathSync(path.join(root, 'latest'))).toBe(fs.realpathSync(path.join(root, '2026-11-29_14-05-10')));
    expect(readLatest(root)).toBe('2026-11-29_14-05-10');
    // replaced by rename: no temp links left behind
    expect(fs.readdirSync(root).sort()).toEqual(['2026-11-29_14-05-09', '2026-11-29_14-05-10', 'latest']);
  });

  it('never moves back to an older run', () => {
    const root = path.join(tmp, 'runs');
    make(root, '2026-11-29_14-05-09_2');
    make(root, '2026-11-29_14-05-09_10');
    pointLatestAt(root, '2026-11-29_14-05-09_10');
    pointLatestAt(root, '2026-11-29_14-05-09_2');
    expect(readLatest(root)).toBe('2026-11-29_14-05-09_10');
  });

  it('ends on the newest run folder even when an older run renames last (concurrent starts)', () => {
    const root = path.join(tmp, 'runs');
    make(root, '2026-11-29_14-05-09');
    make(root, '2026-11-29_14-05-09_2');
    // The race: the newer run already pointed `latest` at itself, then the older run (which had
    // checked before that) renames its link over it.
    fs.symlinkSync('2026-11-29_14-05-09', path.join(root, 'latest'));
    pointLatestAt(root, '2026-11-29_14-05-09');
    expect(readLatest(root)).toBe('2026-11-29_14-05-09_2');
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('moves on when the newer run it points at is gone', () => {
    const root = path.join(tmp, 'runs');
    make(root, '2026-11-29_14-05-09');
    pointLatestAt(root, '2026-12-01_00-00-00'); // dangling: that folder does not exist
    pointLatestAt(root, '2026-11-29_14-05-09');
    expect(readLatest(root)).toBe('2026-11-29_14-05-09');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temp files', () => {
    const file = path.join(tmp, 'f.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, new Uint8Array([116, 119, 111]));
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readdirSync(tmp)).toEqual(['f.json']);
  });

  it('cleans its temp file up when the write fails', () => {
    const file = path.join(tmp, 'dir-in-the-way');
    fs.mkdirSync(path.join(file, 'child'), { recursive: true });
    expect(() => writeFileAtomic(file, 'x')).toThrow();
    expect(fs.readdirSync(tmp)).toEqual(['dir-in-the-way']);
  });
});

describe('updateManifestFile: one writer at a time, outcomes kept (issue #10, item 9)', () => {
  it('never writes `running` back over a recorded outcome', () => {
    const file = path.join(tmp, 'run.json');
    const done = {
      id: 'x',
      status: 'completed',
      exit_code: 0,
      signal: null,
      finished_at: '2026-11-29T15:00:00.000Z',
      tags: [],
    };
    fs.writeFileSync(file, JSON.stringify(done));
    // A writer holding an old copy (status running) that adds a tag.
    const stale = { ...done, status: 'running' as const, exit_code: null, finished_at: null, tags: ['late'] };
    updateManifestFile(file, () => stale);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ schema_version: 1, ...done, tags: ['late'] });
  });

  it('takes over a lock left by a process that died, and leaves no lock behind', () => {
    const file = path.join(tmp, 'run.json');
    fs.writeFileSync(file, JSON.stringify({ id: 'x', tags: [] }));
    // A pid that cannot be alive: above Linux's pid_max.
    fs.writeFileSync(
      path.join(tmp, '.run.json.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), token: 'dead' }),
    );
    updateManifestFile(file, (m) => ({ ...m, tags: ['t'] }));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).tags).toEqual(['t']);
    expect(fs.readdirSync(tmp)).toEqual(['run.json']);
  });

  it('refuses a change that would make run.json bigger than runs reads, leaving the file as it was', () => {
    const file = path.join(tmp, 'run.json');
    fs.writeFileSync(file, JSON.stringify({ id: 'x' }));
    expect(() => updateManifestFile(file, (m) => ({ ...m, note: 'x'.repeat(MAX_RUN_FILE_BYTES) }))).toThrow(
      /over the .* bytes runs reads; nothing was written/,
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ id: 'x' });
    expect(fs.readdirSync(tmp)).toEqual(['run.json']);
  });
});

describe('disk reserve', () => {
  it('holds 64 KiB of incompressible bytes until released (twice is fine)', () => {
    const file = path.join(tmp, '.reserve');
    const reserve = reserveSpace(file);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(64 * 1024);
    expect(bytes.some((b) => b !== 0)).toBe(true);
    reserve.release();
    expect(fs.existsSync(file)).toBe(false);
    fs.writeFileSync(file, 'not ours any more');
    reserve.release(); // released already: leaves a later file alone
    expect(fs.readFileSync(file, 'utf8')).toBe('not ours any more');
  });

  it('is best effort: nowhere to write means nothing held, and no error', () => {
    const reserve = reserveSpace(path.join(tmp, 'missing-dir', '.reserve'));
    expect(() => reserve.release()).not.toThrow();
  });
});
