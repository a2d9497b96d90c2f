// In-process CLI runs: main() with captured streams (like sqlite-utils' CliRunner).
import { PassThrough } from 'node:stream';
import { main } from '../../src/main.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

class Capture {
  chunks: string[] = [];
  isTTY = false;
  columns = 100;
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }
  text(): string {
    return this.chunks.join('');
  }
}

export async function runCli(
  argv: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    now?: () => Date;
    columns?: number;
    tty?: boolean;
    /** What the user types, on a stdin that says it is a terminal (confirmation prompts). */
    typed?: string;
  } = {},
): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  if (options.columns) stdout.columns = options.columns;
  if (options.tty) stdout.isTTY = true;
  let stdin: (PassThrough & { isTTY?: boolean }) | undefined;
  if (options.typed !== undefined) {
    stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end(options.typed);
  }
  const exitCode = await main(argv, {
    io: { stdout, stderr, stdin },
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    now: options.now,
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * The built bundle `dist/runs.mjs` in a child process: what a user runs (real argv parsing, real
 * exit code, real TTY detection). `env` is added to the parent's; `COLUMNS`/`TZ` go there.
 */
export async function runBundle(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('./paths.js');
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  return { exitCode, stdout, stderr };
}
