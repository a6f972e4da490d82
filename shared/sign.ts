/**
 * Index signing and verification (ed25519). Pure: keys come in as PEM or base64 strings, no IO.
 *
 * What is signed: the canonical JSON of the index without its `signature` field, `serial` and
 * `expires` included. Version documents are covered by the `integrity` digests the signed index
 * lists, so one signature protects the whole catalogue.
 */
import { type KeyObject, sign, verify } from 'node:crypto'
import { canonicalJson } from './digest.js'
import {
  B64_RE,
  isKeyEntry,
  type KeysDocument,
  keyIdOf,
  type PublicKeyEntry,
  privateKeyObject,
  publicKeyObject,
  publicKeyOf,
} from './sign-keys.js'
import type { RegistryIndex } from './types.js'

// The key half lives in sign-keys.ts; importers of sign.ts keep finding it here.
export {
  type GeneratedKey,
  generateSigningKey,
  isKeyEntry,
  type KeysDocument,
  keyIdOf,
  parsePublicKey,
  type PublicKeyEntry,
  publicKeyEntry,
  publicKeyOf,
  SIGN_ALGORITHM,
} from './sign-keys.js'

export const DEFAULT_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000

export type VerifyFailure = 'missing' | 'malformed' | 'unknown-key' | 'bad-signature' | 'expired'

export type VerifyResult =
  | { ok: true; keyId: string; serial: number; expires: string; expired: boolean }
  | { ok: false; reason: VerifyFailure; message: string; keyId?: string }

function unsignedBytes(index: RegistryIndex): Buffer {
  const { signature: _, ...rest } = index
  return Buffer.from(canonicalJson(rest), 'utf8')
}

export interface SignOptions {
  serial: number
  /** ISO time; default now + 7 days. */
  expires?: string
  now?: number
}

/** The index with `serial`, `expires` and `signature` set (any previous signature replaced). */
export function signIndex(index: RegistryIndex, privateKey: string | KeyObject, opts: SignOptions): RegistryIndex {
  if (!Number.isSafeInteger(opts.serial) || opts.serial < 0)
    throw new TypeError('serial must be a non-negative integer')
  const key = privateKeyObject(privateKey)
  const expires = opts.expires ?? new Date((opts.now ?? Date.now()) + DEFAULT_VALIDITY_MS).toISOString()
  const { signature: _, ...rest } = index
  const unsigned: RegistryIndex = { ...rest, serial: opts.serial, expires }
  const sig = sign(null, unsignedBytes(unsigned), key).toString('base64')
  return { ...unsigned, signature: { keyId: keyIdOf(publicKeyOf(key)), sig } }
}

function checkSig(publicKey: string, bytes: Buffer, sig: string): boolean {
  if (typeof sig !== 'string' || !B64_RE.test(sig)) return false
  const raw = Buffer.from(sig, 'base64')
  if (raw.length !== 64) return false
  try {
    return verify(null, bytes, publicKeyObject(publicKey), raw)
  } catch {
    return false
  }
}

export interface VerifyOptions {
  now?: number
  /** Accept an expired index (reported with `expired: true`), e.g. `--allow-expired`. */
  allowExpired?: boolean
}

const fail = (reason: VerifyFailure, message: string, keyId?: string): VerifyResult => ({
  ok: false,
  reason,
  message,
  ...(keyId ? { keyId } : {}),
})

/**
 * Checks the signature against the trusted keys, then freshness. Never throws: an index is
 * untrusted input, so every shape problem is a typed failure.
 */
export function verifyIndex(
  index: unknown,
  trustedKeys: readonly PublicKeyEntry[],
  opts: VerifyOptions = {},
): VerifyResult {
  return verifyEnvelope(index, (doc) => unsignedBytes(doc as unknown as RegistryIndex), trustedKeys, opts, 'index')
}

/**
 * The signature envelope (`serial`, `expires`, `signature`) of any signed document: `bytesOf`
 * gives the exact bytes that were signed (the document without `signature`, in its own domain).
 */
export function verifyEnvelope(
  value: unknown,
  bytesOf: (doc: Record<string, unknown>) => Buffer,
  trustedKeys: readonly PublicKeyEntry[],
  opts: VerifyOptions,
  noun: string,
): VerifyResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('malformed', `the ${noun} is not a JSON object`)
  const doc = value as Record<string, unknown> & { serial?: unknown; expires?: unknown }
  const signature = doc.signature as unknown
  if (signature === undefined || signature === null) return fail('missing', `the ${noun} is not signed`)
  const { keyId, sig } = signature as { keyId?: unknown; sig?: unknown }
  if (typeof signature !== 'object' || typeof keyId !== 'string' || typeof sig !== 'string') {
    return fail('malformed', `the ${noun} signature is malformed`)
  }
  const key = trustedKeys.find((k) => k.keyId === keyId)
  if (!key)
    return fail('unknown-key', `the ${noun} is signed by key ${safeId(keyId)}, which is not trusted`, safeId(keyId))
  let bytes: Buffer
  try {
    bytes = bytesOf(doc)
  } catch {
    return fail('malformed', `the ${noun} cannot be canonicalized`)
  }
  if (!checkSig(key.publicKey, bytes, sig))
    return fail('bad-signature', `the ${noun} signature does not verify with key ${keyId}`, keyId)
  // Only a signed serial/expires counts: both are checked after the signature covers them.
  if (!Number.isSafeInteger(doc.serial) || (doc.serial as number) < 0)
    return fail('malformed', `the signed ${noun} has no valid serial`, keyId)
  const expiresAt = typeof doc.expires === 'string' ? Date.parse(doc.expires) : Number.NaN
  if (Number.isNaN(expiresAt)) return fail('malformed', `the signed ${noun} has no valid expires time`, keyId)
  const expired = expiresAt <= (opts.now ?? Date.now())
  if (expired && !opts.allowExpired) return fail('expired', `the ${noun} expired at ${doc.expires}`, keyId)
  return { ok: true, keyId, serial: doc.serial as number, expires: doc.expires as string, expired }
}

