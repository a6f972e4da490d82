/** What HttpSource accepts from the network or its cache: every refusal a CliError, never a crash. */
import { integrityOfText, jsonTooDeep } from '../../shared/digest.js'
import { CliError } from '../../shared/errors.js'
import type { RegistryIndex, Template } from '../../shared/types.js'

export const parseIndex = (text: string, where: string): RegistryIndex => {
  let index: RegistryIndex
  try {
    index = JSON.parse(text) as RegistryIndex
  } catch {
    throw new CliError('E_BAD_INDEX', `${where} is not valid JSON`)
  }
  if (
    index?.formatVersion !== 1 ||
    typeof index.templates !== 'object' ||
    index.templates === null ||
    Array.isArray(index.templates)
  )
    throw new CliError('E_BAD_INDEX', `${where} is not a claude-multi registry index (formatVersion 1)`)
  // An index is four levels deep; walking (or signing) a deeper one would overflow the stack.
  if (jsonTooDeep(index, 16)) throw new CliError('E_BAD_INDEX', `${where} nests deeper than an index does; refusing it`)
  return index
}

/** A version document as parsed JSON, refused (never an unexpected error) when it is not one. */
export function parseDocument(text: string, where: string): { doc: unknown; integrity: string } {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CliError('E_BAD_DOCUMENT', `${where} is not valid JSON; refusing it`)
  }
  if (jsonTooDeep(doc, 8))
    throw new CliError('E_BAD_DOCUMENT', `${where} nests deeper than a template does; refusing it`)
  return { doc, integrity: integrityOfText(text) }
}

/** The fields every use of a document reads, checked without zod (a cached copy may predate this client). */
export function asTemplate(doc: unknown, where: string): Template {
  const t = doc as Partial<Template> | null
  const strings = (o: unknown) =>
    typeof o === 'object' && o !== null && !Array.isArray(o) && Object.values(o).every((v) => typeof v === 'string')
  if (
    !t ||
    typeof t !== 'object' ||
    typeof t.id !== 'string' ||
    typeof t.version !== 'string' ||
    typeof t.baseUrl !== 'string' ||
    typeof t.auth !== 'string' ||
    !strings(t.models) ||
    !strings(t.env) ||
    (t.inputs !== undefined && !Array.isArray(t.inputs))
  )
    throw new CliError(
      'E_BAD_DOCUMENT',
      `${where} is not a template document; refusing it`,
      1,
      'delete that file to fetch the document again',
    )
  return t as Template
}

/**
 * What a body that is not JSON is (`text/html instead of JSON`, `an HTML page labelled
 * application/json`), or undefined when it is JSON.
 */
export function nonJson(res: {
  headers: Record<string, string | string[] | undefined>
  text: string
}): string | undefined {
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (type && !type.includes('json')) return `${type} instead of JSON`
  try {
    JSON.parse(res.text)
    return undefined
  } catch {
    // A static host labels any *.json file as JSON, whatever it holds.
    const what = /^\s*</.test(res.text) ? 'an HTML page' : 'a body that is not valid JSON'
    return type ? `${what} labelled ${type}` : what
  }
}
