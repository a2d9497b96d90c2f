// The last lines of a run's train.log, for the web view's run page. Reads at most the last
// MAX_TAIL_BYTES (a log can be gigabytes), never writes.
import fs from 'node:fs';

const MAX_TAIL_BYTES = 256 * 1024;
// CSI sequences (colours, cursor moves) and OSC titles: what a rich trainer UI prints.
// eslint-disable-next-line no-control-regex -- matching ESC and BEL is the point
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Up to `lines` last lines, ANSI stripped; a progress bar's carriage-return redraws keep their last state. */
export function readLogTail(file: string, lines: number): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - MAX_TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    const n = fs.readSync(fd, buf, 0, buf.length, start);
    let text = buf.subarray(0, n).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // drop the partial first line
    const out = text.split('\n').map((l) => {
      const clean = l.replace(ANSI, '');
      const cr = clean.replace(/\r+$/, '').lastIndexOf('\r');
      return (cr >= 0 ? clean.slice(cr + 1) : clean).replace(/\r+$/, '');
    });
    if (out.at(-1) === '') out.pop();
    return out.slice(-lines);
  } finally {
    fs.closeSync(fd);
  }
}
