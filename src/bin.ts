// Entry point (bundled to dist/runs.mjs; the build adds the #! line).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
