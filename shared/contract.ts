/**
 * The semver contract of a template. A caret pin (`glm@^1`) means "newer models, same endpoint and
 * key": what a minor or patch may change is decided here, once, for the registry (publish,
 * `validate`, `bump`) and for the client (which re-checks, because an old registry or a mirror may
 * serve what a current one refuses).
 *
 * - contract (a change needs a new major): `baseUrl`, `auth`, the inputs (names and whether they
 *   are required) and the set of `env` names — computed from the template's own fields, never from
 *   the rendered env, so derived variables (a compact window from `limits`) never count;
 * - minor: the model mapping (`models`, model-valued `env` variables, `retired`);
 * - patch: everything else (env values, limits, metadata).
 *
 * A model-valued variable (`CLAUDE_CODE_SUBAGENT_MODEL`) is part of the mapping, not the contract:
 * adding a subagent model is what a minor does (deepseek 1.1.0 did exactly that).
 */
import { compareVersions, isPrerelease, type ParsedVersion as Parsed, parseVersion as parse } from './versions.js'
import { ENV_ALLOWLIST } from './env-allowlist.js'
import { ROLES } from './roles.js'
import type { Template } from './types.js'

export type Level = 'major' | 'minor' | 'patch'
const RANK: Record<Level, number> = { patch: 1, minor: 2, major: 3 }

const isModelVar = (name: string) => Object.hasOwn(ENV_ALLOWLIST, name) && ENV_ALLOWLIST[name]!.kind === 'model'

/** What the contract is made of, in a stable form (sorted), for comparing and showing. */
export function contractOf(t: Pick<Template, 'baseUrl' | 'auth' | 'inputs' | 'env'>) {
  return {
    baseUrl: t.baseUrl,
    auth: t.auth,
    inputs: (t.inputs ?? []).map((i) => `${i.name}${i.default === undefined ? ' (required)' : ''}`).sort(),
    env: Object.keys(t.env ?? {})
      .filter((n) => !isModelVar(n))
      .sort(),
  }
}

const added = (a: string[], b: string[]) => b.filter((x) => !a.includes(x))

/** Each contract change from `a` to `b`, as one readable phrase ("baseUrl: X → Y"); empty when none. */
export function contractChanges(a: Template, b: Template): string[] {
  const x = contractOf(a)
  const y = contractOf(b)
  const out: string[] = []
  if (x.baseUrl !== y.baseUrl) out.push(`baseUrl: ${x.baseUrl} → ${y.baseUrl}`)
  if (x.auth !== y.auth) out.push(`auth: ${x.auth} → ${y.auth}`)
  const req = (t: Template) => new Map((t.inputs ?? []).map((i) => [i.name, i.default === undefined]))
  const [ia, ib] = [req(a), req(b)]
  for (const [name, required] of ib) {
    if (!ia.has(name)) out.push(`input ${name} added${required ? ' (required)' : ''}`)
    else if (ia.get(name) !== required)
      out.push(`input ${name}: ${required ? 'optional → required' : 'required → optional'}`)
  }
  for (const name of ia.keys()) if (!ib.has(name)) out.push(`input ${name} removed`)
  for (const n of added(x.env, y.env)) out.push(`env ${n} added`)
  for (const n of added(y.env, x.env)) out.push(`env ${n} removed`)
  return out
}

const modelVars = (t: Template) =>
  Object.fromEntries(
    Object.entries(t.env ?? {})
      .filter(([n]) => isModelVar(n))
      .sort(),
  )

/** Changes to the model mapping from `a` to `b` (a minor at least). */
export function mappingChanges(a: Template, b: Template): string[] {
  const out: string[] = []
  for (const role of ROLES)
    if (a.models[role] !== b.models[role]) out.push(`models.${role}: ${a.models[role]} → ${b.models[role]}`)
  const ma = modelVars(a)
  const mb = modelVars(b)
  for (const n of new Set([...Object.keys(ma), ...Object.keys(mb)]))
    if (ma[n] !== mb[n]) out.push(`env.${n}: ${ma[n] ?? '(unset)'} → ${mb[n] ?? '(unset)'}`)
  if (JSON.stringify(sortedRetired(a)) !== JSON.stringify(sortedRetired(b))) out.push('retired changed')
  return out
}

const sortedRetired = (t: Template) => Object.entries(t.retired ?? {}).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))

