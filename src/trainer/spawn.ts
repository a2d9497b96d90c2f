// Running the trainer (and opening a browser): with probe.ts (git, ps lookups) the only modules
// that start processes (STYLE.md §2). It tees the trainer's output to the terminal and
// train.log, forwards stop signals once, and reports how it ended.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { trainerEnv } from './command.js';

/** The recorder's output streams (ctx.io.stdout / ctx.io.stderr). */
export interface TeeStream {
  write(chunk: string | Uint8Array): unknown;
}

export interface TrainerOutcome {
  /** The trainer's exit code; null when it died by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the trainer, e.g. "SIGINT". */
  signal: NodeJS.Signals | null;
  /** The stop signal the recorder forwarded (once), if any. */
  forwardedSignal: NodeJS.Signals | null;
  /** True when the recorder had to SIGKILL the trainer (second request or grace period over). */
  escalated: boolean;
  /** Why the trainer could not be started (e.g. "spawn mlx_lm.lora ENOENT"); null when it ran. */
  spawnError: string | null;
  /** errno code of spawnError ("ENOENT", "EACCES", …). */
  spawnErrorCode: string | null;
  /** The first error writing train.log (e.g. disk full); the log stops there, the trainer went on. */
  logWriteError: string | null;
}

export interface RunTrainerOptions {
  file: string;
  args: string[];
  cwd: string;
  /** The recorder's environment; trainerEnv() adjusts it for the trainer. */
  env: NodeJS.ProcessEnv;
  /** Added for the trainer (RUNS_RUN_DIR, …: TrainerCommand.env). */
  extraEnv?: Record<string, string>;
  logPath: string;
  stdout: TeeStream;
  stderr: TeeStream;
  /** Called after each chunk of output (the caller throttles live indexing). */
  onOutput?: () => void;
  /** After forwarding a stop signal, how long to wait before SIGKILL. */
  killGraceMs: number;
  notice: (line: string) => void;
  /** How long to wait for the pipes to drain after the trainer exits (a grandchild may hold them). */
  drainMs?: number;
}

