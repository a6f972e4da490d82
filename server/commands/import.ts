import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import semver from 'semver'
import { CliError, UsageError } from '../../shared/errors.js'
import { parseTemplateJson } from '../../shared/schema.js'
import { createFsStore } from '../stores/fs.js'
import { openStore } from '../stores/open.js'
import type { Store } from '../stores/types.js'

export interface ImportReport {
  templates: number
  created: number
  /** Already in the target with the same bytes: re-running an import is harmless. */
  unchanged: number
  tagsMoved: number
  deprecationsChanged: number
  tokens: number
}

/**
 * Copies a registry (ids, versions as exact bytes, publishedAt, integrity, deprecations, dist-tags,
 * tokens) from one store into another. Every document is validated before anything is written, and
 * a version that exists in the target with different bytes stops the import: versions are immutable.
 */
export async function importRegistry(from: Store, to: Store): Promise<ImportReport> {
  const report: ImportReport = {
    templates: 0,
    created: 0,
    unchanged: 0,
    tagsMoved: 0,
    deprecationsChanged: 0,
    tokens: 0,
  }
  const plan: { id: string; version: string; raw: string }[] = []
  const entries = []
  for (const id of await from.listIds()) {
    const entry = await from.getEntry(id)
    if (!entry) continue
    entries.push(entry)
    for (const version of Object.keys(entry.versions).sort(semver.compare)) {
      const raw = (await from.getVersion(id, version))!
      const checked = parseTemplateJson(raw)
      const where = `templates/${id}/${version}.json`
      if (!checked.ok) {
        throw new CliError(
          'E_INVALID',
          `${where} is not a valid template: ${checked.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
          1,
          'fix the file (claude-multi-registry validate) and import again',
        )
      }
      if (checked.template.id !== id || checked.template.version !== version) {
        throw new CliError(
          'E_INVALID',
          `${where} says ${checked.template.id}@${checked.template.version}`,
          1,
          'the id and version inside a document must match its path',
        )
      }
      plan.push({ id, version, raw })
    }
  }

  for (const entry of entries) {
    report.templates++
    for (const { version, raw } of plan.filter((p) => p.id === entry.id)) {
      const meta = entry.versions[version]!
      const result = await to.publish(entry.id, version, raw, meta)
      if (result.created) {
        report.created++
        continue
      }
      const existing = await to.getVersion(entry.id, version)
      if (existing !== raw) {
        throw new CliError(
          'E_EXISTS',
          `${entry.id}@${version} already exists in the target with different content`,
          1,
          'published versions are immutable; import into an empty store or publish a new version',
        )
      }
      report.unchanged++
      const current = (await to.getEntry(entry.id))?.versions[version]
      if ((current?.deprecated ?? '') !== (meta.deprecated ?? '')) {
        await to.deprecate(entry.id, version, meta.deprecated ?? '')
        report.deprecationsChanged++
      }
    }
    // Tags last: publishing moves `latest` by its own rule, the source's tags are what counts.
    const target = await to.getEntry(entry.id)
    for (const [tag, version] of Object.entries(entry['dist-tags'])) {
      if (target?.['dist-tags'][tag] === version) continue
      if (await to.setDistTag(entry.id, tag, version)) report.tagsMoved++
    }
  }

  const known = new Set((await to.listTokens()).map((t) => t.id))
  for (const token of await from.listTokens()) {
    if (known.has(token.id)) continue
    await to.addToken(token)
    report.tokens++
  }
  return report
}

export default defineCommand({
  meta: {
    name: 'import',
    description:
      'Load a filesystem registry (e.g. the bundled registry/) into a store, keeping dates, tags and deprecations',
  },
  args: {
    from: { type: 'string', description: 'Registry directory holding templates/<id>/<version>.json', required: true },
    store: { type: 'string', description: 'Target store: postgres://… (default: $DATABASE_URL) or a directory' },
  },
  async run({ args }) {
    const fromDir = resolve(args.from)
    const isDir = await stat(fromDir).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (!isDir)
      throw new UsageError(
        `--from ${args.from} is not a directory`,
        'point --from at a registry directory, e.g. registry/',
      )
    if (!args.store && !process.env.DATABASE_URL) {
      throw new UsageError('no target store given', 'pass --store postgres://… or set DATABASE_URL')
    }
    const from = createFsStore({ dir: fromDir })
    const to = await openStore(args.store)
    try {
      const r = await importRegistry(from, to)
      console.log(
        `imported ${r.templates} templates into the ${to.kind} store: ${r.created} versions created, ${r.unchanged} already present` +
          `${r.tagsMoved ? `, ${r.tagsMoved} dist-tags set` : ''}${r.deprecationsChanged ? `, ${r.deprecationsChanged} deprecations updated` : ''}` +
          `${r.tokens ? `, ${r.tokens} tokens` : ''}`,
      )
    } finally {
      await Promise.all([from.close(), to.close()])
    }
  },
})
