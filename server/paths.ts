import { isValidId, isValidVersion } from '../shared/ids.js'
import { badRequest } from './errors.js'

/** What a path under `/v1/templates/` names, once the id (plain or scoped) is split off. */
export interface TemplatePath {
  id: string
  /** The segments after the id, decoded (`['1.0.0.json']`, `['1.0.0', 'deprecate']`, `[]`). */
  rest: string[]
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest('E_BAD_PATH', 'the path is not valid percent-encoding')
  }
}

/**
 * Splits the raw (still encoded) path after `/v1/templates/`. A scoped id is written as two
 * segments (`@acme/gw`) or one encoded segment (`@acme%2Fgw`, as npm does). `suffix` (`.json`) is
 * stripped from the id when nothing follows it.
 */
export function parseTemplatePath(rawRest: string, suffix = ''): TemplatePath {
  const segments = rawRest.split('/').map(decodeSegment)
  let id = segments.shift() ?? ''
  if (id.startsWith('@') && !id.includes('/')) id = `${id}/${segments.shift() ?? ''}`
  if (segments.length === 0 && suffix && id.endsWith(suffix)) id = id.slice(0, -suffix.length)
  assertId(id)
  return { id, rest: segments }
}

export function assertId(id: string): void {
  if (!isValidId(id)) {
    const shown = id.length > 60 ? `${id.slice(0, 60)}…` : id
    throw badRequest(
      'E_BAD_ID',
      `${JSON.stringify(shown)} is not a valid template id (lowercase letters, digits, dashes; @scope/name)`,
    )
  }
}

export function assertVersion(version: string): void {
  if (!isValidVersion(version)) {
    const shown = version.length > 60 ? `${version.slice(0, 60)}…` : version
    throw badRequest('E_BAD_VERSION', `${JSON.stringify(shown)} is not a valid semver version`)
  }
}

/** The part of the request path after `prefix`, undecoded (so `%2F` survives until we split). */
export function rawPathAfter(url: string, prefix: string): string {
  const path = new URL(url).pathname
  return path.startsWith(prefix) ? path.slice(prefix.length) : ''
}