/** The smallest bump that may carry the change from `a` to `b`, and why. */
export function requiredLevel(a: Template, b: Template): { level: Level; reasons: string[] } {
  const contract = contractChanges(a, b)
  if (contract.length) return { level: 'major', reasons: contract }
  const mapping = mappingChanges(a, b)
  if (mapping.length) return { level: 'minor', reasons: mapping }
  return { level: 'patch', reasons: [] }
}

export const atLeast = (have: Level, need: Level): boolean => RANK[have] >= RANK[need]

/**
 * The versions a caret range of `v` follows: same major (`^1.4.0` → 1.x), or for 0.x the same minor
 * (`^0.3.1` → 0.3.x); a 0.0.z version is alone. Versions of one group share one contract.
 */
export function caretGroup(v: string): string | undefined {
  const p = parse(v)
  if (!p) return undefined
  if (p.major > 0) return `${p.major}`
  if (p.minor > 0) return `0.${p.minor}`
  return `0.0.${p.patch}`
}

/** The bump from `a` to `b` within one caret group: a minor in 1.x, always a patch in 0.y. */
export function bumpBetween(a: string, b: string): Level {
  const x = parse(a)!
  const y = parse(b)!
  if (x.major !== y.major || (x.major === 0 && x.minor !== y.minor)) return 'major'
  return x.major > 0 && x.minor !== y.minor ? 'minor' : 'patch'
}

export interface SemverProblem {
  code: 'E_SEMVER'
  message: string
  /** The version this document must be published as (the smallest that carries its changes). */
  suggested: string
}

/**
 * The two published versions `version` is checked against: the highest earlier and the lowest later
 * release of its caret group (prereleases are previews and bind nothing).
 */
export function neighbours(version: string, published: string[]): { earlier?: string; later?: string } {
  const group = caretGroup(version)
  if (!group || group.startsWith('0.0.')) return {}
  const same = published
    .filter((v) => v !== version && caretGroup(v) === group && !isPrerelease(v))
    .sort(compareVersions)
  const earlier = same.filter((v) => compareVersions(v, version) < 0).at(-1)
  const later = same.find((v) => compareVersions(v, version) > 0)
  return { ...(earlier ? { earlier } : {}), ...(later ? { later } : {}) }
}

/**
 * What is wrong with publishing `next` next to its neighbours (see `neighbours`): the earlier one
 * may differ only by what the bump allows, the later one must keep its contract. `taken` lists every
 * published version, so the suggested one is free.
 */
export function semverProblem(
  next: Template,
  near: { earlier?: Template; later?: Template },
  taken: string[],
): SemverProblem | undefined {
  const { earlier, later } = near
  if (earlier) {
    const need = requiredLevel(earlier, next)
    // In 0.y every change inside the group is a patch, so only a contract change is refused there.
    const have = next.version.startsWith('0.') ? 'minor' : bumpBetween(earlier.version, next.version)
    if (!atLeast(have, need.level)) {
      const suggested = suggest(need.level, earlier.version, taken)
      const what = need.level === 'major' ? 'changes the contract' : 'changes the model mapping'
      return {
        code: 'E_SEMVER',
        message: `${next.id}@${next.version} ${what} of ${earlier.version} (${need.reasons.join('; ')}): that needs a ${need.level} version; publish it as ${suggested}`,
        suggested,
      }
    }
  }
  const changes = later ? contractChanges(next, later) : []
  if (later && changes.length) {
    const suggested = suggest('major', later.version, taken)
    return {
      code: 'E_SEMVER',
      message: `${next.id}@${next.version} has another contract than ${later.version}, published after it in the same major (${changes.join('; ')}); publish it as ${suggested}`,
      suggested,
    }
  }
  return undefined
}

/** The next free version at `level` above `from`: past every version already taken in that slot. */
export function suggest(level: Level, from: string, taken: string[]): string {
  const p = parse(from)!
  const all = taken.map(parse).filter((v): v is Parsed => Boolean(v))
  const top = (xs: number[], floor: number) => Math.max(floor, ...xs)
  if (level === 'major' && p.major === 0)
    return `0.${
      top(
        all.filter((v) => v.major === 0).map((v) => v.minor),
        p.minor,
      ) + 1
    }.0`
  if (level === 'major')
    return `${
      top(
        all.map((v) => v.major),
        p.major,
      ) + 1
    }.0.0`
  if (level === 'minor')
    return `${p.major}.${
      top(
        all.filter((v) => v.major === p.major).map((v) => v.minor),
        p.minor,
      ) + 1
    }.0`
  return `${p.major}.${p.minor}.${
    top(
      all.filter((v) => v.major === p.major && v.minor === p.minor).map((v) => v.patch),
      p.patch,
    ) + 1
  }`
}
