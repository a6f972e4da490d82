import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { generateSigningKey, isKeyEntry, signKeyRotation } from '../../shared/sign.js'
import type { KeysDocument, PublicKeyEntry } from '../../shared/sign.js'
import { loadSigningKey } from '../signing.js'

export const PRIVATE_KEY_FILE = 'signing-key.pem'
export const PUBLIC_KEY_FILE = 'public-key.json'

export interface KeygenResult {
  keyFile: string
  publicFile: string
  entry: PublicKeyEntry
}

/** The previous keys listed next to an old key, so a client pinned to any of them can follow. */
function previousKeys(oldKeyFile: string): PublicKeyEntry[] {
  try {
    const doc = JSON.parse(readFileSync(join(dirname(oldKeyFile), PUBLIC_KEY_FILE), 'utf8')) as KeysDocument
    return Array.isArray(doc.keys) ? doc.keys.filter(isKeyEntry) : []
  } catch {
    return []
  }
}

/**
 * Writes a new ed25519 key pair into `out`: the private key 0600 (never overwritten unless
 * `force`), the public keys document 0644. With `rotateFrom`, the old key signs the new one.
 */
export function keygen(out: string, opts: { rotateFrom?: string; force?: boolean } = {}): KeygenResult {
  const dir = resolve(out)
  const keyFile = join(dir, PRIVATE_KEY_FILE)
  const publicFile = join(dir, PUBLIC_KEY_FILE)
  if (!opts.force && existsSync(keyFile)) {
    throw new CliError(
      'E_EXISTS',
      `${keyFile} already exists`,
      1,
      'losing a signing key locks clients out; pass --force to replace it, or rotate with --rotate-from into a new directory',
    )
  }
  const old = opts.rotateFrom ? loadSigningKey(opts.rotateFrom) : undefined
  const { privateKeyPem, entry: fresh } = generateSigningKey()
  const entry = old ? signKeyRotation(fresh, old) : fresh
  const history = old ? previousKeys(resolve(opts.rotateFrom!)).filter((k) => k.keyId !== entry.keyId) : []
  const doc: KeysDocument = { formatVersion: 1, keys: [entry, ...history] }

  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const tmp = `${keyFile}.${process.pid}.tmp`
  // Created 0600 from the first byte: the key is never readable by others, not even briefly.
  writeFileSync(tmp, privateKeyPem, { mode: 0o600, flag: 'wx' })
  chmodSync(tmp, 0o600)
  renameSync(tmp, keyFile)
  writeFileSync(publicFile, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 })
  return { keyFile, publicFile, entry }
}

export default defineCommand({
  meta: { name: 'keygen', description: 'Create an ed25519 key pair for signing the index' },
  args: {
    out: { type: 'string', required: true, description: 'Directory for signing-key.pem (0600) and public-key.json' },
    'rotate-from': {
      type: 'string',
      description: 'Old signing-key.pem: it signs the new key so pinned clients accept it',
    },
    force: { type: 'boolean', default: false, description: 'Replace an existing signing key' },
  },
  run({ args }) {
    if (!args.out) throw new UsageError('--out is required', 'e.g. claude-multi-registry keygen --out keys/')
    const res = keygen(args.out, {
      ...(args['rotate-from'] ? { rotateFrom: args['rotate-from'] } : {}),
      force: args.force,
    })
    const rotated = res.entry.rotation ? ` (signed by the previous key ${res.entry.rotation.fromKeyId})` : ''
    process.stdout.write(
      [
        `key id ${res.entry.keyId}${rotated}`,
        `private key: ${res.keyFile} (mode 0600; keep it secret and backed up)`,
        `public key:  ${res.publicFile}`,
        `serve with:  claude-multi-registry serve --sign-key ${res.keyFile}`,
        `clients pin: claude-multi registry add <name> <url> --key ${res.entry.publicKey}`,
        '',
      ].join('\n'),
    )
  },
})
