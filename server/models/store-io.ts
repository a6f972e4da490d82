/** Reading a template's versions from a store and publishing a new one, validated, as pretty JSON. */
import { integrityOfText } from '../../shared/digest.js'
import { CliError, ValidationError } from '../../shared/errors.js'
import { latestStable, sortVersions } from '../../shared/versions.js'
import { parseTemplateJson, validateTemplate } from '../../shared/schema.js'
import type { Template, TemplateEntry } from '../../shared/types.js'
import type { Store } from '../stores/types.js'
import { storeSemverProblem } from '../semver-check.js'

export interface TemplateHistory {
  entry: TemplateEntry
  latest: Template
  /** Every published version, oldest first (the latest included). */
  versions: Template[]
}

/** The same bytes the bundled catalogue uses: two-space JSON with a trailing newline. */
export const documentText = (doc: Template): string => `${JSON.stringify(doc, null, 2)}\n`

async function readVersion(store: Store, id: string, version: string): Promise<Template> {
  const raw = await store.getVersion(id, version)
  if (raw === null) throw new CliError('E_NOT_FOUND', `${id}@${version} is listed but its document is missing`)
  const result = parseTemplateJson(raw)
  if (!result.ok) throw new ValidationError(result.issues, `${id}@${version}`)
  return result.template
}

export async function loadHistory(store: Store, id: string): Promise<TemplateHistory> {
  const entry = await store.getEntry(id)
  if (!entry)
    throw new CliError(
      'E_NOT_FOUND',
      `no template "${id}" in the ${store.kind} store`,
      1,
      'check the id (the directories under <data>/templates/ are the ids) and --data / --store',
    )
  const all = sortVersions(Object.keys(entry.versions), 'oldest-first')
  const latestVersion = entry['dist-tags'].latest ?? latestStable(all)
  if (!latestVersion) throw new CliError('E_NOT_FOUND', `template "${id}" has no versions`)
  const versions = await Promise.all(all.map((v) => readVersion(store, id, v)))
  return { entry, latest: versions.find((t) => t.version === latestVersion)!, versions }
}

/** Validates, then creates the version (never overwrites: an existing version is an error). */
export async function publishTemplate(store: Store, doc: Template): Promise<string> {
  const checked = validateTemplate(doc)
  if (!checked.ok) throw new ValidationError(checked.issues, `${doc.id}@${doc.version}`)
  const semver = await storeSemverProblem(store, doc)
  if (semver) throw new CliError(semver.code, semver.message)
  const raw = documentText(doc)
  const result = await store.publish(doc.id, doc.version, raw, {
    publishedAt: new Date().toISOString(),
    integrity: integrityOfText(raw),
  })
  if (!result.created) {
    throw new CliError(
      'E_EXISTS',
      `${doc.id}@${doc.version} already exists; published versions are immutable`,
      1,
      'bump again from the latest version',
    )
  }
  return raw
}
