/**
 * `bump`: the `npm version` of templates. Pure: takes the latest document and the requested
 * changes, returns the next document and what changed (the caller validates and writes).
 */
import semverInc from 'semver/functions/inc.js'
import { atLeast, requiredLevel, suggest } from '../../shared/contract.js'
import { CliError, UsageError } from '../../shared/errors.js'
import { MAX_CONTEXT_TOKENS, MAX_OUTPUT_TOKENS, modelAsSent, SUBAGENT_MODEL_ENV } from '../../shared/limits.js'
import { placeholders } from '../../shared/placeholders.js'
import { BASE_URL_ENV, ENV_NAME_RE, ROLES, isRole, roleOf, type Role } from '../../shared/roles.js'
import type { Template } from '../../shared/types.js'

export type BumpLevel = 'major' | 'minor' | 'patch'

export interface BumpRequest {
  /** `sonnet=glm-6`, `ANTHROPIC_DEFAULT_SONNET_MODEL=glm-6`, `API_TIMEOUT_MS=600000`, `ANTHROPIC_BASE_URL=https://…`. */
  sets?: string[]
  /** Variables to drop from `env`. */
  unsets?: string[]
  /** `glm-5.1=glm-5.3` (or `glm-5.1=` for no replacement): adds to `retired`. */
  retire?: string[]
  /** `glm-5.3=1000000` or `glm-5.3=1000000:128000` (context:output), `glm-5.3=` to drop: `limits`. */
  limits?: string[]
  /** Asked for with --major/--minor/--patch; default: the smallest the changes allow. */
  level?: BumpLevel
  changelog?: string
  /** Versions already published, so the new one is free. */
  taken?: string[]
}

export interface FieldChange {
  field: string
  from?: string
  to?: string
}

export function nextVersion(version: string, level: BumpLevel): string {
  const next = semverInc(version, level)
  if (!next) throw new UsageError(`cannot bump "${version}"`, 'the latest version must be strict semver')
  return next
}

export function splitAssignment(raw: string, flag: string): [string, string] {
  const eq = raw.indexOf('=')
  if (eq <= 0) throw new UsageError(`${flag} "${raw}" is not NAME=value`, `write e.g. ${flag} sonnet=glm-5.3`)
  return [raw.slice(0, eq).trim(), raw.slice(eq + 1)]
}

/** What a `--set` key names: a role, the base URL, or an `env` variable. */
function targetOf(key: string): { role: Role } | { baseUrl: true } | { env: string } {
  if (isRole(key)) return { role: key }
  const role = roleOf(key)
  if (role) return { role }
  if (key === BASE_URL_ENV || key === 'baseUrl') return { baseUrl: true }
  if (ENV_NAME_RE.test(key)) return { env: key }
  throw new UsageError(
    `--set "${key}" is neither a role (${ROLES.join(', ')}) nor a variable name`,
    'variables are UPPER_CASE',
  )
}

/** The next document; `deprecated` is dropped (a new version starts clean), `retired` carries over. */
export function bumpTemplate(
  latest: Template,
  req: BumpRequest,
): { next: Template; changes: FieldChange[]; warnings: string[]; level: BumpLevel; reasons: string[] } {
  const next: Template = structuredClone(latest)
  delete next.deprecated
  const changes: FieldChange[] = []
  const record = (field: string, from: string | undefined, to: string | undefined) => {
    if (from !== to)
      changes.push({ field, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) })
  }

  for (const raw of req.sets ?? []) {
    const [key, value] = splitAssignment(raw, '--set')
    const target = targetOf(key)
    if ('role' in target) {
      record(`models.${target.role}`, next.models[target.role], value)
      next.models[target.role] = value
    } else if ('baseUrl' in target) {
      record('baseUrl', next.baseUrl, value)
      next.baseUrl = value
    } else {
      record(`env.${target.env}`, next.env[target.env], value)
      next.env[target.env] = value
    }
  }
  for (const name of req.unsets ?? []) {
    if (!(name in next.env))
      throw new UsageError(
        `--unset ${name}: the template sets no such variable`,
        `it sets: ${Object.keys(next.env).join(', ') || 'none'}`,
      )
    record(`env.${name}`, next.env[name], undefined)
    delete next.env[name]
  }
  for (const raw of req.retire ?? []) {
    const [model, replacement] = splitAssignment(raw.includes('=') ? raw : `${raw}=`, '--retire')
    next.retired = { ...next.retired, [model]: replacement || null }
    record(`retired.${model}`, latest.retired?.[model] ?? undefined, replacement || 'null')
  }
  // Mapping a retired model again (explicitly, in this bump) says the provider serves it again.
  const remapped = new Set(changes.filter((c) => c.field.startsWith('models.') && c.to).map((c) => modelAsSent(c.to!)))
  for (const model of Object.keys(next.retired ?? {})) {
    if (remapped.has(modelAsSent(model)) && !(req.retire ?? []).some((r) => r.startsWith(`${model}=`) || r === model)) {
      delete next.retired![model]
      record(`retired.${model}`, 'retired', undefined)
    }
  }
  if (next.retired && !Object.keys(next.retired).length) delete next.retired
  // Limits of models the new mapping dropped go first; an explicit --limit for a model it does not
  // map then reaches the schema, which names it. Limits alone are a patch (shared/contract).
  for (const model of pruneLimits(next)) record(`limits.${model}`, limitText(latest, model), undefined)
  for (const raw of req.limits ?? []) setLimit(next, raw, record)
  tidyLimits(next)

  // Like `elm bump`: the diff decides the bump; a flag may ask for more, never for less.
  const need = requiredLevel(latest, next)
  const level = req.level ?? need.level
  if (!atLeast(level, need.level)) {
    throw new CliError(
      'E_SEMVER',
      `--${level} is too small for these changes (${need.reasons.join('; ')}): they need a ${need.level} version`,
      2,
      `use --${need.level}, or leave the flag out and bump picks it`,
    )
  }
  // In 0.y a caret pin stays inside 0.y: only a contract change leaves it.
  const slot = latest.version.startsWith('0.') && level === 'minor' ? 'patch' : level
  next.version = suggest(slot, latest.version, [latest.version, ...(req.taken ?? [])])
  const summary = changes.map(describeChange).join('; ')
  const changelog = req.changelog?.trim() || summary
  if (!changelog)
    throw new UsageError(
      'nothing to bump: no --set, --unset or --retire, and no -m message',
      'say what changed, e.g. --set sonnet=glm-5.3 -m "glm-5.3 for Sonnet"',
    )
  next.changelog = changelog
  return {
    next,
    changes,
    warnings: [...retiredStillMapped(next), ...missingLimits(next)],
    level,
    reasons: need.reasons,
  }
}

