// Entry point (bundled to dist/runs.mjs; the build adds the #! line).
import { main } from './main.js';

// `runs list | head`: the reader went away. Ignore the failed writes and finish normally (not
// exit: `runs train` must go on recording when its terminal closes).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
