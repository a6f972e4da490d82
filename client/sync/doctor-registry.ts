/**
 * doctor's registry checks. A registry is checked through the entries of the templates the lock
 * uses from it, each read and verified as `sync` reads it (its signed per-id document, the index
 * only from an older server), so the check costs the same at 10 ids as at 10,000. A registry no
 * instance uses gets one HEAD of its index: reachable or not, none of its bytes.
 */
import { CliError } from '../../shared/errors.js'
import { requireSourceEntry } from '../registry/pick.js'
import type { Registries } from '../registry/registries.js'
import type { Lockfile } from '../state/lock.js'
import { fail, ok, warn, type Check } from './doctor-check.js'

/** Template ids in use per registry; `public` is always checked, used or not. */
export function idsInUse(lock: Lockfile): Map<string, string[]> {
  const used = new Map<string, Set<string>>([['public', new Set()]])
  for (const e of Object.values(lock.instances)) {
    let ids = used.get(e.registry)
    if (!ids) used.set(e.registry, (ids = new Set()))
    ids.add(e.template)
  }
  return new Map([...used].map(([name, ids]) => [name, [...ids].sort()]))
}

async function checkOne(registries: Registries, name: string, ids: string[]): Promise<Check> {
  const source = registries.get(name)
  if (ids.length) {
    for (const id of ids) await requireSourceEntry(source, id)
    const by = source.signedBy ? `, signed by key ${source.signedBy}` : ''
    return ok(`registry ${name}`, `${source.url}: the entries of ${ids.join(', ')} read and checked${by}`)
  }
  if (source.probe) {
    await source.probe()
    return ok(`registry ${name}`, `${source.url}: answers (no instance uses it)`)
  }
  // The bundled catalogue: files of the installed package, counted on disk.
  return ok(`registry ${name}`, `${source.url}: ${Object.keys((await source.index()).templates).length} templates`)
}

/**
 * One check per registry; a failure (unreachable with nothing cached, a refused entry, a template
 * gone) fails that one only. `warnings` is what the registries reported while being read: any of
 * them (e.g. unreachable, cached entries used) makes that registry's check a warning.
 */
export async function checkRegistries(registries: Registries, lock: Lockfile, warnings: string[]): Promise<Check[]> {
  const checks: Check[] = []
  for (const [name, ids] of idsInUse(lock)) {
    const from = warnings.length
    try {
      const done = await checkOne(registries, name, ids)
      const said = warnings.slice(from)
      checks.push(said.length ? warn(done.check, said.join('; ')) : done)
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      checks.push(fail(`registry ${name}`, err.message, err.hint))
    }
  }
  return checks
}
