import { CliError } from '../../shared/errors.js'
import { proxyConfigured } from '../../shared/net/proxy-env.js'
import { describeNetworkCode } from '../../shared/net-reasons.js'
import { safeText } from '../../shared/text.js'

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export interface HttpRequest {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Longest silence allowed between two packets. */
  timeoutMs?: number
  /** Largest body accepted (bytes); a bigger answer is refused, not read. */
  maxBytes?: number
}

/** A network failure (refused, DNS, timeout), as opposed to an HTTP answer. */
export class NetworkError extends CliError {
  constructor(
    method: string,
    url: string,
    /** What went wrong in words (`host not found (ENOTFOUND)`), for messages that name the registry themselves. */
    readonly reason: string,
  ) {
    super('E_NETWORK', `[${method}] "${url}": ${reason}`)
  }
}

/** The default; `claude-multi` takes CLAUDE_MULTI_TIMEOUT_MS in its entry point and passes it as `timeoutMs`. */
const TIMEOUT_MS = 10_000
/** A whole request, however it trickles in (one byte every 2 s never hits the silence timeout). */
const DEADLINE_MS = Number(process.env.CLAUDE_MULTI_DEADLINE_MS) || 60_000
/** Version documents are a few KB; an index of 10,000 ids × 20 versions is ~25 MB. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024
export const MAX_INDEX_BYTES = Number(process.env.CLAUDE_MULTI_MAX_INDEX_BYTES) || 64 * 1024 * 1024

/** The answer is bigger than we read: refused (a registry, however hostile, cannot fill memory). */
export class TooLargeError extends CliError {
  constructor(method: string, url: string, max: number) {
    super(
      'E_TOO_LARGE',
      `[${method}] "${url}": the answer is larger than ${max} bytes; refusing it`,
      1,
      url.endsWith('/index.json')
        ? 'if the registry is really that big, raise CLAUDE_MULTI_MAX_INDEX_BYTES'
        : undefined,
    )
  }
}

/**
 * One request over node:http(s). `fetch` would pull in undici, which costs more start-up time
 * than the whole `sync --check` budget; one conditional GET needs none of its features.
 */
export async function httpRequest(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const u = new URL(url)
  const mod = u.protocol === 'https:' ? await import('node:https') : await import('node:http')
  // HTTPS_PROXY & co.: the proxy code is loaded only when one is set (the hot path stays lean).
  const agent = proxyConfigured() ? (await import('./proxy-agent.js')).proxyAgentFor(u) : undefined
  const method = req.method ?? 'GET'
  const max = req.maxBytes ?? MAX_DOCUMENT_BYTES
  return new Promise((resolve, reject) => {
    const r = mod.request(
      u,
      {
        method,
        headers: { accept: 'application/json', 'user-agent': 'claude-multi', ...req.headers },
        timeout: req.timeoutMs ?? TIMEOUT_MS,
        ...(agent ? { agent } : {}),
      },
      (res) => {
        const fail = (error: CliError) => {
          reject(error)
          res.destroy()
          r.destroy()
        }
        // A HEAD answer names the size of a body it does not send.
        if (method !== 'HEAD' && Number(res.headers['content-length']) > max)
          return fail(new TooLargeError(method, url, max))
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > max) fail(new TooLargeError(method, url, max))
          else chunks.push(c)
        })
        res.on('end', () => {
          clearTimeout(deadline)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })
        })
        res.on('error', (err) => reject(new NetworkError(method, url, err.message)))
      },
    )
    const deadline = setTimeout(() => {
      reject(new NetworkError(method, url, `no complete answer within ${DEADLINE_MS / 1000} s`))
      r.destroy()
    }, DEADLINE_MS)
    r.on('close', () => clearTimeout(deadline))
    r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs ?? TIMEOUT_MS} ms`)))
    r.on('error', (err: NodeJS.ErrnoException) => reject(new NetworkError(method, url, networkReason(err))))
    if (req.body !== undefined) r.end(req.body)
    else r.end()
  })
}

/** The error code in words, and for a certificate the way to trust a private CA. */
const networkReason = (err: NodeJS.ErrnoException): string =>
  err.code && /CERT|SSL|TLS|SIGNATURE/.test(err.code)
    ? `TLS certificate problem (${err.code}); a private CA goes in NODE_EXTRA_CA_CERTS`
    : err.code
      ? describeNetworkCode(err.code)
      : err.message

/**
 * The server's `{ error: { code, message } }`; else the status and the first line of a short text
 * body. A web page (a proxy's 404, a login page) is named, never pasted: its markup is no reason.
 */
export function errorMessage(res: Pick<HttpResponse, 'status' | 'text'>): string {
  try {
    const body = JSON.parse(res.text) as { error?: { code?: string; message?: string } }
    if (typeof body.error?.message === 'string') return `${res.status} ${safeText(body.error.message.slice(0, 500))}`
  } catch {}
  const text = res.text.trim()
  if (/^</.test(text)) return `${res.status} (an HTML page, not a claude-multi registry's answer)`
  const line = text.split('\n')[0]!.slice(0, 200)
  return `${res.status}${line ? ` ${safeText(line)}` : ''}`
}
