import { CliError } from '../../shared/errors.js'
import { parseSpec } from '../../shared/ids.js'
import { PLACEHOLDER_RE } from '../../shared/placeholders.js'
import { resolveEnv } from '../../shared/resolve.js'
import { BASE_URL_ENV, ROLES, ROLE_ENV } from '../../shared/roles.js'
import type { Template, TemplateEntry } from '../../shared/types.js'
import { allEntries } from '../registry/entry.js'
import { findSourceEntry, requireSourceEntry } from '../registry/pick.js'
import { sortVersions } from '../../shared/versions.js'
import { requireInstance } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { saveLock, type LockEntry } from '../state/lock.js'
import { loadOverrides, saveOverrides, type Overrides } from '../state/overrides.js'
import { settingsFile } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'
import { fetchDoc, type SyncContext } from './context.js'
import { digestOf } from '../../shared/digest.js'

export interface AdoptResult {
  name: string
  template: string
  version: string
  registry: string
  /** Variables whose value matched the chosen version, out of those it sets. */
  matched: number
  of: number
  overrides: Overrides
  inputs: Record<string, string>
}

const stripSlash = (url: string) => url.replace(/\/$/, '')

/** Reads `{{input}}` values back out of a concrete value: `token-plan-{{region}}…` vs the URL. */
function extractInputs(pattern: string, value: string | undefined, into: Record<string, string>): boolean {
  if (value === undefined) return false
  const names: string[] = []
  const source = pattern.split(PLACEHOLDER_RE).map((part, i) => {
    if (i % 2 === 1) {
      names.push(part)
      return '(.+?)'
    }
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  })
  const m = new RegExp(`^${source.join('')}$`).exec(value)
  if (!m) return false
  for (const [i, n] of names.entries()) into[n] ??= m[i + 1]!
  return true
}

function templateValues(t: Template): [string, string][] {
  return [
    [BASE_URL_ENV, stripSlash(t.baseUrl)],
    ...ROLES.map((r): [string, string] => [ROLE_ENV[r], t.models[r]]),
    ...Object.entries(t.env),
  ]
}

/** The env a version gives this instance, with inputs read back from the instance's own values. */
export function envFor(
  t: Template,
  local: Record<string, string>,
): { env: Record<string, string>; inputs: Record<string, string> } | undefined {
  const inputs: Record<string, string> = {}
  for (const [k, pattern] of templateValues(t))
    if (pattern.includes('{{'))
      extractInputs(pattern, k === BASE_URL_ENV ? stripSlash(local[k] ?? '') : local[k], inputs)
  try {
    return { env: resolveEnv(t, inputs), inputs }
  } catch {
    return undefined
  }
}

export interface AdoptOptions {
  /** `--template id[@version]` when the base URL is not enough. */
  template?: string
  registry?: string
}

/**
 * The template whose latest version uses `baseUrl`. The template the instance was made from is
 * tried first, from its own signed document; only when it does not match is the whole index read,
 * since finding a template by its base URL is a search of the catalogue (as `templates` is).
 */
async function matchBaseUrl(
  ctx: SyncContext,
  registry: string,
  baseUrl: string,
  hint: string | undefined,
): Promise<TemplateEntry | undefined> {
  const uses = async (e: TemplateEntry): Promise<boolean> => {
    const latest = e['dist-tags'].latest
    if (!latest) return false
    const t = (await fetchDoc(ctx, registry, e.id, latest, e.versions[latest]?.integrity)).template
    return extractInputs(stripSlash(t.baseUrl), stripSlash(baseUrl), {})
  }
  const source = ctx.registries.get(registry)
  const hinted = hint ? await findSourceEntry(source, hint) : undefined
  if (hinted && (await uses(hinted))) return hinted
  for (const e of allEntries(await source.index()).entries) if (e.id !== hint && (await uses(e))) return e
  return undefined
}

/**
 * Takes over an instance made by an older claude-multi: its variables sit in
 * `<configDir>/settings.json` `env`. Matches the base URL to a template, picks the version whose
 * mapping matches best, records each differing value as an override, and leaves the file as is
 * (sync rewrites only the `env` keys it manages from then on).
 */
