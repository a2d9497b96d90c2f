// `npm run demo`: records two runs with the stand-in trainer (replaying real-format mlx_lm logs,
// since MLX needs Apple Silicon), then lists and compares them. Uses ./demo-runs, not models/.
// Everything it reads is in this repository (found from this file, so it runs from any directory).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const root = 'demo-runs';
const runs = (args, env = {}) =>
  execFileSync(process.execPath, [repo('dist/runs.mjs'), '--root', root, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });

fs.rmSync(root, { recursive: true, force: true });
fs.mkdirSync(root, { recursive: true });
fs.writeFileSync(
  `${root}/lora.yaml`,
  'model: mlx-community/Qwen3-0.6B-4bit\niters: 1000\nbatch_size: 4\nlora_parameters: {rank: 8, scale: 20.0, dropout: 0.0}\n',
);
const trainer = `node ${JSON.stringify(repo('tests/helpers/fake-trainer.mjs'))}`;
console.error('--- runs train (stand-in trainer replaying a 1000-iteration mlx_lm 0.31 log)');
runs(['train', '--trainer', trainer, '--config', `${root}/lora.yaml`, '--tag', 'demo', '--', '--iters', '1000'], {
  FAKE_LOG: repo('tests/fixtures/demo/run-a.log'),
});
console.error('\n--- runs train (a second run, 200 iterations, CRLF log)');
runs(['train', '--trainer', trainer, '--', '--model', 'HuggingFaceTB/SmolLM2-360M-Instruct', '--iters', '200'], {
  FAKE_LOG: repo('tests/fixtures/demo/run-b.log'),
});
console.error('\n--- runs list --sort val_loss');
runs(['list', '--sort', 'val_loss']);
console.error('\n--- runs diff latest~1 latest');
runs(['diff', 'latest~1', 'latest']);
console.error('\n--- runs sql');
runs(['sql', 'select run_id, split, count(*) as records, min(loss) as min_loss from metrics group by run_id, split']);
