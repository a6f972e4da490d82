import { CliError } from '../../shared/errors.js'
import { fetchText, HttpFailure } from '../../shared/net/http.js'
import { errorMessage, MAX_DOCUMENT_BYTES } from './http-get.js'
import type { RegistrySource } from './types.js'

/** A whole write, however slowly the registry answers. */
const DEADLINE_MS = Number(process.env.CLAUDE_MULTI_DEADLINE_MS) || 60_000

/**
 * An authenticated write (publish, deprecate, dist-tag) with the server's error passed through.
 * ofetch (shared/net/http.ts): a write is never retried, a redirect is followed only within the
 * registry's origin (the token never goes elsewhere), the answer is read within 1 MB.
 */
export async function registryWrite(
  source: RegistrySource,
  method: string,
  path: string,
  body: string,
): Promise<unknown> {
  if (source.url === 'bundled')
    throw new CliError(
      'E_READ_ONLY',
      `registry ${source.name} is the bundled catalogue, which is read-only`,
      1,
      'pass --registry <name> of a registry you host',
    )
  const token = source.token?.()
  if (!token)
    throw new CliError(
      'E_AUTH',
      `no token for registry ${source.name}`,
      1,
      `run \`claude-multi registry login ${source.name}\` or set its --token-env variable`,
    )
  const url = `${source.url}${path}`
  let res
  try {
    res = await fetchText(url, {
      method,
      body,
      headers: {
        accept: 'application/json',
        'user-agent': 'claude-multi',
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      timeoutMs: DEADLINE_MS,
      maxBytes: MAX_DOCUMENT_BYTES,
    })
  } catch (err) {
    if (err instanceof HttpFailure)
      throw new CliError(err.kind === 'too-large' ? 'E_TOO_LARGE' : 'E_NETWORK', `[${method}] "${url}": ${err.message}`)
    throw err
  }
  if (res.status >= 200 && res.status < 300) {
    try {
      return JSON.parse(res.text)
    } catch {
      return {}
    }
  }
  const code =
    res.status === 401 || res.status === 403
      ? 'E_AUTH'
      : res.status === 409
        ? 'E_EXISTS'
        : res.status === 404
          ? 'E_NOT_FOUND'
          : 'E_HTTP'
  const hint =
    res.status === 409
      ? 'raise "version" in the file and publish that'
      : res.status === 401
        ? (source.loginHint?.() ?? `run \`claude-multi registry login ${source.name}\``)
        : res.status === 403
          ? 'the token does not cover this id or scope'
          : undefined
  throw new CliError(code, `[${method}] "${url}": ${errorMessage(res)}`, 1, hint)
}
