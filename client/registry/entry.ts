/**
 * An index comes from a registry, and every registry is hostile until proven otherwise: a
 * `dist-tags.latest` of `../../../../tmp/x` must never become a path, and an id `constructor` must
 * not find Object.prototype's. One id's entry is checked (and rebuilt from its valid parts, in
 * objects without a prototype) the first time it is used; a bad entry fails that id alone.
 */
import { CliError } from '../../shared/errors.js'
import { isValidId } from '../../shared/ids.js'
import { checkEntry } from '../../shared/entry.js'
import type { RegistryIndex, TemplateEntry } from '../../shared/types.js'

type Loose = Record<string, unknown>

const checked = new WeakMap<object, Map<string, TemplateEntry | string>>()

function lookup(index: RegistryIndex, id: string): TemplateEntry | string | undefined {
  const templates = index.templates as unknown as Loose
  if (!isValidId(id) || !Object.hasOwn(templates, id)) return undefined
  let memo = checked.get(templates)
  if (!memo) checked.set(templates, (memo = new Map()))
  let result = memo.get(id)
  if (result === undefined) memo.set(id, (result = checkEntry(id, templates[id])))
  return result
}

/** The checked entry of `id`, or undefined when the index has none; throws when its entry is bad. */
export function findEntry(index: RegistryIndex, id: string, registry: string): TemplateEntry | undefined {
  const found = lookup(index, id)
  if (typeof found !== 'string') return found
  throw new CliError(
    'E_BAD_INDEX',
    `registry ${registry}: the index entry of "${id}" is invalid (${found}); refusing it`,
    1,
    'other templates are not affected; tell the registry operator',
  )
}

/** Every valid entry of an index (for listings); the ids of invalid ones are returned apart. */
export function allEntries(index: RegistryIndex): { entries: TemplateEntry[]; invalid: string[] } {
  const entries: TemplateEntry[] = []
  const invalid: string[] = []
  for (const id of Object.keys(index.templates).sort()) {
    const found = lookup(index, id)
    if (found === undefined || typeof found === 'string') invalid.push(id)
    else entries.push(found)
  }
  return { entries, invalid }
}
