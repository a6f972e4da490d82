/**
 * `doctor --models`: does the provider still serve every model an instance maps? Asks the model
 * list first (free); `--probe` then asks with one `max_tokens: 1` message per model the list could
 * not confirm. Never throws for provider trouble: each problem becomes the instance's `error`.
 */
import { BASE_URL_ENV } from '../../shared/roles.js'
import { DEFAULT_TIMEOUT_MS, ProviderCallError } from './http.js'
import { listModelEntries, type ListedModel } from './list.js'
import { modelAsSent } from '../../shared/limits.js'
import { mappedModels } from './names.js'
import { probeModel } from './probe.js'
import { findRetired, overrideSuggestion } from './retired.js'
import type { CheckOptions, InstanceModelReport, ModelCheckTarget, ModelRow, ModelsReport } from './types.js'
import { checkWindows } from './windows.js'

/** Where Claude Code goes when no base URL is set. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com'

const PROBE_HINT = 'run with --probe to ask the provider with one max_tokens:1 message per model (costs a token each)'

/**
 * Several instances often share a provider and key (work + personal on one plan): one list
 * request and one probe per model serve them all, so `--probe` never pays twice for a model.
 */
export interface CallCache {
  lists: Map<string, Promise<ListedModel[] | null>>
  probes: Map<string, Promise<Awaited<ReturnType<typeof probeModel>>>>
}

export const newCallCache = (): CallCache => ({ lists: new Map(), probes: new Map() })

function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let hit = map.get(key)
  if (!hit) map.set(key, (hit = make()))
  return hit
}

export async function checkInstance(
  target: ModelCheckTarget,
  opts: CheckOptions = {},
  cache: CallCache = newCallCache(),
): Promise<InstanceModelReport> {
  const baseUrl = target.env[BASE_URL_ENV] || ANTHROPIC_DEFAULT_BASE_URL
  const rows: ModelRow[] = mappedModels(target.env).map((m) => ({ ...m, status: 'unknown' }))
  const report: InstanceModelReport = {
    name: target.name,
    source: target.source,
    baseUrl,
    listed: null,
    rows,
    ok: false,
  }
  if (target.notes?.length) report.notes = target.notes
  const call = { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, fetch: opts.fetch }

  if (target.problem) {
    report.error = { kind: 'state', message: target.problem }
    return report
  }
  if (!rows.length) {
    report.ok = true
    return report
  }
  if (target.key === null) {
    report.error = { kind: 'no-key', message: `cannot read the key: ${target.keyProblem ?? 'no key configured'}` }
    return report
  }

  try {
    const key = target.key
    const who = `${baseUrl}\0${target.authVar}\0${key}`
    const served = await cached(cache.lists, who, () => listModelEntries(baseUrl, target.authVar, key, call))
    if (served) {
      const byId = new Map(served.map((m) => [m.id, m]))
      report.listed = served.length
      for (const row of rows) {
        const listed = byId.get(modelAsSent(row.model))
        row.status = listed ? 'served' : 'not-served'
        row.via = 'list'
        if (listed?.context) row.window = listed.context
      }
    }

    if (opts.probe) {
      for (const row of rows) {
        if (row.status === 'served') continue
        const model = modelAsSent(row.model)
        const verdict = await cached(cache.probes, `${who}\0${model}`, () =>
          probeModel(baseUrl, target.authVar, key, model, call),
        )
        row.status = verdict.status
        row.via = 'probe'
        row.note = verdict.note
      }
    }
  } catch (err) {
    if (!(err instanceof ProviderCallError)) throw err
    report.error = { kind: err.kind, message: err.message }
    if (err.kind === 'auth') report.hint = `check the key of "${target.name}" (the ${target.authVar} the wrapper sets)`
    return report
  }

  // The template may already know the replacement: say so next to the model it retired.
  const retired = findRetired(
    Object.fromEntries(rows.filter((r) => r.status !== 'served').map((r) => [r.variable, r.model])),
    target.retired ?? {},
  )
  for (const use of retired) {
    const row = rows.find((r) => r.variable === use.key)!
    row.note = `${row.note ? `${row.note}; ` : ''}the template lists it as retired${use.replacement ? ` → ${use.replacement}` : ''}`
  }
  const unknown = rows.some((r) => r.status === 'unknown')
  const stale = rows.filter((r) => r.status === 'not-served')
  if (unknown && !opts.probe) report.hint = PROBE_HINT
  else if (stale.length) {
    const first = stale[0]!
    const known = retired.find((u) => u.key === first.variable && u.replacement)
    const fix = known && overrideSuggestion(target.name, known)
    report.hint = fix
      ? `run "claude-multi sync ${target.name}" if the template's newer version maps it, or switch: ${fix}`
      : `run "claude-multi sync ${target.name}" for the template's current models, or ` +
        `"claude-multi override ${target.name} ${first.role}=<model>" with a model the provider serves` +
        (opts.probe || report.listed === null ? '' : ' (--probe confirms with the provider)')
  }
  report.ok = rows.every((r) => r.status === 'served')
  checkWindows(report, target.env)
  return report
}

/** Checks instances concurrently; results keep the order they were given in. */
export async function checkModels(targets: ModelCheckTarget[], opts: CheckOptions = {}): Promise<ModelsReport> {
  const cache = newCallCache()
  const instances = await Promise.all(targets.map((t) => checkInstance(t, opts, cache)))
  return { ok: instances.every((i) => i.ok), instances }
}

/** 0 when every mapped model of every instance is confirmed served, 1 otherwise. */
export const exitCodeOf = (report: ModelsReport): number => (report.ok ? 0 : 1)
