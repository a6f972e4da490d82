import { mkdir, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { integrityOfText } from '../../shared/digest.js'
import { UsageError } from '../../shared/errors.js'
import { isValidId, isValidVersion } from '../../shared/ids.js'
import { writeAtomic } from '../stores/_files.js'
import { openStore } from '../stores/open.js'
import type { Store } from '../stores/types.js'

export interface ExportReport {
  templates: number
  versions: number
  tokens: number
}

/**
 * Writes a store out in the `registry/` layout: every version document byte for byte, and a
 * meta.json per id in the catalogue's own form (integrity only when it is not the one computed from
 * the document, so a catalogue that was imported comes back out identical).
 */
export async function exportRegistry(store: Store, outDir: string): Promise<ExportReport> {
  const report: ExportReport = { templates: 0, versions: 0, tokens: 0 }
  // An empty store still gives a registry directory (with an empty templates/), not nothing.
  await mkdir(join(outDir, 'templates'), { recursive: true })
  for (const id of await store.listIds()) {
    const entry = await store.getEntry(id)
    // The store validates ids and versions on the way in; checked again because they become paths.
    if (!entry || !isValidId(id)) continue
    const dir = join(outDir, 'templates', ...id.split('/'))
    // The catalogue's meta.json form: integrity is optional there.
    const versions: Record<string, { publishedAt: string; integrity?: string; deprecated?: string }> = {}
    for (const [version, meta] of Object.entries(entry.versions)) {
      if (!isValidVersion(version)) continue
      const raw = await store.getVersion(id, version)
      if (raw === null) continue
      await writeAtomic(join(dir, `${version}.json`), raw)
      versions[version] = {
        publishedAt: meta.publishedAt,
        ...(meta.integrity !== safeIntegrity(raw) ? { integrity: meta.integrity } : {}),
        ...(meta.deprecated ? { deprecated: meta.deprecated } : {}),
      }
      report.versions++
    }
    await writeAtomic(
      join(dir, 'meta.json'),
      `${JSON.stringify({ 'dist-tags': entry['dist-tags'], versions }, null, 2)}\n`,
    )
    report.templates++
  }
  const tokens = await store.listTokens()
  if (tokens.length > 0) {
    await writeAtomic(join(outDir, 'tokens.json'), `${JSON.stringify({ tokens }, null, 2)}\n`, 0o600)
    report.tokens = tokens.length
  }
  return report
}

function safeIntegrity(raw: string): string | undefined {
  try {
    return integrityOfText(raw)
  } catch {
    return undefined
  }
}

export default defineCommand({
  meta: {
    name: 'export',
    description: 'Write a store out as a filesystem registry (templates/<id>/<version>.json + meta.json)',
  },
  args: {
    store: { type: 'string', description: 'Source store: postgres://… (default: $DATABASE_URL) or a directory' },
    out: { type: 'string', description: 'Directory to write (must not hold a registry yet)', required: true },
    force: { type: 'boolean', description: 'Write into a directory that already holds templates/', default: false },
  },
  async run({ args }) {
    if (!args.store && !process.env.DATABASE_URL) {
      throw new UsageError('no source store given', 'pass --store postgres://… or set DATABASE_URL')
    }
    const outDir = resolve(args.out)
    const existing = await readdir(join(outDir, 'templates')).catch(() => [])
    if (existing.length > 0 && !args.force) {
      throw new UsageError(
        `${args.out} already holds a registry (templates/ is not empty)`,
        'choose an empty directory or pass --force',
      )
    }
    const store = await openStore(args.store)
    try {
      const r = await exportRegistry(store, outDir)
      console.log(
        `exported ${r.templates} templates (${r.versions} versions${r.tokens ? `, ${r.tokens} tokens` : ''}) to ${args.out}`,
      )
    } finally {
      await store.close()
    }
  },
})