/** process.stdout and friends are EventEmitters; test captures may not be. */
interface Listenable {
  on(event: 'error', listener: () => void): unknown;
  off(event: 'error', listener: () => void): unknown;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Keeps the recorder alive through SIGINT/SIGTERM/SIGHUP until the returned function is called.
 * `runs train` holds this from before the trainer starts until run.json has its outcome: an
 * impatient second Ctrl-C that lands after the trainer ended must not kill the recorder before it
 * has written the outcome (the run would look crashed). runTrainer's own handlers do the forwarding.
 */
export function holdStopSignals(onSignal: (sig: NodeJS.Signals) => void): () => void {
  const handler = (sig: NodeJS.Signals) => onSignal(sig);
  for (const sig of STOP_SIGNALS) process.on(sig, handler);
  return () => {
    for (const sig of STOP_SIGNALS) process.off(sig, handler);
  };
}

/**
 * Runs the trainer to the end and resolves with how it ended; never rejects for the trainer's
 * sake (a spawn failure resolves with spawnError).
 *
 * - No pty: stdin ignored, stdout and stderr are pipes (a pty merges the streams, turns \n into
 *   \r\n and makes tqdm/rich animate with cursor movements).
 * - `detached`: the trainer gets its own process group, so a Ctrl-C in the terminal reaches only
 *   the recorder, which forwards it once (otherwise the trainer would get it twice: once from the
 *   terminal, once from us). We forward to the trainer's whole group, which is what the terminal
 *   would have done: a wrapper script and its python both see it.
 * - Every chunk goes, in arrival order, to the matching terminal stream and to train.log
 *   (synchronous appends, so the log's order is exactly the arrival order).
 */
export function runTrainer(opts: RunTrainerOptions): Promise<TrainerOutcome> {
  return new Promise<TrainerOutcome>((resolve) => {
    const outcome: TrainerOutcome = {
      exitCode: null,
      signal: null,
      forwardedSignal: null,
      escalated: false,
      spawnError: null,
      spawnErrorCode: null,
      logWriteError: null,
    };

    // --- train.log
    let logFd: number | null = null;
    const logFailed = (err: unknown) => {
      if (outcome.logWriteError !== null) return;
      const e = err as NodeJS.ErrnoException;
      outcome.logWriteError = `${opts.logPath}: ${e.message ?? String(err)}`;
      opts.notice(
        `warning: cannot write ${opts.logPath} (${e.code ?? e.message}); the trainer keeps running and its output ` +
          'still shows here, but train.log stops at this point',
      );
      if (logFd !== null) {
        try {
          fs.closeSync(logFd);
        } catch {
          // already broken
        }
        logFd = null;
      }
    };
    try {
      logFd = fs.openSync(opts.logPath, 'a');
    } catch (err) {
      logFailed(err);
    }
    const appendToLog = (buf: Buffer) => {
      if (logFd === null) return;
      try {
        let off = 0;
        while (off < buf.length) off += fs.writeSync(logFd, buf, off, buf.length - off);
      } catch (err) {
        // After a failed write the log stays a clean prefix of the output: appending later chunks
        // (if space comes back) would leave a silent hole in the middle.
        logFailed(err);
      }
    };

    // --- terminal streams: a closed terminal or pipe (EPIPE, EIO after SIGHUP) must not stop the
    // recording, so their errors are swallowed and the stream is dropped.
    const tees = [opts.stdout, opts.stderr].map((stream) => {
      const tee = { stream, ok: true, onError: () => (tee.ok = false) };
      const emitter = stream as unknown as Partial<Listenable>;
      if (typeof emitter.on === 'function') emitter.on('error', tee.onError);
      return tee;
    });
    const toTerminal = (i: 0 | 1, buf: Buffer) => {
      const tee = tees[i]!;
      if (!tee.ok) return;
      try {
        tee.stream.write(buf);
      } catch {
        tee.ok = false;
      }
    };

    // --- the child
    const child = (() => {
      try {
        return spawn(opts.file, opts.args, {
          cwd: opts.cwd,
          env: trainerEnv(opts.env, opts.extraEnv),
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
      } catch (err) {
        // Synchronous spawn failures (e.g. an invalid cwd or argument) are reported like ENOENT.
        return err as NodeJS.ErrnoException;
      }
    })();

    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const removeHandlers = () => {
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      removeHandlers();
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      if (logFd !== null) {
        try {
          fs.closeSync(logFd);
        } catch {
          // nothing useful to do
        }
        logFd = null;
      }
      for (const tee of tees) {
        const emitter = tee.stream as unknown as Partial<Listenable>;
        if (typeof emitter.off === 'function') emitter.off('error', tee.onError);
      }
      resolve(outcome);
    };

    const killGroup = (sig: NodeJS.Signals): void => {
      if (!(child instanceof Error) && child.pid !== undefined) {
        try {
          process.kill(-child.pid, sig);
          return;
        } catch {
          // no group (already gone) — try the process itself
        }
        try {
          process.kill(child.pid, sig);
        } catch {
          // already gone
        }
      }
    };

    function onSignal(sig: NodeJS.Signals): void {
      if (outcome.forwardedSignal === null) {
        outcome.forwardedSignal = sig;
        killGroup(sig);
        const graceS = Math.round(opts.killGraceMs / 100) / 10;
        opts.notice(`runs: ${sig}: stopping the trainer (again to kill it now; killed after ${graceS}s otherwise)`);
        graceTimer = setTimeout(() => {
          if (outcome.escalated) return;
          outcome.escalated = true;
          opts.notice(`runs: trainer did not stop within ${graceS}s after ${sig}; killed it`);
          killGroup('SIGKILL');
        }, opts.killGraceMs);
        graceTimer.unref();
      } else if (!outcome.escalated) {
        outcome.escalated = true;
        clearTimeout(graceTimer);
        opts.notice(`runs: ${sig} again: killed the trainer`);
        killGroup('SIGKILL');
      }
    }

    if (child instanceof Error) {
      outcome.spawnError = child.message;
      outcome.spawnErrorCode = child.code ?? null;
      finish();
      return;
    }

    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);

    child.on('error', (err: NodeJS.ErrnoException) => {
      // 'error' without a pid: the trainer never started (ENOENT, EACCES…). Later errors (a
      // failed kill) change nothing: 'exit'/'close' still decide.
      if (child.pid === undefined) {
        outcome.spawnError = err.message;
        outcome.spawnErrorCode = err.code ?? null;
        finish();
      }
    });
    child.stdout.on('data', (buf: Buffer) => {
      toTerminal(0, buf);
      appendToLog(buf);
      opts.onOutput?.();
    });
    child.stderr.on('data', (buf: Buffer) => {
      toTerminal(1, buf);
      appendToLog(buf);
      opts.onOutput?.();
    });
    child.on('exit', (code, signal) => {
      outcome.exitCode = code;
      outcome.signal = signal;
      // 'close' follows once both pipes are drained. A grandchild that inherited them may keep
      // them open forever; do not wait for it longer than drainMs.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, opts.drainMs ?? 2000);
      drainTimer.unref();
    });
    child.on('close', (code, signal) => {
      if (outcome.exitCode === null && outcome.signal === null) {
        outcome.exitCode = code;
        outcome.signal = signal;
      }
      finish();
    });
  });
}

/**
 * `runs ui --open`: hands the URL to the desktop's opener (open on macOS, xdg-open elsewhere).
 * Here because this is the one module that starts processes; a missing opener is only a notice.
 */
export function openInBrowser(url: string, onError: (message: string) => void): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', (err) => onError(`could not start ${opener} (${err.message}); open ${url} yourself`));
    child.unref();
  } catch (err) {
    onError(`could not start ${opener} (${(err as Error).message}); open ${url} yourself`);
  }
}
