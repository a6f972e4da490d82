import { createHash } from 'node:crypto'

/**
 * JSON with object keys sorted at every depth and no whitespace: the one byte form a document is
 * hashed and signed in, so pretty-printing or key order never changes its identity.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}

/** sha256 in the encoding asked for: every digest the project computes goes through here. */
export const sha256 = (data: string | Uint8Array, encoding: 'base64' | 'base64url' | 'hex' = 'base64'): string =>
  createHash('sha256').update(data).digest(encoding)

export const sha256Base64 = (text: string): string => sha256(text)

/** `sha256-<base64>` of exact bytes (a file as written), unlike `integrityOf`, which hashes canonical JSON. */
export const digestOf = (text: string): string => `sha256-${sha256(text)}`

/** Subresource-integrity style digest (`sha256-<base64>`) of a document's canonical JSON. */
export const integrityOf = (doc: unknown): string => `sha256-${sha256Base64(canonicalJson(doc))}`

export const integrityOfText = (jsonText: string): string => integrityOf(JSON.parse(jsonText))

/** Strong ETag of exact response bytes. */
export const etagOf = (text: string): string => `"${sha256(text, 'base64url').slice(0, 27)}"`

/**
 * Whether a parsed JSON value nests deeper than `max`, checked without recursion. JSON.parse takes
 * any depth, but canonicalJson (and every walk over a document) recurses: a registry sending
 * `[[[[…]]]]` 100,000 deep would otherwise overflow the stack.
 */
export function jsonTooDeep(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth > max) return true
    for (const child of Object.values(v as object))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}
