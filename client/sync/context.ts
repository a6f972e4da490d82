import type { Template } from '../../shared/types.js'
import type { Registries } from '../registry/registries.js'
import type { FetchedTemplate } from '../registry/types.js'
import type { Config } from '../state/config.js'
import type { Lockfile } from '../state/lock.js'
import type { Paths } from '../state/paths.js'

/** What one command run shares across instances: state loaded once, documents fetched once. */
export interface SyncContext {
  paths: Paths
  config: Config
  lock: Lockfile
  registries: Registries
  docs: Map<string, Promise<FetchedTemplate>>
}

export function fetchDoc(
  ctx: SyncContext,
  registry: string,
  id: string,
  version: string,
  integrity?: string,
): Promise<FetchedTemplate> {
  const key = `${registry}\0${id}@${version}`
  let doc = ctx.docs.get(key)
  if (!doc) {
    doc = ctx.registries.get(registry).version(id, version, integrity)
    ctx.docs.set(key, doc)
  }
  return doc
}

/** Inputs recorded at setup that a version still declares (a later version may drop one). */
export function inputsFor(t: Template, inputs: Record<string, string>): Record<string, string> {
  const declared = new Set((t.inputs ?? []).map((i) => i.name))
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => declared.has(k)))
}
