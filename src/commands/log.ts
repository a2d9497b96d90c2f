// runs log RUN [--tail N] [--follow] [--raw]: the run's train.log, for people (terminal codes
// stripped) or as written (--raw); --follow keeps reading while the run is `running`.
import fs from 'node:fs';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { stripTerminalCodes } from '../core/terminal-text.js';
import { runPaths } from '../storage/layout.js';
import { isRecorderAlive } from '../storage/liveness.js';
import { readManifestFile } from '../storage/manifest-file.js';
import { processStartedAt } from '../trainer/probe.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';

export interface LogOptions {
  tail?: number;
  follow?: boolean;
  raw?: boolean;
  /** How often --follow looks for new bytes (ms). */
  pollMs?: number;
}

const CHUNK = 1 << 16;

/** The log as text pieces in order; ends at EOF, or (--follow) once the run is no longer running. */
export async function* readRunLog(ctx: Context, ref: string, opts: LogOptions): AsyncGenerator<string> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const paths = runPaths(ctx.locations().root, run.id);
  let fd: number;
  try {
    fd = fs.openSync(paths.log, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunsError(
      code === 'ENOENT'
        ? `run ${run.id} has no train.log yet (${paths.log}); its trainer has printed nothing`
        : `cannot read ${paths.log} (${code ?? (err as Error).message})`,
    );
  }
  const decoder = new StringDecoder('utf8');
  // Text is cleaned a whole line at a time, so an escape sequence split across reads is still removed.
  let pending = '';
  const clean = (text: string, final: boolean): string => {
    if (opts.raw) return text;
    pending += text;
    const cut = final ? pending.length : pending.lastIndexOf('\n') + 1;
    const out = stripTerminalCodes(pending.slice(0, cut));
    pending = pending.slice(cut);
    return out;
  };
  try {
    let pos = opts.tail !== undefined ? tailOffset(fd, opts.tail) : 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    const drain = function* (): Generator<string> {
      for (;;) {
        const n = fs.readSync(fd, buf, 0, CHUNK, pos);
        if (n === 0) return;
        pos += n;
        const text = clean(decoder.write(buf.subarray(0, n)), false);
        if (text) yield text;
      }
    };
    yield* drain();
    if (opts.follow) {
      while (stillRunning(paths.manifest, paths.heartbeat)) {
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
        yield* drain();
      }
      yield* drain(); // what the trainer wrote between the last read and its end
    }
    const rest = clean(decoder.end(), true);
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

/** run.json says `running` and its recorder is alive (a crashed recorder ends --follow too). */
function stillRunning(manifestFile: string, heartbeatFile: string): boolean {
  const read = readManifestFile(manifestFile);
  if (read.kind !== 'ok' || read.manifest.status !== 'running') return false;
  return isRecorderAlive(read.manifest, heartbeatFile, {
    thisHost: os.hostname(),
    nowMs: Date.now(),
    processStartedAt,
  });
}

/** Byte offset where the last `lines` lines start (a final newline ends the last line, it does not start one). */
export function tailOffset(fd: number, lines: number): number {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(CHUNK);
  let end = size;
  let seen = 0;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    for (let i = n - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a || start + i === size - 1) continue;
      if (++seen === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}
