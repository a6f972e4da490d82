import { CliError } from '../../shared/errors.js'
import { pickVersion, requireSourceEntry } from '../registry/pick.js'
import { compareVersions } from '../../shared/versions.js'
import type { SyncContext } from './context.js'
import type { TemplateEntry } from '../../shared/types.js'
import type { LockEntry } from '../state/lock.js'
import { fetchDoc } from './context.js'
import { heldChange, type Held } from './hold.js'

export interface OutdatedRow {
  name: string
  template: string
  current: string
  /** Best version the range allows (npm's Wanted). */
  wanted: string | null
  /** `dist-tags.latest` (npm's Latest), which a caret pin may not reach. */
  latest: string | null
  registry: string
  range: string
  deprecated?: string
  /** Wanted is older than current: the newest in range was retracted, or the pin was lowered. */
  downgrade: boolean
  /** Wanted, but held back by sync: it changes the contract or is a new major. */
  held?: Held
}

/** Entries only (one small signed document per template, or the index): no version document is read. */
export async function outdatedRows(
  ctx: SyncContext,
  names: string[],
): Promise<{ rows: OutdatedRow[]; errors: { name: string; code: string; message: string; hint?: string }[] }> {
  const selected = names.length
    ? names
    : Object.keys(ctx.lock.instances).filter((n) => ctx.config.instances.some((i) => i.name === n))
  const rows: OutdatedRow[] = []
  const errors: { name: string; code: string; message: string; hint?: string }[] = []
  for (const name of selected) {
    const e = ctx.lock.instances[name]
    try {
      if (!e)
        throw new CliError('E_UNMANAGED', `instance "${name}" is not managed (run \`claude-multi adopt ${name}\`)`)
      const entry = await requireSourceEntry(ctx.registries.get(e.registry), e.template)
      const wanted = await pickVersion(entry, e.range)
      const dep = entry.versions[e.version]?.deprecated
      const held =
        wanted && wanted.version !== e.version ? await heldFor(ctx, name, e, entry, wanted.version) : undefined
      rows.push({
        name,
        template: e.template,
        current: e.version,
        wanted: wanted?.version ?? null,
        latest: entry['dist-tags'].latest ?? null,
        registry: e.registry,
        range: e.range,
        ...(dep ? { deprecated: dep } : {}),
        downgrade: wanted !== undefined && compareVersions(wanted.version, e.version) < 0,
        ...(held ? { held } : {}),
      })
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      errors.push({ name, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) })
    }
  }
  return { rows, errors }
}

/** Reads the two documents only for an instance that would move; a document that cannot be read says nothing. */
async function heldFor(
  ctx: SyncContext,
  name: string,
  e: LockEntry,
  entry: TemplateEntry,
  wanted: string,
): Promise<Held | undefined> {
  try {
    const base = (await fetchDoc(ctx, e.registry, e.template, e.version, e.integrity)).template
    const theirs = (await fetchDoc(ctx, e.registry, e.template, wanted, entry.versions[wanted]?.integrity)).template
    return await heldChange(name, entry, e.range, base, theirs)
  } catch (err) {
    if (err instanceof CliError) return undefined
    throw err
  }
}

export const isOutdated = (r: OutdatedRow) => r.current !== r.wanted || r.current !== r.latest
