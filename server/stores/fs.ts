import { randomBytes } from 'node:crypto'
import { mkdir, stat } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { isValidId, isValidVersion } from '../../shared/ids.js'
import type { TemplateEntry, VersionEntry } from '../../shared/types.js'
import {
  createExclusive,
  createSlicer,
  readdirOrEmpty,
  readIfExists,
  readIfExistsSync,
  statOrNull,
  writeAtomic,
} from './_files.js'
import { withLock } from './_lock.js'
import { createStampWatcher } from './_stamp.js'
import { latestStable } from '../../shared/versions.js'
import { nextLatest } from './_meta.js'
import {
  entryFromMeta,
  fileFacts,
  metaFromTree,
  parseMetaFile,
  undescribed,
  versionsIn,
} from '../../shared/catalogue-tree.js'
import type { PackageMeta, PublishResult, Store, TokenRecord } from './types.js'

export interface FsStoreOptions {
  /** The data dir: `templates/<id>/<version>.json`, `templates/<id>/meta.json`, `tokens.json`. */
  dir: string
  /** How often other processes' writes are looked for (ms). */
  pollMs?: number
  /** How long synchronous index reads run before they give the event loop back (ms, default 8). */
  sliceMs?: number
}

/**
 * The filesystem store, laid out like the bundled `registry/`. Version files are created
 * exclusively (never replaced); meta.json and tokens.json are rewritten atomically under a lock
 * file so that several server processes can share one data dir.
 */
