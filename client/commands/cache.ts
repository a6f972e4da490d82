import { existsSync } from 'node:fs'
import { defineCommand } from 'citty'
import { cleanCache, verifyCache } from '../state/cache-verify.js'
import { resolvePaths } from '../state/paths.js'
import { emitJson, jsonArg, out } from './_common.js'

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KiB`

const verify = defineCommand({
  meta: {
    name: 'verify',
    description: 'Check every cached index and template document; drop what is damaged (fetched again when needed)',
  },
  args: { ...jsonArg },
  run({ args }) {
    const paths = resolvePaths()
    const r = verifyCache(paths.cache)
    if (args.json) return emitJson('cache verify', 0, { cache: paths.cache, ...r })
    for (const d of r.dropped) out(`dropped ${d.path}: ${d.why}`)
    out(
      `${paths.cache}: ${r.registries} registr${r.registries === 1 ? 'y' : 'ies'}, ${r.documents} documents verified (${kb(r.bytes)})${r.dropped.length ? `, ${r.dropped.length} damaged dropped` : ''}`,
    )
  },
})

const clean = defineCommand({
  meta: { name: 'clean', description: 'Delete the whole cache (indexes and documents are fetched again when needed)' },
  args: { ...jsonArg },
  run({ args }) {
    const paths = resolvePaths()
    // "removed … (0 KiB)" for a cache that never existed (the bundled catalogue caches nothing) misled.
    const existed = existsSync(paths.cache)
    const bytes = cleanCache(paths.cache)
    if (args.json) return emitJson('cache clean', 0, { cache: paths.cache, bytes, existed })
    out(existed ? `removed ${paths.cache} (${kb(bytes)})` : `no cache at ${paths.cache}; nothing to remove`)
  },
})

export default defineCommand({
  meta: { name: 'cache', description: 'Look after the download cache: verify, clean' },
  subCommands: { verify, clean },
})
