/** `rollback`: the file, lock entry and overrides as they were before the last write; a second rollback undoes it. */
import { CliError } from '../../shared/errors.js'
import { compareVersions } from '../../shared/versions.js'
import { requireInstance } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { type LockEntry, saveLock } from '../state/lock.js'
import { overridesFile } from '../state/paths.js'
import { loadPrevious, type Previous, savePrevious } from '../state/previous.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'

export interface RollbackResult {
  name: string
  restored: Previous
  /** The lock entry that was replaced, if the instance had one. */
  replaced: LockEntry | undefined
  /** overrides.json was put back too (it differed). */
  overrides: boolean
}

export function rollbackInstance(ctx: SyncContext, tx: Transaction, name: string): RollbackResult {
  const inst = requireInstance(ctx.config, name)
  const prev = loadPrevious(inst.configDir)
  if (!prev)
    throw new CliError(
      'E_NO_PREVIOUS',
      `${name} has nothing to roll back to (no write since it was added)`,
      1,
      `for another version: claude-multi pin ${name} <version> && claude-multi sync ${name}`,
    )
  const current = ctx.lock.instances[name]
  const currentText = readText(prev.path)
  const overridesPath = overridesFile(inst.configDir)
  const currentOverrides = readText(overridesPath) ?? null
  // The state being replaced becomes the new "previous", so a second rollback undoes the first.
  if (current && currentText !== undefined)
    savePrevious(tx, inst.configDir, {
      path: prev.path,
      text: currentText,
      entry: current,
      savedAt: new Date().toISOString(),
      ...(prev.overrides !== undefined ? { overrides: currentOverrides } : {}),
    })
  tx.write(prev.path, prev.text)
  const overrides = prev.overrides !== undefined && prev.overrides !== currentOverrides
  if (overrides) {
    if (prev.overrides === null) tx.remove(overridesPath)
    else tx.write(overridesPath, prev.overrides!, { dirMode: 0o700 })
  }
  // Going back from a newer version declines it: auto-sync (client/notify) will not apply it again.
  const declined =
    current && compareVersions(current.version, prev.entry.version) > 0 ? { declined: current.version } : {}
  // The range is the user's standing choice, set by `pin` after that write perhaps: it stays.
  const range = current ? { range: current.range } : {}
  ctx.lock.instances[name] = { ...prev.entry, ...declined, ...range }
  saveLock(tx, ctx.paths, ctx.lock)
  return { name, restored: prev, replaced: current, overrides }
}
