import { CliError } from '../../shared/errors.js'
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
  timeoutMs?: number
}

/** A network failure (refused, DNS, timeout), as opposed to an HTTP answer. */
export class NetworkError extends CliError {
  constructor(method: string, url: string, reason: string) {
    super('E_NETWORK', `[${method}] "${url}": ${reason}`)
  }
}

const TIMEOUT_MS = Number(process.env.CLAUDE_MULTI_TIMEOUT_MS) || 10_000

/**
 * One request over node:http(s). `fetch` would pull in undici, which costs more start-up time
 * than the whole `sync --check` budget; one conditional GET needs none of its features.
 */
export async function httpRequest(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const u = new URL(url)
  const mod = u.protocol === 'https:' ? await import('node:https') : await import('node:http')
  const method = req.method ?? 'GET'
  return new Promise((resolve, reject) => {
    const r = mod.request(
      u,
      {
        method,
        headers: { accept: 'application/json', 'user-agent': 'claude-multi', ...req.headers },
        timeout: req.timeoutMs ?? TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', (err) => reject(new NetworkError(method, url, err.message)))
      },
    )
    r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs ?? TIMEOUT_MS} ms`)))
    r.on('error', (err: NodeJS.ErrnoException) => reject(new NetworkError(method, url, err.code ?? err.message)))
    if (req.body !== undefined) r.end(req.body)
    else r.end()
  })
}

/** The server's `{ error: { code, message } }`, or the status line when the body is not ours; one escaped line. */
export function errorMessage(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.text) as { error?: { code?: string; message?: string } }
    if (typeof body.error?.message === 'string') return `${res.status} ${safeText(body.error.message.slice(0, 500))}`
  } catch {}
  return `${res.status}${res.text ? ` ${safeText(res.text.slice(0, 200))}` : ''}`
}
