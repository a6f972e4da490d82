import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { CliError, UsageError } from '../../shared/errors.js'
import { resolve } from 'node:path'
import { bundledRegistryDir } from '../bundled.js'
import { openStore } from '../stores/open.js'
import type { Store } from '../stores/types.js'

/** `--data DIR` / `--store URL`, shared by every command that opens the store. */
export const storeArgs = {
  data: {
    type: 'string',
    description: 'Data directory (filesystem store; must exist, see --init); default: the bundled registry/',
  },
  store: { type: 'string', description: 'Store URL: postgres://… (default: DATABASE_URL, else the data directory)' },
} as const

export interface StoreArgValues {
  data?: string | undefined
  store?: string | undefined
}

export interface OpenedStore {
  store: Store
  /** The data directory when the store is the filesystem one. */
  dataDir?: string
}

export interface OpenOptions {
  /** `--init`: create a `--data` directory that does not exist yet (otherwise that is an error). */
  init?: boolean
  /** Writes secrets (tokens): the bundled catalogue, shipped in the package and in git, is refused. */
  writesSecrets?: boolean
  /**
   * Reads or revokes tokens (`list`, `revoke`): the bundled catalogue never holds any, so without
   * --data or --store the command would answer about nothing ("no tokens", "no token with id").
   */
  tokensOf?: 'list' | 'revoke'
}

/** Opens the store the flags name. A `--data` directory must exist unless `init` says to create it. */
export async function openStoreFromArgs(args: StoreArgValues, opts: OpenOptions = {}): Promise<OpenedStore> {
  const storeIsUrl = Boolean(args.store && /^[a-z][a-z0-9+.-]*:\/\//i.test(args.store))
  const given = args.data ?? (storeIsUrl ? undefined : args.store)
  const explicitDir = given ? resolve(given) : undefined
  const usesUrl = storeIsUrl || (!explicitDir && Boolean(process.env.DATABASE_URL))
  const dataDir = explicitDir ?? (usesUrl ? undefined : bundledRegistryDir())
  if (opts.writesSecrets && !explicitDir && !usesUrl)
    throw new UsageError(
      'say which registry the token is for: --data DIR or --store URL',
      'tokens are never written into the bundled catalogue, which anyone can read',
    )
  if (opts.tokensOf && !explicitDir && !usesUrl)
    throw new UsageError(
      `say which registry's tokens to ${opts.tokensOf}: --data DIR or --store URL`,
      'the bundled catalogue holds no tokens',
    )
  if (explicitDir && !existsSync(explicitDir)) {
    if (!opts.init)
      throw new CliError(
        'E_NO_DATA',
        `--data ${explicitDir} does not exist`,
        1,
        'check the path, or add --init to create an empty registry there',
      )
    await mkdir(explicitDir, { recursive: true })
  }
  const store = await openStore(storeIsUrl ? args.store : undefined, dataDir)
  return { store, ...(store.kind === 'fs' && dataDir ? { dataDir } : {}) }
}