export function createFsStore(options: FsStoreOptions): Store {
  if (!options.dir) throw new Error('fs store: a data dir is required')
  const root = resolve(options.dir)
  const templatesDir = join(root, 'templates')
  const tokensPath = join(root, 'tokens.json')
  const stampPath = join(root, '.changed')
  const listeners = new Set<() => void>()
  const watcher = createStampWatcher(stampPath, options.pollMs ?? 250, () => emit())

  function emit(): void {
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch {
        // A listener's failure must not stop the others or the write that triggered it.
      }
    }
  }

  /** Marks a change for this process at once and for other processes through the stamp file. */
  async function changed(): Promise<void> {
    await writeAtomic(stampPath, `${process.pid} ${randomBytes(8).toString('hex')}\n`).catch(() => {})
    await watcher.sync()
    emit()
  }

  // Hand-written catalogues (the bundled one) carry no integrity; hashing every document on every
  // read would dominate, so it is remembered per file, keyed by its mtime and size.
  const derivedCache = new Map<string, { key: string; integrity: string; publishedAt: string }>()

  function deriveEntry(path: string): { integrity: string; publishedAt: string } | null {
    const info = statOrNull(path)
    if (!info) return null
    const key = `${info.mtimeMs}:${info.size}`
    const hit = derivedCache.get(path)
    if (hit?.key === key) return hit
    const raw = readIfExistsSync(path)
    if (raw === null) return null
    const derived = { key, ...fileFacts(raw, info.mtime) }
    derivedCache.set(path, derived)
    return derived
  }

  function idDir(id: string): string {
    if (!isValidId(id)) throw new Error(`fs store: refusing id ${JSON.stringify(id)}`)
    const dir = resolve(templatesDir, ...id.split('/'))
    if (!dir.startsWith(templatesDir + sep)) throw new Error(`fs store: id ${JSON.stringify(id)} leaves the store`)
    return dir
  }

  function versionPath(id: string, version: string): string {
    if (!isValidVersion(version)) throw new Error(`fs store: refusing version ${JSON.stringify(version)}`)
    return join(idDir(id), `${version}.json`)
  }

  // listIds reads every id's folder and an index build calls getEntry right after, which would read
  // it again: a listing is used once more if the folder's mtime shows nothing changed in it since
  // (with a margin for coarse timestamps; adding a file or replacing meta.json changes it).
  const listings = new Map<string, { at: number; versions: string[] }>()

  function listVersions(dir: string, folderMtimeMs?: number): string[] {
    const listed = listings.get(dir)
    listings.delete(dir)
    if (listed && folderMtimeMs !== undefined && folderMtimeMs < listed.at - 2000) return listed.versions
    return versionsIn(readdirOrEmpty(dir))
  }

  // Reads for the index (listIds, getEntry) are synchronous and time-sliced: see createSlicer.
  const pause = createSlicer(options.sliceMs)

  /** The id's meta by the catalogue-folder rules (shared/catalogue-tree.ts); `stored` when meta.json was read already. */
  function readMeta(id: string, stored?: PackageMeta, folderMtimeMs?: number): PackageMeta | null {
    const dir = idDir(id)
    const versions = listVersions(dir, folderMtimeMs)
    if (versions.length === 0) return null
    stored ??= parseMetaFile(readIfExistsSync(join(dir, 'meta.json')))
    const facts = undescribed(versions, stored).map((v) => [v, deriveEntry(join(dir, `${v}.json`))] as const)
    return metaFromTree(versions, stored, new Map(facts))
  }

  async function writeMeta(id: string, meta: PackageMeta): Promise<void> {
    await writeAtomic(join(idDir(id), 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`)
  }

  const metaLock = (id: string) => join(idDir(id), '.meta.lock')

  // Entries are rebuilt only when their folder (a version added) or meta.json (tags, deprecations)
  // changed, so rebuilding the index after one publish does not re-read every id.
  const entryCache = new Map<string, { stamp: string; entry: TemplateEntry }>()

  async function getEntry(id: string): Promise<TemplateEntry | null> {
    if (!isValidId(id)) return null
    await pause()
    const dir = idDir(id)
    const stamp = folderStamp(dir)
    if (stamp === null) return null
    const hit = entryCache.get(id)
    if (hit && hit.stamp === stamp.key) return hit.entry
    const meta = readMeta(id, undefined, stamp.folderMtimeMs)
    if (!meta) return null
    const latest = meta['dist-tags'].latest
    const latestRaw = latest ? readIfExistsSync(join(dir, `${latest}.json`)) : null
    const entry = entryFromMeta(id, latestRaw, meta)
    // A change within the filesystem's timestamp granularity could hide behind an equal stamp.
    if (stamp.settled) entryCache.set(id, { stamp: stamp.key, entry })
    return entry
  }

  async function updateMeta(id: string, version: string, change: (meta: PackageMeta) => void): Promise<boolean> {
    if (!isValidId(id) || !isValidVersion(version)) return false
    if ((await getVersionFile(id, version)) === null) return false
    const ok = await withLock(metaLock(id), async () => {
      const meta = readMeta(id)
      if (!meta?.versions[version]) return false
      change(meta)
      await writeMeta(id, meta)
      return true
    })
    if (ok) await changed()
    return ok
  }

  const getVersionFile = (id: string, version: string) => readIfExists(versionPath(id, version))

  async function readTokens(): Promise<TokenRecord[]> {
    const text = await readIfExists(tokensPath)
    if (text === null) return []
    const parsed = JSON.parse(text) as { tokens?: TokenRecord[] }
    return Array.isArray(parsed.tokens) ? parsed.tokens : []
  }

  async function writeTokens(tokens: TokenRecord[]): Promise<void> {
    await writeAtomic(tokensPath, `${JSON.stringify({ tokens }, null, 2)}\n`, 0o600)
  }

  return {
    kind: 'fs',

    async listIds() {
      const ids: string[] = []
      for (const name of readdirOrEmpty(templatesDir)) {
        if (name.startsWith('@')) {
          for (const sub of readdirOrEmpty(join(templatesDir, name)))
            if (isValidId(`${name}/${sub}`)) ids.push(`${name}/${sub}`)
        } else if (isValidId(name)) ids.push(name)
      }
      listings.clear()
      const present: string[] = []
      for (const id of ids) {
        await pause()
        const at = Date.now()
        const versions = listVersions(idDir(id))
        listings.set(idDir(id), { at, versions })
        if (versions.length > 0) present.push(id)
      }
      return present.sort()
    },

    getEntry,

    async getVersion(id, version) {
      if (!isValidId(id) || !isValidVersion(version)) return null
      return readIfExists(versionPath(id, version))
    },

    async publish(id: string, version: string, raw: string, entry: VersionEntry): Promise<PublishResult> {
      const path = versionPath(id, version)
      if (!(await createExclusive(path, raw))) return { created: false }
      const meta = await withLock(metaLock(id), async () => {
        // meta.json is read once: it still names the latest before this publish, and readMeta
        // (which sees the new file already) builds on it.
        const stored = parseMetaFile(await readIfExists(join(idDir(id), 'meta.json')))
        const meta = readMeta(id, stored) ?? { 'dist-tags': {}, versions: {} }
        const before =
          stored['dist-tags'].latest && meta.versions[stored['dist-tags'].latest]
            ? stored['dist-tags'].latest
            : undefined
        const previous = before ?? latestStable(Object.keys(meta.versions).filter((v) => v !== version))
        meta.versions[version] = { ...entry }
        meta['dist-tags'].latest = nextLatest(previous, version)
        await writeMeta(id, meta)
        return meta
      })
      await changed()
      const latest = meta['dist-tags'].latest!
      const latestRaw = latest === version ? raw : await readIfExists(versionPath(id, latest))
      return { created: true, entry: entryFromMeta(id, latestRaw, meta) }
    },

    deprecate(id, version, message) {
      return updateMeta(id, version, (meta) => {
        const current = meta.versions[version]!
        const { deprecated: _, ...rest } = current
        meta.versions[version] = message ? { ...rest, deprecated: message } : rest
      })
    },

    setDistTag(id, tag, version) {
      return updateMeta(id, version, (meta) => {
        meta['dist-tags'][tag] = version
      })
    },

    listTokens: readTokens,

    async addToken(token) {
      await mkdir(root, { recursive: true })
      await withLock(join(root, '.tokens.lock'), async () => writeTokens([...(await readTokens()), token]))
    },

    async revokeToken(id) {
      await mkdir(root, { recursive: true })
      return withLock(join(root, '.tokens.lock'), async () => {
        const tokens = await readTokens()
        const kept = tokens.filter((t) => t.id !== id)
        if (kept.length === tokens.length) return false
        await writeTokens(kept)
        return true
      })
    },

    onChange(listener) {
      listeners.add(listener)
      watcher.start()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) watcher.stop()
      }
    },

    async ready() {
      return (await stat(root)).isDirectory()
    },

    async close() {
      listeners.clear()
      watcher.stop()
    },
  }
}

function folderStamp(dir: string): { key: string; settled: boolean; folderMtimeMs: number } | null {
  const folder = statOrNull(dir)
  if (!folder) return null
  const meta = statOrNull(join(dir, 'meta.json'))
  const newest = Math.max(folder.mtimeMs, meta?.mtimeMs ?? 0)
  return {
    key: `${folder.ino}:${folder.mtimeMs}:${meta?.ino}:${meta?.mtimeMs}:${meta?.size}`,
    settled: Date.now() - newest > 2000,
    folderMtimeMs: folder.mtimeMs,
  }
}
