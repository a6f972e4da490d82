import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The catalogue shipped with the package. Compiled code lives in `dist/server/`, sources in
 * `server/`, so the `registry/` folder is two or one levels up.
 */
export function bundledRegistryDir(): string {
  for (const relative of ['../../registry/', '../registry/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(`${dir}templates`)) return dir
  }
  return fileURLToPath(new URL('../../registry/', import.meta.url))
}
