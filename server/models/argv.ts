/** The server's flag helpers; repeated flags are read by shared/cli-support's one implementation. */
export { repeatedFlag as repeated } from '../../shared/cli-support.js'

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
