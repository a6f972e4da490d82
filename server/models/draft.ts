/**
 * `watch`: compare what a provider lists with what a template maps, and draft the next version.
 * Pure: the command fetches, reads and writes; this decides.
 */
import { placeholders } from '../../shared/placeholders.js'
import { ROLES } from '../../shared/roles.js'
import type { Template } from '../../shared/types.js'
import { modelAsSent } from '../../shared/limits.js'
import { missingLimits, nextVersion, pruneLimits } from './next-version.js'

export interface GoneModel {
  model: string
  /** Roles (or model variables) that map it in the latest version. */
  usedBy: string[]
  replacement: string | null
}

export interface WatchDiff {
  id: string
  from: string
  listed: number
  /** Listed now, never mapped or retired by any version, and not seen by an earlier watch. */
  added: string[]
  /** Mapped by the latest version but no longer listed. */
  gone: GoneModel[]
  /** Marked retired but still listed: informational, un-retiring is a maintainer's call. */
  stillListed: string[]
}

const isModelVar = (name: string) => name.endsWith('_MODEL')

/** Where the latest version names a model: role → model, plus `*_MODEL` variables in `env`. */
export function mappedModels(t: Template): [string, string][] {
  const out: [string, string][] = ROLES.map((r) => [r, t.models[r]])
  for (const [name, value] of Object.entries(t.env)) if (isModelVar(name) && value) out.push([name, value])
  // `{{model}}` is the user's choice at setup (OpenRouter); there is nothing to compare.
  return out.filter(([, m]) => placeholders(m).length === 0)
}

const family = (model: string) =>
  modelAsSent(model)
    .toLowerCase()
    .replace(/\d+(?:\.\d+)*/g, '#')
const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })

/**
 * The listed model most like the gone one: the newest of the same family (`glm-5.1` → `glm-5.3`,
 * `glm-5.1-flash` → `glm-5.3-flash`), else the newest sharing its name up to the first digit.
 */
export function suggestReplacement(model: string, listed: string[]): string | null {
  const bare = modelAsSent(model)
  const others = listed.filter((m) => m !== bare)
  const same = others.filter((m) => family(m) === family(bare)).sort(byVersion)
  const newer = same.filter((m) => byVersion(m, bare) > 0)
  if (newer.length || same.length) return (newer.length ? newer : same).at(-1)!
  const prefix = /^\D*/.exec(bare)![0].toLowerCase()
  if (prefix.length < 2) return null
  return (
    others
      .filter((m) => m.toLowerCase().startsWith(prefix))
      .sort(byVersion)
      .at(-1) ?? null
  )
}

export function diffModels(latest: Template, history: Template[], listed: string[], seen: string[] = []): WatchDiff {
  const served = new Set(listed)
  const known = new Set(seen)
  for (const t of [latest, ...history]) {
    for (const [, m] of mappedModels(t)) known.add(modelAsSent(m))
    for (const m of Object.keys(t.retired ?? {})) known.add(modelAsSent(m))
  }
  const gone = new Map<string, GoneModel>()
  for (const [where, m] of mappedModels(latest)) {
    const model = modelAsSent(m)
    if (served.has(model)) continue
    const entry = gone.get(model) ?? { model, usedBy: [], replacement: suggestReplacement(model, listed) }
    entry.usedBy.push(where)
    gone.set(model, entry)
  }
  return {
    id: latest.id,
    from: latest.version,
    listed: listed.length,
    added: listed.filter((m) => !known.has(m)).sort(byVersion),
    gone: [...gone.values()],
    stillListed: Object.keys(latest.retired ?? {}).filter((m) => served.has(modelAsSent(m))),
  }
}

export const hasChanges = (d: WatchDiff) => d.added.length + d.gone.length > 0

const list = (xs: string[], max = 20) =>
  xs.length > max ? `${xs.slice(0, max).join(', ')} and ${xs.length - max} more` : xs.join(', ')

/**
 * The next minor version: gone models move to `retired` with their suggested replacement, and the
 * mapping points at that replacement (keeping a `[1m]` suffix); added models are only listed in
 * the changelog, since which role gets a new model is a maintainer's call.
 */
export function draftNextVersion(
  latest: Template,
  diff: WatchDiff,
  opts: { date: string; source: string; taken?: string[] },
): Template {
  const next: Template = structuredClone(latest)
  delete next.deprecated
  let version = nextVersion(latest.version, 'minor')
  while (opts.taken?.includes(version)) version = nextVersion(version, 'minor')
  next.version = version
  const retired: Record<string, string | null> = { ...latest.retired }
  const swap = (value: string): string => {
    const gone = diff.gone.find((g) => g.model === modelAsSent(value))
    if (!gone?.replacement) return value
    return value === gone.model ? gone.replacement : `${gone.replacement}${value.slice(gone.model.length)}`
  }
  for (const g of diff.gone) retired[g.model] = g.replacement
  for (const [, m] of mappedModels(latest)) {
    if (m !== modelAsSent(m) && diff.gone.some((g) => g.model === modelAsSent(m)))
      retired[m] = swap(m) === m ? null : swap(m)
  }
  // Chains collapse: glm-4.6 → glm-5.1 becomes glm-4.6 → glm-5.3 once glm-5.1 is gone too.
  for (const [model, replacement] of Object.entries(retired)) if (replacement) retired[model] = swap(replacement)
  for (const role of ROLES) next.models[role] = swap(next.models[role])
  for (const name of Object.keys(next.env)) if (isModelVar(name)) next.env[name] = swap(next.env[name]!)
  if (Object.keys(retired).length) next.retired = retired
  else delete next.retired
  // A replacement's window is not the gone model's: its limits are the maintainer's to add.
  pruneLimits(next)

  const lines = [`Draft by claude-multi-registry watch on ${opts.date} from ${opts.source} (review before publishing).`]
  if (diff.added.length) lines.push(`New models listed by the provider: ${list(diff.added)}.`)
  for (const g of diff.gone) {
    const fix = g.replacement
      ? `suggested replacement ${g.replacement}, mapping updated`
      : 'no replacement found: map another model'
    lines.push(`No longer listed: ${g.model} (used by ${g.usedBy.join(', ')}); ${fix}.`)
  }
  for (const missing of missingLimits(next)) lines.push(`Limits: ${missing}.`)
  next.changelog = lines.join(' ')
  return next
}

/** One line per provider for the command's output. */
export function describeDiff(d: WatchDiff): string {
  const still = d.stillListed.length ? ` (retired but still listed: ${d.stillListed.join(', ')})` : ''
  if (!hasChanges(d)) return `${d.id} ${d.from}: up to date (${d.listed} models listed)${still}`
  const parts: string[] = []
  if (d.added.length) parts.push(`${d.added.length} new: ${list(d.added, 8)}`)
  for (const g of d.gone)
    parts.push(`gone: ${g.model} (${g.usedBy.join(', ')}) → ${g.replacement ?? 'no replacement found'}`)
  return `${d.id} ${d.from}: ${parts.join('; ')}${still}`
}
