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