export async function adoptInstance(
  ctx: SyncContext,
  tx: Transaction,
  name: string,
  opts: AdoptOptions = {},
): Promise<AdoptResult> {
  const inst = requireInstance(ctx.config, name)
  if (ctx.lock.instances[name])
    throw new CliError(
      'E_EXISTS',
      `${name} is already managed (${ctx.lock.instances[name]!.template}@${ctx.lock.instances[name]!.version})`,
    )
  const path = settingsFile(inst.configDir)
  const text = readText(path)
  if (text === undefined)
    throw new CliError(
      'E_MISSING',
      `${name}: ${path} does not exist; nothing to adopt`,
      1,
      `create the instance anew with \`claude-multi add\``,
    )
  let settings: { env?: Record<string, unknown> }
  try {
    settings = JSON.parse(text) as typeof settings
  } catch (err) {
    throw new CliError(
      'E_CORRUPT',
      `${name}: ${path} is not valid JSON (${(err as Error).message}); it was left untouched`,
    )
  }
  const local: Record<string, string> = {}
  for (const [k, v] of Object.entries(settings?.env ?? {})) if (typeof v === 'string') local[k] = v
  const baseUrl = local[BASE_URL_ENV]
  if (!baseUrl && !opts.template)
    throw new CliError('E_NO_MATCH', `${name}: ${path} sets no ${BASE_URL_ENV}; pass --template <id>`)

  const forced = opts.template ? parseSpec(opts.template) : undefined
  const registry = ctx.registries.nameFor(forced?.id ?? inst.providerTemplate ?? 'x', opts.registry)
  const source = ctx.registries.get(registry)
  const entry = forced
    ? await requireSourceEntry(source, forced.id)
    : await matchBaseUrl(ctx, registry, baseUrl!, inst.providerTemplate)
  if (!entry)
    throw new CliError(
      'E_NO_MATCH',
      `${name}: no template in registry ${registry} uses ${baseUrl}`,
      1,
      'pass --template <id> to choose one',
    )

  let best:
    | { version: string; t: Template; env: Record<string, string>; inputs: Record<string, string>; score: number }
    | undefined
  for (const v of sortVersions(Object.keys(entry.versions), 'newest-first')) {
    if (forced?.range && v !== forced.range) continue
    const t = (await fetchDoc(ctx, registry, entry.id, v, entry.versions[v]!.integrity)).template
    const r = envFor(t, local)
    if (!r) continue
    const score = Object.entries(r.env).filter(([k, val]) =>
      k === BASE_URL_ENV ? stripSlash(local[k] ?? '') === stripSlash(val) : local[k] === val,
    ).length
    // Newest first, so a tie goes to the newer version.
    if (!best || score > best.score) best = { version: v, t, ...r, score }
  }
  if (!best)
    throw new CliError(
      'E_NO_MATCH',
      `${name}: no version of ${entry.id} can be rendered for this instance`,
      1,
      'pass --template <id>@<version>',
    )

  const overrides = loadOverrides(inst.configDir)
  for (const [k, v] of Object.entries(best.env))
    if (local[k] !== undefined && local[k] !== v && !(k === BASE_URL_ENV && stripSlash(local[k]!) === stripSlash(v)))
      overrides[k] ??= local[k]!
  if (Object.keys(overrides).length) saveOverrides(tx, inst.configDir, overrides)
  const lockEntry: LockEntry = {
    template: entry.id,
    registry,
    range: `^${best.version}`,
    version: best.version,
    integrity: entry.versions[best.version]!.integrity,
    keyId: null,
    inputs: best.inputs,
    target: { kind: 'settings', path },
    key: null,
    written: digestOf(text),
  }
  ctx.lock.instances[name] = lockEntry
  saveLock(tx, ctx.paths, ctx.lock)
  return {
    name,
    template: entry.id,
    version: best.version,
    registry,
    matched: best.score,
    of: Object.keys(best.env).length,
    overrides,
    inputs: best.inputs,
  }
}
