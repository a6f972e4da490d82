/**
 * Server side of index signing: loads the private key, hands out a serial that only ever grows
 * (across restarts and replicas), and re-signs only when the content changed or the signature is
 * getting old, so every replica serving the same catalogue serves stable bytes.
 */
import { readFileSync, statSync, writeFileSync, renameSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createPrivateKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { CliError } from '../shared/errors.js'
import { canonicalJson } from '../shared/digest.js'
import { DEFAULT_VALIDITY_MS, isKeyEntry, publicKeyEntry, signIndex } from '../shared/sign.js'
import type { KeysDocument, PublicKeyEntry } from '../shared/sign.js'
import { entrySigner, type EntrySigner } from './signing-entries.js'
import type { RegistryIndex, TemplateEntry } from '../shared/types.js'

export interface IndexSignerOptions {
  /** Path of the PKCS#8 PEM written by `keygen`. */
  keyFile: string
  /** How long a signature stays valid; default 7 days. */
  validityMs?: number
  /**
   * Where the highest serial used is kept; default `<keyFile>.serial`. Best effort: when it
   * cannot be written the time-derived serial still increases.
   */
  serialFile?: string | false
  /**
   * The keys document written by `keygen` (default: `public-key.json` next to the key file): it
   * carries the rotation record of this key and the keys before it, all listed in keys.json.
   */
  publicKeysFile?: string | false
  /** Extra public keys to list in keys.json. */
  extraKeys?: PublicKeyEntry[]
  now?: () => number
}

export interface IndexSigner {
  readonly keyId: string
  readonly publicKey: PublicKeyEntry
  /** The finalization hook of the index service: unsigned index in, signed index out. */
  sign(index: RegistryIndex): RegistryIndex
  /** One per-id document (`/v1/templates/<id>.json`), signed on its own (server/signing-entries.ts). */
  signEntry: EntrySigner
  /** The `/v1/keys.json` document. */
  keysDocument(): KeysDocument
}

export function loadSigningKey(keyFile: string): KeyObject {
  const path = resolve(keyFile)
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    throw new CliError(
      'E_SIGN_KEY',
      `cannot read the signing key ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      1,
      'create one with `claude-multi-registry keygen --out DIR`',
    )
  }
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw new CliError(
      'E_SIGN_KEY',
      `${path} is not a PEM private key`,
      1,
      'create one with `claude-multi-registry keygen --out DIR`',
    )
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new CliError('E_SIGN_KEY', `${path} is a ${key.asymmetricKeyType} key; an ed25519 key is needed`)
  warnIfReadable(path)
  return key
}

function warnIfReadable(path: string): void {
  try {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      process.emitWarning(`signing key ${path} is readable by other users; chmod 600 it`)
    }
  } catch {
    // stat raced with a rename: nothing useful to say
  }
}

function readSerial(file: string | false): number {
  if (!file) return 0
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10)
    return Number.isSafeInteger(n) && n > 0 ? n : 0
  } catch {
    return 0
  }
}

function writeSerial(file: string | false, serial: number): void {
  if (!file) return
  try {
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, `${serial}\n`, { mode: 0o600 })
    renameSync(tmp, file)
  } catch {
    // read-only key mount: the time-derived serial alone keeps increasing
  }
}

export function createIndexSigner(opts: IndexSignerOptions): IndexSigner {
  const key = loadSigningKey(opts.keyFile)
  const entry = publicKeyEntry(key)
  const validity = opts.validityMs ?? DEFAULT_VALIDITY_MS
  const serialFile = opts.serialFile === undefined ? `${resolve(opts.keyFile)}.serial` : opts.serialFile
  const now = opts.now ?? Date.now
  const published = readPublishedKeys(
    opts.publicKeysFile === undefined ? join(dirname(resolve(opts.keyFile)), 'public-key.json') : opts.publicKeysFile,
  )
  // The published entry of this very key carries its rotation record; the others are history.
  const self = published.find((k) => k.keyId === entry.keyId) ?? entry
  const listed = [self, ...published, ...(opts.extraKeys ?? [])].filter(
    (k, i, all) => all.findIndex((o) => o.keyId === k.keyId) === i,
  )
  let lastSerial = readSerial(serialFile)
  let last: { content: string; signed: RegistryIndex; signedAt: number } | undefined

  // Seconds since the epoch, bumped past anything used before: replicas signing the same change
  // land close together and a restarted server never goes backwards.
  const nextSerial = (): number => {
    lastSerial = Math.max(lastSerial + 1, Math.floor(now() / 1000))
    writeSerial(serialFile, lastSerial)
    return lastSerial
  }

  return {
    keyId: entry.keyId,
    publicKey: entry,
    sign(index) {
      const { signature: _s, serial: _n, expires: _e, ...rest } = index
      const content = canonicalJson(rest)
      const t = now()
      // Re-use the signature until half its validity has passed, so caches and ETags stay stable.
      if (last && last.content === content && t - last.signedAt < validity / 2) return last.signed
      const signed = signIndex(rest as RegistryIndex, key, {
        serial: nextSerial(),
        expires: new Date(t + validity).toISOString(),
      })
      last = { content, signed, signedAt: t }
      return signed
    },
    signEntry: entrySigner({ key, validity, now, nextSerial }),
    keysDocument() {
      return { formatVersion: 1, keys: listed }
    },
  }
}

/** The keys document next to a key (rotation records, previous keys); missing → none. */
export function readPublishedKeys(file: string | false): PublicKeyEntry[] {
  if (!file) return []
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new CliError('E_SIGN_KEY', `cannot read ${file}: ${(err as Error).message}`)
  }
  const keys = (doc as KeysDocument | null)?.keys
  if (!Array.isArray(keys))
    throw new CliError(
      'E_SIGN_KEY',
      `${file} has no "keys" array`,
      1,
      'it should be the public-key.json written by keygen',
    )
  return keys.filter(isKeyEntry)
}

/** `--sign-key FILE` and `--sign-validity DAYS`, shared by `serve` and `build`. */
export const signArgs = {
  'sign-key': { type: 'string', description: 'Sign the index with this ed25519 key (from `keygen`)' },
  'sign-validity': { type: 'string', default: '7', description: 'Days a signed index stays valid' },
} as const

export interface SigningAppOptions {
  finalizeIndex?: (index: RegistryIndex) => RegistryIndex
  finalizeEntry?: (entry: TemplateEntry) => TemplateEntry
  keys?: () => KeysDocument
  indexMaxAgeMs?: number
}

/** The createApp options that make the app sign its index and publish keys.json (none without a key). */
export function signingFromArgs(args: {
  'sign-key'?: string | undefined
  'sign-validity'?: string | undefined
}): SigningAppOptions {
  if (!args['sign-key']) return {}
  const days = Number(args['sign-validity'] ?? '7')
  if (!Number.isFinite(days) || days <= 0 || days > 366) {
    throw new CliError(
      'E_USAGE',
      `--sign-validity must be a number of days between 0 and 366, got "${args['sign-validity']}"`,
      2,
    )
  }
  const validityMs = Math.round(days * 24 * 60 * 60 * 1000)
  const signer = createIndexSigner({ keyFile: args['sign-key'], validityMs })
  return {
    finalizeIndex: (index) => signer.sign(index),
    finalizeEntry: (entry) => signer.signEntry(entry),
    keys: () => signer.keysDocument(),
    // Rebuild often enough that the signer re-signs (at half the validity) long before expiry.
    indexMaxAgeMs: Math.min(60 * 60 * 1000, Math.floor(validityMs / 4)),
  }
}
