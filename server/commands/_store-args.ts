import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { bundledRegistryDir } from '../bundled.js'
import { openStore } from '../stores/open.js'
import type { Store } from '../stores/types.js'

/** `--data DIR` / `--store URL`, shared by every command that opens the store. */
export const storeArgs = {
  data: { type: 'string', description: 'Data directory (filesystem store); default: the bundled registry/' },
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

/** Opens the store the flags name; a new `--data` directory is created. */
export async function openStoreFromArgs(args: StoreArgValues, create = false): Promise<OpenedStore> {
  const storeIsUrl = Boolean(args.store && /^[a-z][a-z0-9+.-]*:\/\//i.test(args.store))
  const given = args.data ?? (storeIsUrl ? undefined : args.store)
  const explicitDir = given ? resolve(given) : undefined
  const usesUrl = storeIsUrl || (!explicitDir && Boolean(process.env.DATABASE_URL))
  const dataDir = explicitDir ?? (usesUrl ? undefined : bundledRegistryDir())
  if (dataDir && create) await mkdir(dataDir, { recursive: true })
  const store = await openStore(storeIsUrl ? args.store : undefined, dataDir)
  return { store, ...(store.kind === 'fs' && dataDir ? { dataDir } : {}) }
}
