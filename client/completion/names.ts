/**
 * The names `completion --list` prints at TAB time: local files only, never the network, and only
 * names that pass our own id rules, so nothing a registry served reaches the shell's input line.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isValidId } from '../../shared/ids.js'
import { bundledRoot } from '../registry/bundled.js'
import { registryConfigs } from '../registry/registries.js'
import { RegistryCache } from '../state/cache.js'
import { loadConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { NAME_RE, type Paths } from '../state/paths.js'

export type ListKind = 'instances' | 'templates' | 'registries'
export const LIST_KINDS: readonly ListKind[] = ['instances', 'templates', 'registries']

const dirs = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  } catch {
    return []
  }
}

/** `<dir>/<id>/` and `<dir>/@scope/<name>/`: how both the catalogue and the cache lay out ids. */
const idDirs = (dir: string): string[] =>
  dirs(dir).flatMap((d) => (d.startsWith('@') ? dirs(join(dir, d)).map((s) => `${d}/${s}`) : [d]))

function cachedIds(cacheDir: string): string[] {
  const ids = idDirs(join(cacheDir, 'templates'))
  try {
    const index = JSON.parse(readText(join(cacheDir, 'index.json')) ?? '{}') as { templates?: Record<string, unknown> }
    // Registry keys reach the shell's completion list: only what is a valid id, nothing else.
    if (index.templates && typeof index.templates === 'object')
      ids.push(...Object.keys(index.templates).filter(isValidId))
  } catch {}
  return ids
}

export function listNames(paths: Paths, kind: ListKind): string[] {
  let config
  try {
    config = loadConfig(paths).config
  } catch {
    return []
  }
  if (kind === 'instances') return config.instances.map((i) => i.name).filter((n) => NAME_RE.test(n))
  const registries = registryConfigs(config)
  if (kind === 'registries') return registries.map((r) => r.name).filter((n) => NAME_RE.test(n))
  const ids = registries.flatMap((r) =>
    r.url === 'bundled'
      ? idDirs(join(bundledRoot(), 'templates'))
      : cachedIds(new RegistryCache(paths.cache, r.name, r.url.replace(/\/+$/, '')).dir),
  )
  return [...new Set(ids.filter(isValidId))].sort()
}
