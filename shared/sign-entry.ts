/**
 * Signed per-id documents (`/v1/templates/<id>.json`): the id's index entry with the same
 * envelope as the index (`serial`, `expires`, `signature`), so a client can trust the one entry it
 * needs without downloading the whole index. Pure, no IO.
 *
 * The signed bytes are the canonical JSON of the document without `signature`, behind a domain
 * line: a signature over an entry can never be passed off as one over an index (or the reverse).
 */
import type { KeyObject } from 'node:crypto'
import { canonicalJson } from './digest.js'
import { signBytes, verifyEnvelope, type PublicKeyEntry, type VerifyOptions, type VerifyResult } from './sign.js'
import type { TemplateEntry } from './types.js'

const DOMAIN = 'claude-multi signed entry v1\n'

/** A per-id document as a signing registry serves it. */
export type SignedEntry = TemplateEntry & { serial: number; expires: string; signature: { keyId: string; sig: string } }

/** The entry alone: what the signature envelope wraps (and what a content digest is taken of). */
export function entryContent(doc: object): Record<string, unknown> {
  const { signature: _s, serial: _n, expires: _e, ...rest } = doc as Record<string, unknown>
  return rest
}

function entryBytes(doc: Record<string, unknown>): Buffer {
  const { signature: _, ...rest } = doc
  return Buffer.from(DOMAIN + canonicalJson(rest), 'utf8')
}

export interface EntrySignOptions {
  serial: number
  expires: string
}

export function signEntry(entry: TemplateEntry, privateKey: string | KeyObject, opts: EntrySignOptions): SignedEntry {
  if (!Number.isSafeInteger(opts.serial) || opts.serial < 0)
    throw new TypeError('serial must be a non-negative integer')
  const unsigned = { ...entryContent(entry), serial: opts.serial, expires: opts.expires }
  return {
    ...(unsigned as unknown as TemplateEntry),
    serial: opts.serial,
    expires: opts.expires,
    signature: signBytes(entryBytes(unsigned), privateKey),
  }
}

/** Signature with a trusted key, then freshness; never throws (the document is untrusted input). */
export function verifyEntry(
  doc: unknown,
  trustedKeys: readonly PublicKeyEntry[],
  opts: VerifyOptions = {},
): VerifyResult {
  return verifyEnvelope(doc, entryBytes, trustedKeys, opts, 'template entry')
}
