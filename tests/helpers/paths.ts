import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURE_LOGS = fileURLToPath(new URL('../fixtures/mlx-logs/', import.meta.url));
export const EXPECTED_JSON = `${FIXTURE_LOGS}EXPECTED.json`;
export const BIN = `${PROJECT_ROOT}dist/runs.mjs`;
export const FAKE_TRAINER = `${PROJECT_ROOT}tests/helpers/fake-trainer.mjs`;
/** Logs of the other MLX trainers (mlx-lm-lora, mlx-vlm, unsloth, …), with their own EXPECTED.json. */
export const TRAINER_LOGS = fileURLToPath(new URL('../fixtures/trainer-logs/', import.meta.url));
