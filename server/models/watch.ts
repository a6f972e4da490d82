/**
 * `watch`: for each template, ask its provider which models it lists, compare with the latest
 * version, and write a draft of the next version for a maintainer to review (optionally publish it).
 * Reports through return values; the command prints.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { fetchText, HttpFailure } from '../../shared/net/http.js'
import { placeholders, substitute } from '../../shared/placeholders.js'
import { validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import type { Store } from '../stores/types.js'
import { describeDiff, diffModels, draftNextVersion, hasChanges, mappedModels, type WatchDiff } from './draft.js'
import { listProviderModels } from './provider-models.js'
import { documentText, loadHistory } from './store-io.js'

export interface WatchOptions {
  /** Per id (`glm`) or for all (`*`): the variable holding the provider key. */
  keyEnv: Map<string, string>
  /** Per id: a base URL to ask instead of the template's (tests, proxies, region endpoints). */
  providerUrl: Map<string, string>
  draftsDir: string
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
  fetch?: typeof globalThis.fetch
  publish?: { registry: string; token: string }
  now?: Date
  /** Templates were named explicitly: a missing key is a failure, not a skip. */
  strict?: boolean
}

export interface WatchResult {
  id: string
  status: 'changed' | 'unchanged' | 'skipped' | 'failed'
  /** One line: what changed, or why nothing was checked. */
  line: string
  diff?: WatchDiff
  draft?: { version: string; path: string }
  published?: string
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, path)
}

async function readSeen(path: string): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'))
    return Array.isArray(parsed) ? parsed.filter((m): m is string => typeof m === 'string') : []
  } catch {
    return []
  }
}

/** The URL to ask: an explicit one, else the template's with input defaults filled in. */
function providerBase(t: Template, override: string | undefined): string {
  if (override) return override
  const defaults = Object.fromEntries(t.inputs.filter((i) => i.default !== undefined).map((i) => [i.name, i.default!]))
  const missing = placeholders(t.baseUrl).filter((p) => !(p in defaults))
  if (missing.length)
    throw new CliError('E_SKIP', `its baseUrl needs {{${missing.join('}}, {{')}}}; pass --provider-url ${t.id}=URL`)
  return substitute(t.baseUrl, defaults)
}

/** A PUT through ofetch (shared/net/http.ts): never retried, no redirect off the registry's origin. */
async function publishDraft(
  doc: Template,
  text: string,
  target: NonNullable<WatchOptions['publish']>,
  f: typeof globalThis.fetch | undefined,
  timeoutMs: number,
): Promise<string> {
  const url = `${target.registry.replace(/\/+$/, '')}/v1/templates/${doc.id}/${doc.version}`
  let res
  try {
    res = await fetchText(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: text,
      timeoutMs,
      maxBytes: 1024 * 1024,
      ...(f ? { fetch: f } : {}),
    })
  } catch (err) {
    if (err instanceof HttpFailure) throw new CliError('E_PUBLISH', err.message)
    throw err
  }
  if (res.status === 201) return url
  let message: unknown
  try {
    message = (JSON.parse(res.text) as { error?: { message?: unknown } } | null)?.error?.message
  } catch {}
  throw new CliError(
    'E_PUBLISH',
    `publishing ${doc.id}@${doc.version} failed: HTTP ${res.status}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''}`,
  )
}

export async function watchOne(store: Store, id: string, opts: WatchOptions): Promise<WatchResult> {
  const env = opts.env ?? process.env
  try {
    const { latest, versions } = await loadHistory(store, id)
    if (!mappedModels(latest).length)
      return { id, status: 'skipped', line: `${id}: skipped, its models are chosen at setup` }
    // A template named on the command line must be checked; in a run over all, no key means skip.
    const noKey = opts.strict ? 'failed' : 'skipped'
    const keyVar = opts.keyEnv.get(id) ?? opts.keyEnv.get('*')
    if (!keyVar)
      return { id, status: noKey, line: `${id}: ${noKey}, no key: pass --key-env VAR (or --key-env ${id}=VAR)` }
    const key = env[keyVar]
    if (!key) return { id, status: noKey, line: `${id}: ${noKey}, $${keyVar} is not set` }
    const base = providerBase(latest, opts.providerUrl.get(id))

    const listed = await listProviderModels(base, latest.auth, key, { timeoutMs: opts.timeoutMs, fetch: opts.fetch })
    const seenPath = join(opts.draftsDir, id, 'seen.json')
    const diff = diffModels(latest, versions, listed, await readSeen(seenPath))
    const result: WatchResult = {
      id,
      status: hasChanges(diff) ? 'changed' : 'unchanged',
      line: describeDiff(diff),
      diff,
    }
    if (hasChanges(diff)) {
      const draft = draftNextVersion(latest, diff, {
        date: (opts.now ?? new Date()).toISOString().slice(0, 10),
        source: `${new URL(base).host}/v1/models`,
        taken: versions.map((v) => v.version),
      })
      const checked = validateTemplate(draft)
      if (!checked.ok) {
        const issues = checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        return {
          ...result,
          status: 'failed',
          line: `${result.line}\n  the draft is not valid (${issues}); nothing written`,
        }
      }
      const text = documentText(draft)
      const path = join(opts.draftsDir, id, `${draft.version}.json`)
      await writeFileAtomic(path, text)
      result.draft = { version: draft.version, path }
      if (opts.publish)
        result.published = await publishDraft(
          draft,
          text,
          opts.publish,
          opts.fetch,
          Math.max(opts.timeoutMs ?? 10_000, 30_000),
        )
    }
    // Remember what was listed so the next run reports only what is new since this one.
    await writeFileAtomic(seenPath, `${JSON.stringify([...listed].sort(), null, 2)}\n`)
    return result
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    if (err.code === 'E_SKIP') return { id, status: 'skipped', line: `${id}: skipped, ${err.message}` }
    return { id, status: 'failed', line: `${id}: ${err.message}` }
  }
}

/** Providers are asked one after another: they are few, and their rate limits are not ours. */
export async function watchTemplates(store: Store, ids: string[], opts: WatchOptions): Promise<WatchResult[]> {
  const results: WatchResult[] = []
  const strict = opts.strict ?? ids.length > 0
  for (const id of ids.length ? ids : await store.listIds())
    results.push(await watchOne(store, id, { ...opts, strict }))
  return results
}
