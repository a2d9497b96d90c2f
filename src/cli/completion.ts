// Shell completion scripts (pure: a description of the commands in, script text out). Run ids
// are asked from `runs completion --ids` when the user presses Tab, so they are never stale.

export interface CompletionSpec {
  commands: { name: string; flags: string[]; takesRuns: boolean }[];
  /** Values offered after these flags (e.g. --sort → sort keys). */
  values: Record<string, readonly string[]>;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const words = (list: readonly string[]) => list.join(' ');

/** Global options that take a value: skipped (with their value) when finding the command word. */
const GLOBAL_VALUE_OPTIONS = ['--root', '--db', '--team-db'];
const GLOBAL_FLAGS = ['--team', '--help', '--version'];

/**
 * Run ids are folder names: anything may be in them (spaces, `?`, `$(...)`). So they never go
 * through `compgen -W`, which expands each word (a folder named `$(cmd)` would run cmd on Tab),
 * nor through an unquoted `$(...)` (split at spaces, globbed against the current directory):
 * they are read line by line, matched as literal prefixes and inserted shell-quoted (%q).
 */
function bashFunction(spec: CompletionSpec): string {
  const flagCases = spec.commands.map((c) => `      ${c.name}) opts="${words(c.flags)}" ;;`).join('\n');
  const valueCases = Object.entries(spec.values)
    .map(([flag, vs]) => `    ${flag}) COMPREPLY=($(compgen -W "${words(vs)}" -- "$cur")); return ;;`)
    .join('\n');
  const runCommands = spec.commands
    .filter((c) => c.takesRuns)
    .map((c) => c.name)
    .join('|');
  return `_runs_complete() {
  local cur prev cmd opts word id i=1
  local -a globals=()
  COMPREPLY=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command is the first word that is not a global option (or the value of one).
  cmd=""
  while [ "$i" -lt "$COMP_CWORD" ]; do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      ${GLOBAL_VALUE_OPTIONS.join('|')}) globals+=("$word" "\${COMP_WORDS[i+1]}"); i=$((i + 2)); continue ;;
      --team) globals+=("$word") ;;
      -*) ;;
      *) cmd="$word"; break ;;
    esac
    i=$((i + 1))
  done
  case "$prev" in
${valueCases}
    --root) while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -d -- "$cur"); return ;;
    --db) while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -f -- "$cur"); return ;;
    --team-db) return ;;
  esac
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "${words(spec.commands.map((c) => c.name))} ${words([...GLOBAL_VALUE_OPTIONS, ...GLOBAL_FLAGS])}" -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${flagCases}
      *) opts="" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case "$cmd" in
    ${runCommands || '__none__'})
      while IFS= read -r id; do
        [[ "$id" == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$id")")
      done < <(printf 'latest\n'; command runs "\${globals[@]}" completion --ids 2>/dev/null)
      ;;
  esac
}`;
}

export function completionScript(shell: Shell, spec: CompletionSpec): string {
  if (shell === 'bash')
    return `# runs completion for bash: eval "$(runs completion bash)" (e.g. in ~/.bashrc)\n${bashFunction(spec)}\ncomplete -F _runs_complete runs\n`;
  if (shell === 'zsh') {
    // zsh runs the same function through its bash-completion layer.
    return `# runs completion for zsh: eval "$(runs completion zsh)" (e.g. in ~/.zshrc)\nautoload -U +X bashcompinit && bashcompinit\n${bashFunction(spec)}\ncomplete -F _runs_complete runs\n`;
  }
  const lines = [
    '# runs completion for fish: runs completion fish > ~/.config/fish/completions/runs.fish',
    'complete -c runs -f',
  ];
  lines.push(`complete -c runs -n __fish_use_subcommand -a "${words(spec.commands.map((c) => c.name))}"`);
  for (const c of spec.commands) {
    for (const f of c.flags) {
      const long = f.replace(/^--/, '');
      const values = spec.values[f];
      lines.push(
        `complete -c runs -n "__fish_seen_subcommand_from ${c.name}" -l ${long}${values ? ` -x -a "${words(values)}"` : ''}`,
      );
    }
    if (c.takesRuns)
      lines.push(
        `complete -c runs -n "__fish_seen_subcommand_from ${c.name}" -a "latest (runs completion --ids 2>/dev/null)"`,
      );
  }
  return `${lines.join('\n')}\n`;
}
