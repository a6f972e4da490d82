import { CliError } from '../../shared/errors.js'

/**
 * Reads a secret from stdin. On a terminal the characters are not echoed; from a pipe it is the
 * first line. Either way it is never written anywhere but where the caller stores it.
 */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]!.trim()
  }
  // Echo goes off before the prompt shows: a key typed as soon as the prompt appears is never echoed.
  stdin.setRawMode(true)
  process.stderr.write(prompt)
  stdin.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const done = (result: string | Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      if (result instanceof Error) reject(result)
      else resolve(result.trim())
    }
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(value)
        if (ch === '\u0003') return done(new CliError('E_CANCELLED', 'cancelled; nothing was written', 130))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
