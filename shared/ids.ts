import { UsageError } from './errors.js'

const NAME = '[a-z0-9][a-z0-9-]*'
/** `glm`, or `@acme/gateway` for private registries. Lowercase only, so ids are safe as path parts. */
export const ID_RE = new RegExp(`^(?:@${NAME}/)?${NAME}$`)
/** npm's limit; also keeps ids well inside any filesystem's name limit. */
export const MAX_ID_LENGTH = 214

export const isValidId = (id: string): boolean => id.length <= MAX_ID_LENGTH && ID_RE.test(id)

export const isScoped = (id: string): boolean => id.startsWith('@')

/** `@acme/gateway` → `@acme`; a plain id has no scope. */
export const scopeOf = (id: string): string | undefined => (isScoped(id) ? id.slice(0, id.indexOf('/')) : undefined)

/** semver 2.0 without build metadata (`semver.valid(v) === v`), as one expression: no semver import. */
const VERSION_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?$/

/**
 * Strict semver (no `v` prefix, no loose forms, no build metadata): what may be published and
 * stored. Also what the client holds every version from an index to before using it (a path part).
 * test/shared/ids.test.ts checks it against node-semver.
 */
export function isValidVersion(version: string): boolean {
  const m = version.length <= 256 ? VERSION_RE.exec(version) : null
  return m !== null && [m[1], m[2], m[3]].every((n) => Number.isSafeInteger(Number(n)))
}

/** Accepts `@acme%2Fgateway` as npm does; anything else is returned undecoded (and later refused). */
export function decodeId(raw: string): string {
  return raw.replace(/%2f/gi, '/')
}

/**
 * `glm`, `glm@^2`, `@acme/gw@1.2.0` → id and range. The `@` that starts a scope is not a
 * separator, so only an `@` after the first character splits.
 */
export function parseSpec(spec: string): { id: string; range?: string } {
  const at = spec.indexOf('@', 1)
  const id = at === -1 ? spec : spec.slice(0, at)
  const range = at === -1 ? undefined : spec.slice(at + 1)
  if (!isValidId(id)) {
    throw new UsageError(
      `"${id}" is not a valid template id`,
      'use lowercase letters, digits and dashes, e.g. glm or @acme/gateway',
    )
  }
  if (range === '') throw new UsageError(`"${spec}" has an empty version range`, 'write e.g. glm@^2 or drop the @')
  return range === undefined ? { id } : { id, range }
}
