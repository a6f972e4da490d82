import { chmodSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../state/atomic.js'
import { readText } from '../state/json-file.js'
import type { Paths } from '../state/paths.js'

const tokenPath = (paths: Paths, registry: string) => join(paths.tokens, registry.replace(/[^a-z0-9-]/gi, '_'))

/** A registry's token: its `tokenEnv` variable when set, else the 0600 file of `registry login`. */
export function readToken(paths: Paths, registry: string, tokenEnv?: string): string | undefined {
  if (tokenEnv && process.env[tokenEnv]) return process.env[tokenEnv]
  return readText(tokenPath(paths, registry))?.trim() || undefined
}

export function storeToken(paths: Paths, registry: string, token: string): string {
  mkdirSync(paths.tokens, { recursive: true, mode: 0o700 })
  const path = tokenPath(paths, registry)
  writeFileAtomic(path, token + '\n', 0o600)
  chmodSync(path, 0o600)
  return path
}

export function removeToken(paths: Paths, registry: string): void {
  rmSync(tokenPath(paths, registry), { force: true })
}
