// Reading a run folder's side files for the index: run.json, adapters/adapter_config.json and
// config.yaml. Never throws for bad input: a file that cannot be used is warned about and left out
// (the run is still indexed from what remains); files are never written here.
import fs from 'node:fs';
import type { RunManifest } from '../core/manifest.js';
import { jsonNestsDeeper, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { parseRunId } from '../core/run-id.js';
import { parseConfigYaml } from '../storage/config-yaml.js';
import { MAX_RUN_FILE_BYTES, type RunPaths } from '../storage/layout.js';
import { readManifestFile } from '../storage/manifest-file.js';
import { resolvesOutsideRoot, type RunFolderStamps } from '../storage/scan.js';

type Stamps = RunFolderStamps;

/**
 * The stamps with every file that resolves outside the root taken out, as if missing: a symlinked
 * train.log or adapter_config.json must never be opened (issue 10, item 11). Said with `warn`.
 */
export function insideRootOnly(
  rootReal: string,
  id: string,
  paths: RunPaths,
  stamps: Stamps,
  warn?: (w: string) => void,
): Stamps {
  const out = { ...stamps };
  const files: [keyof Stamps, string][] = [
    ['manifest', paths.manifest],
    ['log', paths.log],
    ['adapterConfig', paths.adapterConfig],
    ['config', paths.config],
    ['metricsJsonl', paths.metricsJsonl],
  ];
  for (const [key, file] of files) {
    if (out[key] === null) continue;
    const real = resolvesOutsideRoot(rootReal, paths.dir, file);
    if (real === null) continue;
    out[key] = null;
    warn?.(
      `${id}/${file.slice(paths.dir.length + 1)} resolves outside the runs root (to ${real}); skipped, never read (put the file itself in the run folder)`,
    );
  }
  return out;
}

export function readManifest(
  paths: RunPaths,
  id: string,
  stamps: Stamps,
  warn: (w: string) => void,
): { manifest: RunManifest | null; fallbackStartedAt: string | null } {
  const read = readManifestFile(paths.manifest);
  let manifest: RunManifest | null = null;
  if (read.kind === 'ok') manifest = read.manifest;
  else if (read.kind === 'invalid') {
    warn(
      `${id}/run.json ${read.reason}: indexed from train.log only (fix the file or move it aside; runs will not rewrite it)`,
    );
  }
  const fromName = parseRunId(id)?.startedAt.toISOString() ?? null;
  const fallbackStartedAt = fromName ?? (stamps.log ? new Date(stamps.log.mtimeMs).toISOString() : null);
  return { manifest, fallbackStartedAt };
}

/** stillWriting: a file that does not parse is "not written yet": null, and nothing said. */
export function readConfigFiles(
  paths: RunPaths,
  id: string,
  stamps: Stamps,
  warn: (w: string) => void,
  stillWriting: boolean,
) {
  const adapterConfig = stamps.adapterConfig
    ? readJsonObject(paths.adapterConfig, `${id}/adapters/adapter_config.json`, warn, stillWriting)
    : null;
  const config = stamps.config ? readYamlObject(paths.config, `${id}/config.yaml`, warn, stillWriting) : null;
  return { adapterConfig, config };
}

function readJsonObject(
  file: string,
  label: string,
  warn: (w: string) => void,
  stillWriting: boolean,
): Record<string, unknown> | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      warn(`${label} is not a regular file; ignored (move it aside, or replace it with the trainer's file)`);
      return null;
    }
    if (st.size > MAX_RUN_FILE_BYTES) {
      warn(`${label} is too large (${st.size} bytes); ignored (move it aside if it is not the trainer's file)`);
      return null;
    }
    const text = fs.readFileSync(file, 'utf8');
    // A hostile nesting depth would overflow the stack later (params flattening): refuse it here.
    if (jsonNestsDeeper(text)) {
      warn(
        `${label} nests deeper than ${MAX_JSON_DEPTH} levels; ignored, the run is indexed without it (fix the file or move it aside)`,
      );
      return null;
    }
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    warn(`${label} is not a JSON object; ignored (fix the file or move it aside)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (stillWriting && err instanceof SyntaxError) return null;
    warn(
      `${label} could not be read (${(err as Error).message.split('\n')[0]}); ignored (fix the file or move it aside)`,
    );
  }
  return null;
}

function readYamlObject(
  file: string,
  label: string,
  warn: (w: string) => void,
  stillWriting: boolean,
): Record<string, unknown> | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_RUN_FILE_BYTES) {
      warn(`${label} is not a readable config file; ignored (fix the file or move it aside)`);
      return null;
    }
    const parsed = parseConfigYaml(fs.readFileSync(file, 'utf8'));
    if (parsed.kind === 'mapping') return parsed.data;
    if (parsed.kind === 'not-mapping') warn(`${label} is not a YAML mapping; ignored (fix the file or move it aside)`);
    if (parsed.kind === 'invalid' && !(stillWriting && parsed.syntax)) {
      warn(`${label} could not be parsed (${parsed.reason}); ignored (fix the file or move it aside)`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    warn(
      `${label} could not be parsed (${(err as Error).message.split('\n')[0]}); ignored (fix the file or move it aside)`,
    );
  }
  return null;
}
