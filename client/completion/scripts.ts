/**
 * The completion scripts for bash, zsh and fish, rendered from a CommandSpec. Commands and flags are
 * written into the script; names that change (instances, templates, registries) are asked for at
 * TAB time with `claude-multi completion --list <kind>`, which reads local files only.
 */
import type { CommandSpec, WordKind } from './spec.js'

interface Node {
  path: string
  spec: CommandSpec
}

function flatten(spec: CommandSpec, path = ''): Node[] {
  return [
    { path, spec },
    ...Object.entries(spec.subcommands).flatMap(([name, sub]) => flatten(sub, path ? `${path} ${name}` : name)),
  ]
}

const kindWord = (kind: WordKind | null | undefined): string =>
  kind === null || kind === undefined ? '' : typeof kind === 'string' ? kind : `choices:${kind.choices.join(' ')}`

/** Every word we write into a script is a command, flag or choice name: plain, but quoted anyway. */
const q = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`

function caseArms(nodes: Node[], body: (n: Node) => string): string {
  return nodes.map((n) => `    ${q(n.path)}) ${body(n)} ;;`).join('\n')
}

export function bashScript(prog: string, root: CommandSpec): string {
  const nodes = flatten(root)
  const fn = `_${prog.replace(/[^A-Za-z0-9]/g, '_')}`
  const subs = (n: Node) => `echo ${q(Object.keys(n.spec.subcommands).join(' '))}`
  const flags = (n: Node) => `echo ${q(n.spec.flags.map((f) => f.name).join(' '))}`
  const valued = (n: Node) => {
    const names = n.spec.flags.filter((f) => f.takesValue).map((f) => f.name)
    return names.length ? `case "$2" in ${names.map(q).join('|')}) return 0 ;; esac; return 1` : 'return 1'
  }
  const flagKinds = (n: Node) => {
    const withKind = n.spec.flags.filter((f) => f.value && f.value !== 'files')
    return withKind.length
      ? `case "$2" in ${withKind.map((f) => `${q(f.name)}) echo ${q(kindWord(f.value))} ;;`).join(' ')} esac`
      : ':'
  }
  const kinds = (n: Node) => {
    const list = n.spec.positionals.map(kindWord)
    if (!list.length) return ':'
    const last = n.spec.repeatLast ? `*) echo ${q(list.at(-1)!)} ;;` : ''
    return `case "$2" in ${list.map((k, i) => `${i}) echo ${q(k)} ;;`).join(' ')} ${last} esac`
  }
  return `# ${prog} completion for bash (zsh uses it through bashcompinit).
# Load it with: eval "$(${prog} completion bash)"   (add that line to ~/.bashrc)
${fn}_subs() { case "$1" in
${caseArms(nodes, subs)}
  esac; }
${fn}_flags() { case "$1" in
${caseArms(nodes, flags)}
  esac; }
${fn}_valued() { case "$1" in
${caseArms(nodes, valued)}
  esac; return 1; }
${fn}_flag_kind() { case "$1" in
${caseArms(nodes, flagKinds)}
  esac; }
${fn}_kind() { case "$1" in
${caseArms(nodes, kinds)}
  esac; }
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd_path="" npos=0 value_of="" i w subs kind
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [ -n "$value_of" ]; then value_of=""; continue; fi
    case "$w" in
      --*=*) ;;
      -*) ${fn}_valued "$cmd_path" "$w" && value_of="$w" ;;
      *)
        subs=" $(${fn}_subs "$cmd_path") "
        if [ "$npos" -eq 0 ] && [ "\${subs#* "$w" }" != "$subs" ]; then cmd_path="\${cmd_path:+$cmd_path }$w"; else npos=$((npos + 1)); fi ;;
    esac
  done
  COMPREPLY=()
  if [ -n "$value_of" ]; then
    kind="$(${fn}_flag_kind "$cmd_path" "$value_of")"
    [ -n "$kind" ] || kind=files
  else
    case "$cur" in
      -*) COMPREPLY=($(compgen -W "$(${fn}_flags "$cmd_path")" -- "$cur")); return 0 ;;
    esac
    subs="$(${fn}_subs "$cmd_path")"
    if [ -n "$subs" ] && [ "$npos" -eq 0 ]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return 0; fi
    kind="$(${fn}_kind "$cmd_path" "$npos")"
  fi
  case "$kind" in
    instances|templates|registries) COMPREPLY=($(compgen -W "$(${prog} completion --list "$kind" 2>/dev/null)" -- "$cur")) ;;
    files) COMPREPLY=($(compgen -f -- "$cur")) ;;
    choices:*) COMPREPLY=($(compgen -W "\${kind#choices:}" -- "$cur")) ;;
  esac
  return 0
}
complete -o default -F ${fn} ${prog}
`
}

export function zshScript(prog: string, root: CommandSpec): string {
  // zsh runs the bash function unchanged through its bash-completion layer: one logic, two shells.
  return `# ${prog} completion for zsh. Load it with: eval "$(${prog} completion zsh)"   (in ~/.zshrc)
autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(prog, root).split('\n').slice(2).join('\n')}`
}

export function fishScript(prog: string, root: CommandSpec): string {
  const lines = [
    `# ${prog} completion for fish. Load it with: ${prog} completion fish | source`,
    `#   (or save it as ~/.config/fish/completions/${prog}.fish)`,
    `complete -c ${prog} -f`,
  ]
  const top = Object.keys(root.subcommands)
  const fishQ = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
  lines.push(
    `complete -c ${prog} -n ${fishQ(`not __fish_seen_subcommand_from ${top.join(' ')}`)} -a ${fishQ(top.join(' '))}`,
  )
  const dynamic = (kind: WordKind | null | undefined): string | undefined =>
    kind === null || kind === undefined
      ? undefined
      : kind === 'files'
        ? '(__fish_complete_path)'
        : typeof kind === 'string'
          ? `(${prog} completion --list ${kind} 2>/dev/null)`
          : kind.choices.join(' ')
  for (const [name, spec] of Object.entries(root.subcommands)) {
    const seen = `__fish_seen_subcommand_from ${name}`
    const subs = Object.keys(spec.subcommands)
    if (subs.length)
      lines.push(
        `complete -c ${prog} -n ${fishQ(`${seen}; and not __fish_seen_subcommand_from ${subs.join(' ')}`)} -a ${fishQ(subs.join(' '))}`,
      )
    const add = (cond: string, s: CommandSpec) => {
      for (const f of s.flags) {
        const long = f.name.startsWith('--')
        const opt = long ? `-l ${f.name.slice(2)}` : `-s ${f.name.slice(1)}`
        const value = !f.takesValue
          ? ''
          : f.value && f.value !== 'files'
            ? ` -x -a ${fishQ(dynamic(f.value)!)}`
            : ' -r -F'
        lines.push(`complete -c ${prog} -n ${fishQ(cond)} ${opt}${value}`)
      }
      // Positionals: fish cannot count them cheaply, so the union of their kinds is offered.
      const args = [...new Set(s.positionals.map(dynamic).filter((a): a is string => Boolean(a)))]
      if (args.length) lines.push(`complete -c ${prog} -n ${fishQ(cond)} -a ${fishQ(args.join(' '))}`)
    }
    if (!subs.length) add(seen, spec)
    for (const [subName, sub] of Object.entries(spec.subcommands))
      add(`${seen}; and __fish_seen_subcommand_from ${subName}`, sub)
  }
  return `${lines.join('\n')}\n`
}
