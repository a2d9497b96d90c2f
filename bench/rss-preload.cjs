// Fallback for peak-memory measurement when /usr/bin/time is missing: preloaded with
// `node --require bench/rss-preload.cjs ...`, it writes the process's max RSS (KiB) to
// $BENCH_RSS_FILE when the process exits.
'use strict';
const fs = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  delete process.env.BENCH_RSS_FILE; // not for grandchildren
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // measurement only
    }
  });
}