/** The models a version sends requests to, as sent (no `[1m]`), except ones chosen at setup. */
export function sentModels(t: Template): string[] {
  const models = [...ROLES.map((r) => t.models[r]), t.env[SUBAGENT_MODEL_ENV]].filter(
    (m): m is string => !!m && !placeholders(m).length,
  )
  return [...new Set(models.map(modelAsSent))]
}

const limitText = (t: Template, model: string): string | undefined => {
  const l = t.limits && Object.hasOwn(t.limits, model) ? t.limits[model] : undefined
  return l && (l.output === undefined ? String(l.context) : `${l.context}:${l.output}`)
}

function setLimit(next: Template, raw: string, record: (field: string, from?: string, to?: string) => void): void {
  const [model, value] = splitAssignment(raw, '--limit')
  const before = limitText(next, modelAsSent(model))
  const name = modelAsSent(model)
  if (value === '') {
    if (next.limits) delete next.limits[name]
  } else {
    const m = /^(\d+)(?::(\d+))?$/.exec(value)
    const context = Number(m?.[1])
    const output = m?.[2] === undefined ? undefined : Number(m[2])
    if (
      !m ||
      context < 1 ||
      context > MAX_CONTEXT_TOKENS ||
      (output !== undefined && (output < 1 || output > Math.min(MAX_OUTPUT_TOKENS, context)))
    )
      throw new UsageError(
        `--limit "${raw}" is not MODEL=CONTEXT[:OUTPUT] in tokens`,
        'e.g. --limit glm-5.3=1000000:128000 (context 1..10,000,000, output at most the context)',
      )
    next.limits = { ...next.limits, [name]: output === undefined ? { context } : { context, output } }
  }
  record(`limits.${name}`, before, limitText(next, name))
}

/** Drops limits of models the version no longer maps (the schema refuses them); returns their names. */
export function pruneLimits(next: Template): string[] {
  if (!next.limits) return []
  const sent = new Set(sentModels(next))
  const gone = Object.keys(next.limits).filter((m) => !sent.has(m))
  for (const m of gone) delete next.limits[m]
  tidyLimits(next)
  return gone
}

/** Keys sorted, as the catalogue writes them; an emptied `limits` goes away. */
function tidyLimits(next: Template): void {
  if (!next.limits) return
  const sorted = Object.fromEntries(Object.entries(next.limits).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  if (Object.keys(sorted).length) next.limits = sorted
  else delete next.limits
}

/** Once a version declares limits, each model it sends should have them (the wrapper's window is their minimum). */
export function missingLimits(t: Template): string[] {
  if (!t.limits) return []
  return sentModels(t)
    .filter((m) => !Object.hasOwn(t.limits!, m))
    .map((m) => `${m} has no limits; add them with --limit ${m}=<context>[:<output>]`)
}

/** Roles that still map a model the version itself lists as retired: worth a warning. */
export function retiredStillMapped(t: Template): string[] {
  const retired = new Set(Object.keys(t.retired ?? {}).map(modelAsSent))
  return ROLES.filter((r) => retired.has(modelAsSent(t.models[r]))).map(
    (r) => `${r} maps ${t.models[r]}, which this version lists as retired`,
  )
}

export function describeChange(c: FieldChange): string {
  if (c.from === undefined) return `${c.field} = ${c.to}`
  if (c.to === undefined) return `${c.field} removed (was ${c.from})`
  return `${c.field}: ${c.from} → ${c.to}`
}
