/** Builds index entries from stored versions; the same code serves the registry and the client. */
import { latestStable, sortVersions } from './versions.js'
import type { RegistryIndex, Template, TemplateEntry, VersionEntry } from './types.js'

export interface EntryMeta {
  'dist-tags': Record<string, string>
  versions: Record<string, VersionEntry>
}

/** One id's entry; name and description come from its latest version. Versions ascend. */
export function makeEntry(
  id: string,
  latest: Pick<Template, 'name' | 'description' | 'homepage'>,
  meta: EntryMeta,
): TemplateEntry {
  const versions: Record<string, VersionEntry> = {}
  for (const v of sortVersions(Object.keys(meta.versions), 'oldest-first')) {
    const { publishedAt, integrity, deprecated } = meta.versions[v]!
    versions[v] = deprecated ? { publishedAt, integrity, deprecated } : { publishedAt, integrity }
  }
  const tags: Record<string, string> = {}
  const latestTag = meta['dist-tags'].latest ?? latestStable(Object.keys(versions))
  if (latestTag) tags.latest = latestTag
  for (const tag of Object.keys(meta['dist-tags']).sort()) if (tag !== 'latest') tags[tag] = meta['dist-tags'][tag]!
  return {
    id,
    name: latest.name,
    description: latest.description,
    ...(latest.homepage ? { homepage: latest.homepage } : {}),
    'dist-tags': tags,
    versions,
  }
}

export function makeIndex(entries: Iterable<TemplateEntry>): RegistryIndex {
  const templates: Record<string, TemplateEntry> = {}
  for (const entry of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) templates[entry.id] = entry
  return { formatVersion: 1, templates }
}

/** Index bytes are compact and deterministic so ETags are stable across replicas and builds. */
export const indexText = (index: RegistryIndex): string => JSON.stringify(index)
