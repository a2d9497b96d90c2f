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
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
${valueCases}
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${words(spec.commands.map((c) => c.name))} --root --db --help --version" -- "$cur"))
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
    ${runCommands || '__none__'}) COMPREPLY=($(compgen -W "latest $(command runs completion --ids 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=() ;;
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
