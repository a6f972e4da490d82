/** citty keeps only the last value of a repeated string flag; `--set a --set b` needs them all. */
export function repeated(rawArgs: string[], ...names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!
    if (arg === '--') break
    for (const name of names) {
      if (arg === name && i + 1 < rawArgs.length) out.push(rawArgs[++i]!)
      else if (arg.startsWith(`${name}=`)) out.push(arg.slice(name.length + 1))
    }
  }
  return out
}

/** `glm=https://…` pairs into a map; a bare value (no `id=`) applies to every id under `*`. */
export function pairs(values: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const v of values) {
    const m = /^((?:@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*)=(.*)$/.exec(v)
    if (m) out.set(m[1]!, m[2]!)
    else out.set('*', v)
  }
  return out
}
