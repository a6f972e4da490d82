/** The semver contract (shared/contract.ts) checked against what a store already holds. */
import { neighbours, semverProblem, type SemverProblem } from '../shared/contract.js'
import type { Template } from '../shared/types.js'
import type { Store } from './stores/types.js'

/**
 * Why `next` may not be published next to the versions in the store, or undefined. Only its two
 * neighbours in the caret group are read; a stored document that does not parse binds nothing.
 */
export async function storeSemverProblem(store: Store, next: Template): Promise<SemverProblem | undefined> {
  const entry = await store.getEntry(next.id)
  if (!entry) return undefined
  const published = Object.keys(entry.versions)
  const near = neighbours(next.version, published)
  const load = async (version: string | undefined): Promise<Template | undefined> => {
    if (!version) return undefined
    const raw = await store.getVersion(next.id, version)
    try {
      return raw === null ? undefined : (JSON.parse(raw) as Template)
    } catch {
      return undefined
    }
  }
  const [earlier, later] = await Promise.all([load(near.earlier), load(near.later)])
  return semverProblem(next, { ...(earlier ? { earlier } : {}), ...(later ? { later } : {}) }, published)
}
