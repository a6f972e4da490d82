import { existsSync, readFileSync } from 'node:fs'
import { CliError, UsageError } from '../../shared/errors.js'
import { isKeyEntry, parsePublicKey, type KeysDocument, type PublicKeyEntry } from '../../shared/sign.js'
import { errorMessage, httpRequest } from '../registry/http-get.js'

/**
 * `registry add --key <base64|file>`: a base64 ed25519 key, a PEM public key, or a file holding
 * either (or the public-key.json that `claude-multi-registry keygen` writes).
 */
export function keyFromArg(arg: string): PublicKeyEntry {
  let text = arg
  if (existsSync(arg)) {
    try {
      text = readFileSync(arg, 'utf8')
    } catch (err) {
      throw new UsageError(
        `--key ${arg}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      )
    }
  }
  try {
    return parsePublicKey(text)
  } catch {
    throw new UsageError(
      `--key ${arg.length > 80 ? `${arg.slice(0, 80)}…` : arg} is not an ed25519 public key`,
      'give the base64 key or the public-key.json printed by `claude-multi-registry keygen`',
    )
  }
}

/** `--trust-first-key`: the registry's current key from `/v1/keys.json`, taken on trust once. */
export async function fetchFirstKey(url: string, headers: Record<string, string> = {}): Promise<PublicKeyEntry> {
  const keysUrl = `${url.replace(/\/+$/, '')}/v1/keys.json`
  const res = await httpRequest(keysUrl, { headers })
  if (res.status !== 200)
    throw new CliError(
      'E_HTTP',
      `[GET] "${keysUrl}": ${errorMessage(res)}`,
      1,
      'the registry may not sign its index; add it without --trust-first-key',
    )
  let doc: KeysDocument
  try {
    doc = JSON.parse(res.text) as KeysDocument
  } catch {
    throw new CliError('E_HTTP', `[GET] "${keysUrl}" is not JSON`)
  }
  const first = Array.isArray(doc?.keys) ? doc.keys.find(isKeyEntry) : undefined
  if (!first)
    throw new CliError(
      'E_NO_KEY',
      `${keysUrl} lists no signing key`,
      1,
      'the registry does not sign its index; add it without --trust-first-key',
    )
  return parsePublicKey(first.publicKey)
}

/** GET `/v1/keys.json` for rotation checks; any failure means "no extra keys". */
export async function fetchKeysDocument(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs?: number,
): Promise<unknown> {
  const res = await httpRequest(`${url.replace(/\/+$/, '')}/v1/keys.json`, { headers, timeoutMs })
  return res.status === 200 ? (JSON.parse(res.text) as unknown) : undefined
}
