import { resolve } from 'node:path'
import { UsageError } from '../../shared/errors.js'
import { createFsStore } from './fs.js'
import type { Store } from './types.js'

const isPostgresUrl = (spec: string) => /^postgres(?:ql)?:\/\//i.test(spec)

// A variable keeps tsc from resolving the module at build time: the PostgreSQL store is loaded
// (with its driver) only when a postgres URL is given.
const POSTGRES_MODULE = './postgres.js'

/**
 * `--store postgres://…` (or DATABASE_URL when no store is given) → PostgreSQL; anything else is a
 * directory for the filesystem store (`--store DIR`, else `--data DIR`).
 */
export async function openStore(spec?: string, dataDir?: string): Promise<Store> {
  const target = spec || (dataDir ? undefined : process.env.DATABASE_URL) || undefined
  if (target && isPostgresUrl(target)) {
    const mod = (await import(POSTGRES_MODULE)) as {
      createPostgresStore(options: { url: string }): Store | Promise<Store>
    }
    return mod.createPostgresStore({ url: target })
  }
  if (target && /^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new UsageError(
      `unsupported store "${target.replace(/\/\/[^@/]*@/, '//***@')}"`,
      'use a directory or a postgres:// URL',
    )
  }
  const dir = target ?? dataDir
  if (!dir) throw new UsageError('no data directory given', 'pass --data DIR or --store postgres://…')
  return createFsStore({ dir: resolve(dir) })
}
