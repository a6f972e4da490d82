/**
 * Three-way merge of wrapper variables, one variable at a time, as DESIGN.md "Sync" says:
 * base = what we last wrote, ours = what the user has now, theirs = the new template version.
 * `undefined` means the variable is absent (never set, or deleted by the user or upstream).
 */
export type Env = Readonly<Record<string, string>>

export interface Change {
  key: string
  from?: string
  to?: string
}
export interface Kept {
  key: string
  ours?: string
  theirs?: string
}
export interface Conflict {
  key: string
  base?: string
  ours?: string
  theirs?: string
}

export interface MergeResult {
  env: Record<string, string>
  /** What the merge changes in the user's current variables. */
  changes: Change[]
  /** User values kept although the new version would set something else. */
  kept: Kept[]
  /** Both sides changed a variable differently: ours is kept unless `preferTheirs`. */
  conflicts: Conflict[]
}

const get = (env: Env, key: string) => (Object.hasOwn(env, key) ? env[key] : undefined)

export function merge3(base: Env, ours: Env, theirs: Env, options: { preferTheirs?: boolean } = {}): MergeResult {
  // The new version's order first, then what only the user has, so rendered blocks stay canonical.
  const keys = [...new Set([...Object.keys(theirs), ...Object.keys(ours), ...Object.keys(base)])]
  const result: MergeResult = { env: {}, changes: [], kept: [], conflicts: [] }
  for (const key of keys) {
    const b = get(base, key)
    const o = get(ours, key)
    const t = get(theirs, key)
    let value: string | undefined
    if (o === b || o === t) {
      value = t
    } else if (t === b) {
      value = o
      result.kept.push({ key, ours: o, theirs: t })
    } else {
      result.conflicts.push({ key, base: b, ours: o, theirs: t })
      value = options.preferTheirs ? t : o
    }
    if (value !== o) result.changes.push({ key, from: o, to: value })
    if (value !== undefined) result.env[key] = value
  }
  return result
}

/** Applies `overrides.json` on top of a variable set: a string sets, `null` removes. */
export function applyOverrides(env: Env, overrides: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = { ...env }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key]
    else out[key] = value
  }
  return out
}
