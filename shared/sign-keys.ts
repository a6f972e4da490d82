/**
 * The registry's signing keys: ed25519 key ids, the public-key entries of `/v1/keys.json`, key
 * generation and parsing a key given on the command line. sign.ts signs and verifies with them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { sha256 } from './digest.js'

export const SIGN_ALGORITHM = 'ed25519'

/** One public key as listed in `/v1/keys.json` and pinned in the client config. */
export interface PublicKeyEntry {
  keyId: string
  algorithm: 'ed25519'
  /** base64 of the raw 32-byte ed25519 public key. */
  publicKey: string
  createdAt?: string
  /** Present on a rotated-in key: the previous key vouching for this one. */
  rotation?: { fromKeyId: string; sig: string }
}

/** `/v1/keys.json`. */
export interface KeysDocument {
  formatVersion: 1
  keys: PublicKeyEntry[]
}

const RAW_KEY_BYTES = 32
export const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/

/** First 16 hex chars of sha256 over the raw public key: short enough to read aloud, long enough to be unique. */
export function keyIdOf(publicKey: string): string {
  return sha256(rawPublicKey(publicKey), 'hex').slice(0, 16)
}

export function rawPublicKey(publicKey: string): Buffer {
  const raw = B64_RE.test(publicKey) ? Buffer.from(publicKey, 'base64') : Buffer.alloc(0)
  if (raw.length !== RAW_KEY_BYTES) throw new TypeError('an ed25519 public key is 32 bytes, base64-encoded')
  return raw
}

export function publicKeyObject(publicKey: string): KeyObject {
  const x = rawPublicKey(publicKey).toString('base64url')
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
}

export function privateKeyObject(key: string | KeyObject): KeyObject {
  const obj = typeof key === 'string' ? createPrivateKey(key) : key
  if (obj.asymmetricKeyType !== 'ed25519') throw new TypeError('the signing key must be an ed25519 private key')
  return obj
}

/** base64 raw public key of a PEM / KeyObject private (or public) key. */
export function publicKeyOf(key: string | KeyObject): string {
  const obj = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key
  const jwk = obj.export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an ed25519 key')
  return Buffer.from(jwk.x, 'base64url').toString('base64')
}

export function publicKeyEntry(key: string | KeyObject, createdAt?: string): PublicKeyEntry {
  const publicKey = publicKeyOf(key)
  return { keyId: keyIdOf(publicKey), algorithm: SIGN_ALGORITHM, publicKey, ...(createdAt ? { createdAt } : {}) }
}

export interface GeneratedKey {
  /** PKCS#8 PEM: what `keygen` writes to `signing-key.pem` (mode 0600). */
  privateKeyPem: string
  entry: PublicKeyEntry
}

export function generateSigningKey(createdAt = new Date().toISOString()): GeneratedKey {
  const { privateKey } = generateKeyPairSync('ed25519')
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  return { privateKeyPem, entry: publicKeyEntry(privateKey, createdAt) }
}

export function isKeyEntry(value: unknown): value is PublicKeyEntry {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  if (v.algorithm !== SIGN_ALGORITHM || typeof v.keyId !== 'string' || typeof v.publicKey !== 'string') return false
  try {
    rawPublicKey(v.publicKey)
    return true
  } catch {
    return false
  }
}

/**
 * Reads a key given on the command line as base64 (raw 32 bytes), a PEM public key, or a
 * keys.json / public-key.json document; the caller reads files. Throws TypeError when unusable.
 */
export function parsePublicKey(text: string): PublicKeyEntry {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as unknown
    const entry = isKeyEntry(doc)
      ? doc
      : Array.isArray((doc as KeysDocument)?.keys)
        ? (doc as KeysDocument).keys.find(isKeyEntry)
        : undefined
    if (!entry) throw new TypeError('no ed25519 key found in that JSON document')
    return publicKeyEntry(publicKeyObject(entry.publicKey), entry.createdAt)
  }
  if (trimmed.startsWith('-----BEGIN')) return publicKeyEntry(createPublicKey(trimmed))
  return publicKeyEntry(publicKeyObject(trimmed))
}