/** ed25519 signature of `bytes` with `key` (base64), and the id of that key. */
export function signBytes(bytes: Buffer, privateKey: string | KeyObject): { keyId: string; sig: string } {
  const key = privateKeyObject(privateKey)
  return { keyId: keyIdOf(publicKeyOf(key)), sig: sign(null, bytes, key).toString('base64') }
}

/** Key ids shown in messages come from untrusted input: keep them short and printable. */
function safeId(id: string): string {
  const clean = id.replace(/[^\x21-\x7e]/g, '?')
  return clean.length > 32 ? `${clean.slice(0, 32)}…` : clean || '(empty)'
}

// ---- key rotation ----

/** What the old key signs to vouch for a new one: bound to both ids so it cannot be replayed. */
function rotationBytes(entry: PublicKeyEntry, fromKeyId: string): Buffer {
  return Buffer.from(
    canonicalJson({
      purpose: 'claude-multi key rotation',
      fromKeyId,
      keyId: entry.keyId,
      algorithm: entry.algorithm,
      publicKey: entry.publicKey,
    }),
    'utf8',
  )
}

/** A keys.json entry for `newKey`, signed by `oldPrivateKey`. */
export function signKeyRotation(newKey: PublicKeyEntry, oldPrivateKey: string | KeyObject): PublicKeyEntry {
  const old = privateKeyObject(oldPrivateKey)
  const fromKeyId = keyIdOf(publicKeyOf(old))
  const entry: PublicKeyEntry = { ...newKey, keyId: keyIdOf(newKey.publicKey) }
  delete entry.rotation
  const sig = sign(null, rotationBytes(entry, fromKeyId), old).toString('base64')
  return { ...entry, rotation: { fromKeyId, sig } }
}

export type RotationResult = { ok: true; entry: PublicKeyEntry; from: PublicKeyEntry } | { ok: false; message: string }

/** A rotated-in key is trusted when a trusted key signed its rotation record. */
export function verifyKeyRotation(entry: unknown, trustedKeys: readonly PublicKeyEntry[]): RotationResult {
  if (!isKeyEntry(entry)) return { ok: false, message: 'the key entry is malformed' }
  if (keyIdOf(entry.publicKey) !== entry.keyId)
    return { ok: false, message: `key ${safeId(entry.keyId)} does not match its public key` }
  const rotation = entry.rotation as unknown
  if (typeof rotation !== 'object' || rotation === null)
    return { ok: false, message: `key ${entry.keyId} carries no rotation record` }
  const { fromKeyId, sig } = rotation as { fromKeyId?: unknown; sig?: unknown }
  if (typeof fromKeyId !== 'string' || typeof sig !== 'string')
    return { ok: false, message: `key ${entry.keyId} has a malformed rotation record` }
  const from = trustedKeys.find((k) => k.keyId === fromKeyId)
  if (!from)
    return { ok: false, message: `key ${entry.keyId} is vouched for by ${safeId(fromKeyId)}, which is not trusted` }
  if (!checkSig(from.publicKey, rotationBytes(entry, fromKeyId), sig)) {
    return { ok: false, message: `the rotation record of key ${entry.keyId} does not verify with key ${fromKeyId}` }
  }
  return { ok: true, entry, from }
}

/**
 * The pinned keys plus every key in `doc` reachable from them through verified rotation records
 * (old → new, possibly several hops). Keys in `doc` nobody trusted vouches for are ignored.
 */
export function trustedKeysFrom(pinned: readonly PublicKeyEntry[], doc: unknown): PublicKeyEntry[] {
  const trusted = [...pinned]
  const candidates = Array.isArray((doc as KeysDocument | null)?.keys) ? (doc as KeysDocument).keys : []
  let grew = true
  while (grew) {
    grew = false
    for (const entry of candidates) {
      if (!isKeyEntry(entry) || trusted.some((k) => k.keyId === entry.keyId)) continue
      const res = verifyKeyRotation(entry, trusted)
      if (res.ok) {
        trusted.push(res.entry)
        grew = true
      }
    }
  }
  return trusted
}
