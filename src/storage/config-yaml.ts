// A trainer config (config.yaml in a run folder, `--config FILE` of `runs train`) read the way the
// trainer reads it: YAML as PyYAML parses it, a top-level mapping of options. The one place that
// parses one; callers decide what a bad file means (train refuses it, the indexer warns, test
// leaves it to the trainer).

export type ConfigYaml =
  | { kind: 'mapping'; data: Record<string, unknown> }
  /** An empty file (or only comments): no options. */
  | { kind: 'empty' }
  /** Valid YAML, but a list or a scalar at the top. */
  | { kind: 'not-mapping' }
  /**
   * Not usable. syntax: the text is not YAML (line/col where the parser stopped, when it says);
   * otherwise the parser refused valid YAML on purpose (an alias bomb, or `tooDeep`: nesting too
   * deep for the stack). `reason` is the first line of the parser's message.
   */
  | { kind: 'invalid'; syntax: boolean; tooDeep: boolean; reason: string; line?: number; col?: number };

type YamlModule = typeof import('yaml');
let yaml: YamlModule | undefined;

/**
 * The YAML parser, loaded on first use (a read command that reads no config never pays for it).
 * `yaml` is CommonJS: Node's loader (the source under tsx) gives its named exports, while the
 * bundle's chunk for it exposes only `default` (module.exports). Take whichever holds parse().
 */
export async function loadConfigYaml(): Promise<void> {
  if (yaml) return;
  const mod = (await import('yaml')) as YamlModule & { default?: YamlModule };
  yaml = typeof mod.parse === 'function' ? mod : mod.default;
  if (typeof yaml?.parse !== 'function') throw new Error('the bundled YAML parser has no parse(); please report it');
}

/** Parses config text; loadConfigYaml() must have been awaited first. */
export function parseConfigYaml(text: string): ConfigYaml {
  if (!yaml) throw new Error('parseConfigYaml before loadConfigYaml(); please report it');
  let v: unknown;
  try {
    // uniqueKeys: false, as PyYAML (what the trainer uses) keeps the last of a repeated key.
    v = yaml.parse(text, { uniqueKeys: false });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const reason = err.message.split('\n')[0]!;
    if (err instanceof yaml.YAMLParseError) {
      const pos = err.linePos?.[0];
      return { kind: 'invalid', syntax: true, tooDeep: false, reason, line: pos?.line, col: pos?.col };
    }
    return { kind: 'invalid', syntax: err instanceof yaml.YAMLError, tooDeep: err instanceof RangeError, reason };
  }
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v !== 'object' || Array.isArray(v)) return { kind: 'not-mapping' };
  return { kind: 'mapping', data: v as Record<string, unknown> };
}
