import { randomBytes, timingSafeEqual } from 'node:crypto'
import { sha256 } from '../shared/digest.js'
import type { Store, TokenRecord } from './stores/types.js'

export const TOKEN_PREFIX = 'cmr_'

export const hashToken = (secret: string): string => sha256(secret, 'hex')

/** A new secret (shown once) and the record that stores only its hash. */
export function newToken(name: string, scopes: string[], readOnly: boolean): { secret: string; record: TokenRecord } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  const record: TokenRecord = {
    id: `tok_${randomBytes(6).toString('hex')}`,
    name,
    hash: hashToken(secret),
    scopes,
    readOnly,
    createdAt: new Date().toISOString(),
  }
  return { secret, record }
}

/** `*`, `@acme/*` or an exact id. */
export const isScopePattern = (pattern: string): boolean =>
  pattern === '*' ||
  /^@[a-z0-9][a-z0-9-]*\/\*$/.test(pattern) ||
  /^(?:@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/.test(pattern)

export function scopeCovers(pattern: string, id: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('/*')) return id.startsWith(pattern.slice(0, -1))
  return pattern === id
}

/**
 * The record whose hash equals the secret's. Every record is compared (constant time per
 * comparison, no early exit) so timing does not tell how many tokens exist or which matched.
 */
export async function findToken(store: Store, secret: string): Promise<TokenRecord | undefined> {
  const hash = Buffer.from(hashToken(secret), 'hex')
  let found: TokenRecord | undefined
  for (const record of await store.listTokens()) {
    const candidate = Buffer.from(record.hash, 'hex')
    if (candidate.length === hash.length && timingSafeEqual(candidate, hash) && !found) found = record
  }
  return found
}
