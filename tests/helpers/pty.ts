// The bundle with its stderr on a real pseudo-terminal (python3's pty module), stdout on a pipe:
// what a user at a terminal sees on stderr, byte for byte (the terminal turns \n into \r\n).
import { spawn } from 'node:child_process';
import { BIN } from './paths.js';

const SCRIPT = `
import base64, json, os, subprocess, sys
argv = json.loads(sys.argv[1])
master, slave = os.openpty()
p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
chunks = []
while True:
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: the child closed its end
        break
    if not data:
        break
    chunks.append(data)
out = p.stdout.read()
code = p.wait()
print(json.dumps({"code": code, "stdout": base64.b64encode(out).decode(), "tty": base64.b64encode(b"".join(chunks)).decode()}))
`;

export interface PtyResult {
  exitCode: number;
  stdout: string;
  /** What the terminal got on stderr. */
  terminal: string;
}

export async function runBundleOnPty(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<PtyResult> {
  const child = spawn('python3', ['-c', SCRIPT, JSON.stringify([process.execPath, BIN, ...argv])], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`the pty helper failed (exit ${code})`);
  const r = JSON.parse(out) as { code: number; stdout: string; tty: string };
  return {
    exitCode: r.code,
    stdout: Buffer.from(r.stdout, 'base64').toString('utf8'),
    terminal: Buffer.from(r.tty, 'base64').toString('utf8'),
  };
}
