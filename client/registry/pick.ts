import { CliError } from '../../shared/errors.js'
import type { TemplateEntry } from '../../shared/types.js'
import { findEntry } from './entry.js'
import type { RegistrySource } from './types.js'
import { sortVersions } from '../../shared/versions.js'
import { simpleRange } from './range.js'

export interface Picked {
  version: string
  deprecated?: string
}

const TAG_RE = /^[a-z][a-z0-9._-]*$/i

/** node-semver, loaded only for ranges the fast matcher does not cover. */
async function semverMatcher(range: string): Promise<((v: string) => boolean) | undefined> {
  const [{ default: satisfies }, { default: validRange }] = await Promise.all([
    import('semver/functions/satisfies.js'),
    import('semver/ranges/valid.js'),
  ])
  if (validRange(range) === null) return undefined
  return (v) => satisfies(v, range)
}

async function matcher(range: string): Promise<((v: string) => boolean) | undefined> {
  return simpleRange(range) ?? (await semverMatcher(range))
}

export async function assertRange(range: string): Promise<void> {
  if (simpleRange(range) || TAG_RE.test(range) || (await semverMatcher(range))) return
  throw new CliError(
    'E_RANGE',
    `"${range}" is not a valid version range`,
    2,
    'use e.g. ^2.1.0, ~2.1, 2.1.0 or a dist-tag such as latest',
  )
}

/**
 * Like npm-pick-manifest: a dist-tag names its version; otherwise `dist-tags.latest` when it
 * satisfies the range, else the highest non-deprecated version that does, else (only when every
 * match is deprecated) the highest deprecated one.
 */
export async function pickVersion(entry: TemplateEntry, range: string): Promise<Picked | undefined> {
  const versions = entry.versions
  // Own keys only: a range `constructor` or `toString` is an unknown tag, not Object.prototype's.
  const tagged = Object.hasOwn(entry['dist-tags'], range) ? entry['dist-tags'][range] : undefined
  if (tagged !== undefined && !simpleRange(range))
    return Object.hasOwn(versions, tagged) ? mk(entry, tagged) : undefined
  const satisfies = await matcher(range)
  if (!satisfies) return undefined
  const latest = entry['dist-tags'].latest
  if (latest && Object.hasOwn(versions, latest) && !versions[latest]!.deprecated && satisfies(latest))
    return mk(entry, latest)
  const matching = sortVersions(Object.keys(versions), 'newest-first').filter(satisfies)
  const best = matching.find((v) => !versions[v]!.deprecated) ?? matching[0]
  return best === undefined ? undefined : mk(entry, best)
}

/**
 * Whether `range` still names `version`: a dist-tag only its tagged version, a semver range every
 * version it satisfies. (A re-pin that no longer matches the current version is a deliberate move.)
 */
export async function rangeMatches(entry: TemplateEntry, range: string, version: string): Promise<boolean> {
  if (!simpleRange(range) && Object.hasOwn(entry['dist-tags'], range)) return entry['dist-tags'][range] === version
  const satisfies = await matcher(range)
  return satisfies ? satisfies(version) : false
}

const mk = (entry: TemplateEntry, version: string): Picked => {
  const deprecated = Object.hasOwn(entry.versions, version) ? entry.versions[version]!.deprecated : undefined
  return deprecated ? { version, deprecated } : { version }
}

/**
 * The version `range` picks, or an error listing what exists. `hint` says what to do where the
 * range came from: the lock (`pin` another), or the command line (give another).
 */
export async function pickOrThrow(
  entry: TemplateEntry,
  range: string,
  hint = `pick one with \`claude-multi pin <name> <range>\``,
): Promise<Picked> {
  const picked = await pickVersion(entry, range)
  if (picked) return picked
  const all = sortVersions(Object.keys(entry.versions), 'oldest-first')
  // A word such as "stable" or a typo of "latest" is a dist-tag that does not exist, not a range.
  const tags = Object.keys(entry['dist-tags'] ?? {})
  const what =
    /^[a-z][a-z0-9._-]*$/i.test(range) && !/^v\d/.test(range)
      ? `${entry.id} has no dist-tag "${range}" (dist-tags: ${tags.join(', ') || 'none'}; versions: ${all.join(', ') || 'none'})`
      : `no version of ${entry.id} satisfies ${range} (available: ${all.join(', ') || 'none'})`
  throw new CliError('E_NO_MATCH', what, 1, hint)
}

/**
 * The checked entry of `id` from a source, or undefined when it has none: its own per-id document
 * when the registry serves one (no full index, client/registry/http-entry.ts), else its index.
 */
export async function findSourceEntry(source: RegistrySource, id: string): Promise<TemplateEntry | undefined> {
  return source.entry ? await source.entry(id) : findEntry(await source.index(), id, source.name)
}

/** The same, or E_NOT_FOUND. */
export async function requireSourceEntry(source: RegistrySource, id: string): Promise<TemplateEntry> {
  return found(await findSourceEntry(source, id), id, source.name)
}

function found(entry: TemplateEntry | undefined, id: string, registry: string): TemplateEntry {
  if (!entry)
    throw new CliError(
      'E_NOT_FOUND',
      `template "${id}" not found in registry ${registry}`,
      1,
      'run `claude-multi templates` to see what exists',
    )
  return entry
}
