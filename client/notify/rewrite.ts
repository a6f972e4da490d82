import { parseWrapper, withNotifyLines } from '../../shared/wrapper.js'
import { readText } from '../state/json-file.js'
import { saveLock } from '../state/lock.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from '../sync/context.js'
import { digestOf } from '../../shared/digest.js'
import { notifyLinesFor } from './lines.js'

/**
 * Puts every managed wrapper's notice lines in line with the setting (`config set notify …`); no
 * other byte moves. A wrapper that cannot be read or parsed is left as it is, and named: its next
 * `sync` says what is wrong with it. A hand-edited wrapper stays recognisably hand-edited.
 */
export function rewriteNotifyLines(ctx: SyncContext, tx: Transaction): { rewritten: string[]; skipped: string[] } {
  const rewritten: string[] = []
  const skipped: string[] = []
  for (const [name, entry] of Object.entries(ctx.lock.instances)) {
    if (entry.target.kind !== 'wrapper') continue
    const text = readText(entry.target.path)
    let next: string
    try {
      if (text === undefined) throw new Error('missing')
      next = withNotifyLines(parseWrapper(text), notifyLinesFor(ctx, name))
    } catch {
      skipped.push(name)
      continue
    }
    if (next === text) continue
    tx.write(entry.target.path, next)
    if (entry.written === digestOf(text)) entry.written = digestOf(next)
    rewritten.push(name)
  }
  if (rewritten.length) saveLock(tx, ctx.paths, ctx.lock)
  return { rewritten, skipped }
}
