/**
 * Pure view data for the HTML pages: catalogue rows, sorted version lists and the per-variable
 * comparison of two versions. No IO and no markup here, so it is tested without a server.
 */
import { sortVersions } from '../../shared/versions.js'
import { limitsOf, type ModelLimits } from '../../shared/limits.js'
import { PLACEHOLDER_RE, placeholders } from '../../shared/placeholders.js'
import { missingInputs, resolveEnv } from '../../shared/resolve.js'
import { BASE_URL_ENV, ROLES, ROLE_ENV, roleOf } from '../../shared/roles.js'
import type { Role } from '../../shared/roles.js'
import type { RegistryIndex, Template, TemplateEntry } from '../../shared/types.js'

/**
 * Versions a template page reads and shows in full (changelog, timeline column), newest first;
 * older ones are only in the compare lists. Bounds a page whatever a publisher does.
 */
export const DETAILED_VERSIONS = 50

export interface CatalogueRow {
  id: string
  name: string
  description: string
  latest?: string
  host?: string
  deprecated?: string
  /** Lower-case haystack the search box matches against (server side and in the page). */
  search: string
}

/** Host of a URL for display; anything unparsable shows as nothing rather than as raw input. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).host || undefined
  } catch {
    return undefined
  }
}

/** Only http(s) URLs become links: a template's `homepage: "javascript:..."` must stay text. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined
  } catch {
    return undefined
  }
}

export function latestOf(entry: TemplateEntry): string | undefined {
  return entry['dist-tags'].latest ?? sortVersions(Object.keys(entry.versions), 'newest-first')[0]
}

export function catalogueRow(
  entry: TemplateEntry,
  latest: Pick<Template, 'baseUrl' | 'deprecated'> | null,
): CatalogueRow {
  const version = latestOf(entry)
  const deprecated =
    (version && Object.hasOwn(entry.versions, version) && entry.versions[version]!.deprecated) ||
    latest?.deprecated ||
    undefined
  const host = hostOf(latest?.baseUrl)
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    latest: version,
    host,
    deprecated,
    search: [entry.id, entry.name, entry.description, host ?? ''].join(' ').toLowerCase(),
  }
}

/** Every whitespace-separated term must occur (the inline script applies the same rule). */
export function matchesQuery(row: CatalogueRow, q: string): boolean {
  const terms = q.toLowerCase().trim().split(/\s+/).filter(Boolean)
  return terms.every((t) => row.search.includes(t))
}

export function listIds(index: RegistryIndex): string[] {
  return Object.keys(index.templates).sort()
}

/**
 * The variables a wrapper would export for this version, as `resolveEnv` orders them. An input
 * the user picks at setup (no default) stays visible as its `{{name}}` placeholder instead of
 * failing the page; so does a stored document `resolveEnv` refuses (it is shown, never run).
 */
export function envOf(t: Template): Record<string, string> {
  try {
    if (!missingInputs(t, {}).length) return resolveEnv(t, {})
  } catch {}
  const defaults: Record<string, string> = {}
  for (const input of t.inputs ?? []) if (input.default !== undefined) defaults[input.name] = input.default
  const keep = (value: string) => value.replace(PLACEHOLDER_RE, (whole, name: string) => defaults[name] ?? whole)
  const env: Record<string, string> = { [BASE_URL_ENV]: keep(t.baseUrl) }
  for (const role of ROLES) env[ROLE_ENV[role]] = keep(t.models[role] ?? '')
  for (const [name, value] of Object.entries(t.env ?? {})) env[name] = keep(value)
  return env
}

export interface EnvChange {
  key: string
  role?: Role
  before?: string
  after?: string
  changed: boolean
}

/** Per variable, in the newer version's order, then variables only the older one had. */
export function compareEnv(before: Record<string, string>, after: Record<string, string>): EnvChange[] {
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))]
  return keys.map((key) => ({
    key,
    role: roleOf(key),
    before: before[key],
    after: after[key],
    changed: before[key] !== after[key],
  }))
}

/** `2026-03-27T00:00:00.000Z` → `2026-03-27`; anything else is shown as given. */
export function dateOf(iso: string | undefined): string {
  if (!iso) return ''
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso
}

/** Instance name suggested in the `claude-multi add` command: the id without its scope. */
export function suggestedName(id: string): string {
  return id.includes('/') ? id.slice(id.indexOf('/') + 1) : id
}

/** A role's model limits for the role table: declared, chosen at setup (read then), or unknown. */
export function roleLimits(t: Template, role: Role): ModelLimits | 'setup' | undefined {
  const model = t.models[role] ?? ''
  if (placeholders(model).length) return 'setup'
  return limitsOf(t.limits, model)
}

/** `1000000` → `1,000,000`: windows are shown whole, as the template declares them. */
export const tokensText = (n: number): string => n.toLocaleString('en-US')
