import { CliError } from '../../shared/errors.js'
import type { TemplateEntry } from '../../shared/types.js'
import { requireSourceEntry } from '../registry/pick.js'
import { compareVersions, parseVersion } from '../../shared/versions.js'
import { fetchDoc, type SyncContext } from './context.js'

/** One version between the current and the wanted one, as `sync`/`outdated --long` show it. */
export interface ChangelogVersion {
  version: string
  /** Publication date (YYYY-MM-DD) from the index. */
  date?: string
  /** The version's changelog, one entry per line (blank lines dropped); raw text, escaped when printed. */
  lines: string[]
  deprecated?: string
  /** Why the changelog could not be read (offline and not cached, the registry failed); never fatal. */
  unavailable?: string
}

export interface Changelog {
  from: string
  to: string
  /** Newest first, as release notes and CHANGELOG.md files are read. */
  versions: ChangelogVersion[]
  /** Older versions in the span that are not listed (beyond MAX_VERSIONS). */
  omitted: number
  /** The deprecation of the version the instance is on now, when there is one. */
  currentDeprecated?: string
}

/** A long jump is summed up by its newest versions; the rest is one line. */
export const MAX_VERSIONS = 10
export const MAX_LINES = 20

/**
 * The changelog of every version after `from` up to and including `to`, newest first. Pre-releases
 * in between are left out (unless `to` is one): they were never what a range resolved to. Undefined
 * when nothing moves up. Version documents are immutable and cached, so this costs one request per
 * version the first time and none after.
 */
export async function changelogBetween(
  ctx: SyncContext,
  registry: string,
  template: string,
  from: string,
  to: string,
): Promise<Changelog | undefined> {
  if (from === to || compareVersions(to, from) <= 0) return undefined
  // The per-id document when the registry serves one (the plan has read it already), else the index.
  let entry: TemplateEntry
  try {
    entry = await requireSourceEntry(ctx.registries.get(registry), template)
  } catch (err) {
    if (err instanceof CliError) return undefined // the plan already reported it; a changelog never fails a command
    throw err
  }
  const span = Object.keys(entry.versions)
    .filter((v) => parseVersion(v) && compareVersions(v, from) > 0 && compareVersions(v, to) <= 0)
    .filter((v) => v === to || !parseVersion(v)!.pre.length)
    .sort((a, b) => compareVersions(b, a))
  const shown = span.slice(0, MAX_VERSIONS)
  const versions = await Promise.all(
    shown.map(async (version): Promise<ChangelogVersion> => {
      const meta = entry.versions[version]!
      const base = {
        version,
        ...(/^\d{4}-\d\d-\d\d/.test(meta.publishedAt ?? '') ? { date: meta.publishedAt.slice(0, 10) } : {}),
        ...(meta.deprecated ? { deprecated: meta.deprecated } : {}),
      }
      try {
        const doc = (await fetchDoc(ctx, registry, template, version, meta.integrity)).template
        const lines = (typeof doc.changelog === 'string' ? doc.changelog : '')
          .split('\n')
          .map((l) => l.trimEnd())
          .filter(Boolean)
        return {
          ...base,
          lines:
            lines.length > MAX_LINES
              ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines`]
              : lines,
        }
      } catch (err) {
        if (!(err instanceof CliError)) throw err
        return { ...base, lines: [], unavailable: err.message.split('\n')[0]!.slice(0, 200) }
      }
    }),
  )
  const current = entry.versions[from]?.deprecated
  return { from, to, versions, omitted: span.length - shown.length, ...(current ? { currentDeprecated: current } : {}) }
}
