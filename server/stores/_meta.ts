import semverGt from 'semver/functions/gt.js'
import semverPrerelease from 'semver/functions/prerelease.js'
import { makeEntry } from '../../shared/catalogue.js'
import type { TemplateEntry } from '../../shared/types.js'
import type { PackageMeta } from './types.js'

/**
 * Where `latest` points after `version` is published: the first version of an id takes it (even a
 * prerelease, as npm does); later it moves only forward, and never to a prerelease.
 */
export function nextLatest(current: string | undefined, version: string): string {
  if (!current) return version
  if (semverPrerelease(version)) return current
  return semverGt(version, current) ? version : current
}

/** Name, description and homepage of an entry come from its `latest` document. */
export function entryFromMeta(id: string, latestRaw: string | null, meta: PackageMeta): TemplateEntry {
  let doc: Record<string, unknown> = {}
  try {
    const parsed: unknown = latestRaw === null ? {} : JSON.parse(latestRaw)
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
