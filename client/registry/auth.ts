import { join } from 'node:path'
import { readText } from '../state/json-file.js'
import type { Paths } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'

const tokenPath = (paths: Paths, registry: string) => join(paths.tokens, registry.replace(/[^a-z0-9-]/gi, '_'))

/** A registry's token: its `tokenEnv` variable when set, else the 0600 file of `registry login`. */
export function readToken(paths: Paths, registry: string, tokenEnv?: string): string | undefined {
  if (tokenEnv && process.env[tokenEnv]) return process.env[tokenEnv]
  return readText(tokenPath(paths, registry))?.trim() || undefined
}

export function storeToken(tx: Transaction, paths: Paths, registry: string, token: string): string {
  const path = tokenPath(paths, registry)
  tx.write(path, `${token}\n`, { mode: 0o600, dirMode: 0o700 })
  return path
}

export function removeToken(tx: Transaction, paths: Paths, registry: string): void {
  if (readText(tokenPath(paths, registry)) !== undefined) tx.remove(tokenPath(paths, registry))
}
