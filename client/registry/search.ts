/** `templates [query]`: every template of the registries asked, matched on id, name and description. */
import { CliError } from '../../shared/errors.js'
import { allEntries } from './entry.js'
import type { Registries } from './registries.js'

export interface TemplateRow {
  id: string
  latest?: string
  name: string
  description: string
  registry: string
}

/**
 * Rows of every entry whose id, name or description holds every word of `query`. One unreachable
 * registry among several becomes a warning, not a failure; invalid index entries are counted.
 */
export async function searchTemplates(
  registries: Registries,
  names: string[],
  query: string,
  warn: (message: string) => void,
): Promise<TemplateRow[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  const rows: TemplateRow[] = []
  for (const name of names) {
    let index
    try {
      index = await registries.get(name).index()
    } catch (err) {
      if (err instanceof CliError && names.length > 1) {
        warn(`${name}: ${err.message}`)
        continue
      }
      throw err
    }
    const { entries, invalid } = allEntries(index)
    if (invalid.length)
      warn(
        `${name}: ${invalid.length} index ${invalid.length === 1 ? 'entry is' : 'entries are'} invalid and not listed`,
      )
    for (const e of entries) {
      const hay = `${e.id} ${e.name} ${e.description}`.toLowerCase()
      if (words.every((w) => hay.includes(w)))
        rows.push({
          id: e.id,
          ...(e['dist-tags'].latest ? { latest: e['dist-tags'].latest } : {}),
          name: e.name,
          description: e.description,
          registry: name,
        })
    }
  }
  return rows
}
