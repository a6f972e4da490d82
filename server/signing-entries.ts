/**
 * Signs per-id documents, so a client checks the one entry it uses without the whole index
 * (README "Per-id signed entries"). Each id keeps the serial it was signed with until its content
 * changes; then it takes a new serial from the index signer's counter, so for one id a newer
 * content always carries a higher serial and an old copy is a rollback the client refuses.
 */
import type { KeyObject } from 'node:crypto'
import { canonicalJson, sha256 } from '../shared/digest.js'
import { entryContent, signEntry, type SignedEntry } from '../shared/sign-entry.js'
import type { TemplateEntry } from '../shared/types.js'

export type EntrySigner = (entry: TemplateEntry) => SignedEntry

interface Memo {
  digest: string
  serial: number
  signedAt: number
  expires: string
  signature: SignedEntry['signature']
}

export function entrySigner(opts: {
  key: KeyObject
  validity: number
  now: () => number
  nextSerial: () => number
}): EntrySigner {
  // Only what is needed to re-serve a signature: ~10,000 ids cost a few MB, not a copy of the index.
  const signed = new Map<string, Memo>()
  // Taken once per process, the first time an entry is signed: above every serial an earlier
  // process handed out (the counter is persisted), so a restart never re-uses one for new content.
  let sessionSerial: number | undefined
  return (entry) => {
    const content = entryContent(entry)
    const digest = sha256(canonicalJson(content))
    const t = opts.now()
    const last = signed.get(entry.id)
    // Same content, signature not yet half-way to expiry: the same bytes, so ETags stay stable.
    if (last && last.digest === digest && t - last.signedAt < opts.validity / 2) {
      return {
        ...(content as unknown as TemplateEntry),
        serial: last.serial,
        expires: last.expires,
        signature: last.signature,
      }
    }
    const serial = !last
      ? (sessionSerial ??= opts.nextSerial())
      : last.digest === digest
        ? last.serial
        : opts.nextSerial()
    const doc = signEntry(content as unknown as TemplateEntry, opts.key, {
      serial,
      expires: new Date(t + opts.validity).toISOString(),
    })
    signed.set(entry.id, { digest, serial, signedAt: t, expires: doc.expires, signature: doc.signature })
    return doc
  }
}
