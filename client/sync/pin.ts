/** `pin` and `unpin`: the range an instance follows, changed in the lock (the next sync applies it). */
import { CliError } from '../../shared/errors.js'
import { pickOrThrow, requireSourceEntry } from '../registry/pick.js'
import { requireInstance } from '../state/config.js'
import { type LockEntry, saveLock } from '../state/lock.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'

export interface RangeChange {
  name: string
  template: string
  from: string
  range: string
  current: string
  /** The version the new range picks now (`pin` only). */
  wanted?: string
}

/** The lock entry of an instance sync manages; an instance it does not manage yet names `adopt`. */
export function managedEntry(ctx: SyncContext, name: string): LockEntry {
  requireInstance(ctx.config, name)
  const entry = ctx.lock.instances[name]
  if (!entry)
    throw new CliError('E_UNMANAGED', `instance "${name}" is not managed yet`, 1, `run \`claude-multi adopt ${name}\``)
  return entry
}

function setRange(ctx: SyncContext, tx: Transaction, name: string, entry: LockEntry, range: string): RangeChange {
  const from = entry.range
  entry.range = range
  if (from !== range) saveLock(tx, ctx.paths, ctx.lock)
  return { name, template: entry.template, from, range, current: entry.version }
}

/** Sets the range; one that nothing satisfies now is refused rather than left to fail the next sync. */
export async function pinInstance(
  ctx: SyncContext,
  tx: Transaction,
  name: string,
  range: string,
): Promise<RangeChange> {
  const entry = managedEntry(ctx, name)
  const source = await requireSourceEntry(ctx.registries.get(entry.registry), entry.template)
  const wanted = (await pickOrThrow(source, range, 'give a range one of them satisfies, or a dist-tag')).version
  return { ...setRange(ctx, tx, name, entry, range), wanted }
}

/** Follows compatible updates again: `^<current version>`. */
export function unpinInstance(ctx: SyncContext, tx: Transaction, name: string): RangeChange {
  const entry = managedEntry(ctx, name)
  return setRange(ctx, tx, name, entry, `^${entry.version}`)
}
