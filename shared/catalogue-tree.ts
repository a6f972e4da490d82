/**
 * One catalogue folder (`templates/<id>/`: `<version>.json` files and `meta.json`), read by the same
 * rules on both sides: the registry's fs store and the client's bundled catalogue. The version files
 * are the truth about which versions exist (a hand-added file shows up, a meta.json line whose file
 * is gone does not); meta.json adds dates, tags and deprecations; a version it does not describe
 * gets its integrity from its file and its date from the file's modification time. Pure: callers
 * list the folder, read the files and stat them.
 */
import { type EntryMeta, makeEntry } from './catalogue.js'
import { integrityOfText } from './digest.js'
import { isValidVersion } from './ids.js'
import type { TemplateEntry } from './types.js'
import { latestStable } from './versions.js'

/** The versions a folder listing holds (`1.2.0.json` → `1.2.0`; meta.json and strays are not versions). */
export function versionsIn(fileNames: Iterable<string>): string[] {
  const out: string[] = []
  for (const name of fileNames) {
    const version = /^(.+)\.json$/.exec(name)?.[1]
    if (version && isValidVersion(version)) out.push(version)
  }
  return out
}

/** meta.json as written, leniently: anything unreadable counts as no meta (the files still list the versions). */
export function parseMetaFile(text: string | null | undefined): EntryMeta {
  const empty: EntryMeta = { 'dist-tags': {}, versions: {} }
  if (text === null || text === undefined) return empty
  try {
    const parsed = JSON.parse(text) as Partial<EntryMeta> | null
    const tags = parsed?.['dist-tags']
    const versions = parsed?.versions
    return {
      'dist-tags': tags && typeof tags === 'object' && !Array.isArray(tags) ? tags : {},
      versions: versions && typeof versions === 'object' && !Array.isArray(versions) ? versions : {},
    }
  } catch {
    return empty
  }
}

/** The versions meta.json gives no date or integrity for: the caller reads those files (`FileFacts`). */
export const undescribed = (versions: readonly string[], stored: EntryMeta): string[] =>
  versions.filter((v) => !stored.versions[v]?.integrity || !stored.versions[v]?.publishedAt)

export interface FileFacts {
  integrity: string
  /** The file's modification time (ISO). */
  publishedAt: string
}

/** What a version file says about itself; a file that is not JSON gets an empty integrity (validate reports it). */
export function fileFacts(raw: string, mtime: Date): FileFacts {
  let integrity = ''
  try {
    integrity = integrityOfText(raw)
  } catch {}
  return { integrity, publishedAt: mtime.toISOString() }
}

/** The folder's meta: one entry per version file, tags that name a present version, `latest` always set. */
export function metaFromTree(
  versions: readonly string[],
  stored: EntryMeta,
  facts: ReadonlyMap<string, FileFacts | null>,
): EntryMeta {
  const meta: EntryMeta = { 'dist-tags': {}, versions: {} }
  for (const version of versions) {
    const known = stored.versions[version]
    let integrity = known?.integrity
    let publishedAt = known?.publishedAt
    if (!integrity || !publishedAt) {
      const derived = facts.get(version)
      if (!derived) continue
      integrity ||= derived.integrity
      publishedAt ||= derived.publishedAt
    }
    meta.versions[version] = { publishedAt, integrity, ...(known?.deprecated ? { deprecated: known.deprecated } : {}) }
  }
  for (const [tag, version] of Object.entries(stored['dist-tags']))
    if (typeof version === 'string' && meta.versions[version]) meta['dist-tags'][tag] = version
  const latest = meta['dist-tags'].latest ?? latestStable(Object.keys(meta.versions))
  if (latest) meta['dist-tags'].latest = latest
  return meta
}

/** The index entry of a folder; name, description and homepage come from its `latest` document. */
export function entryFromMeta(id: string, latestRaw: string | null | undefined, meta: EntryMeta): TemplateEntry {
  let doc: Record<string, unknown> = {}
  try {
    const parsed: unknown = latestRaw ? JSON.parse(latestRaw) : {}
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>
  } catch {
    // A damaged document still gets an entry; `validate` is where it is reported.
  }
  return makeEntry(
    id,
    {
      name: typeof doc.name === 'string' ? doc.name : id,
      description: typeof doc.description === 'string' ? doc.description : '',
      ...(typeof doc.homepage === 'string' ? { homepage: doc.homepage } : {}),
    },
    meta,
  )
}
