import { chmodSync } from 'node:fs'
import { verifyCache } from '../state/cache-verify.js'
import type { LoadedConfig } from '../state/config.js'
import { fsStep } from '../state/fs-errors.js'
import type { Transaction } from '../state/transaction.js'
import { applyPlans } from './apply.js'
import type { SyncContext } from './context.js'
import type { Fix } from './doctor-check.js'
import { recoverInstance } from './recover.js'
import { notifyEnabled } from '../notify/lines.js'
import { rewriteNotifyLines } from '../notify/rewrite.js'
import { planAll } from './run.js'

/** The fixes that need no transaction (a mode, the cache); each returns what it did. */
export function fixOutside(fixes: Fix[], cacheRoot: string): string[] {
  const done: string[] = []
  for (const f of fixes) {
    if (f.kind === 'chmod') {
      fsStep(f.path, () => chmodSync(f.path, f.mode), 'change the mode of')
      done.push(`chmod ${f.mode.toString(8)} ${f.path}`)
    } else if (f.kind === 'cache') {
      const r = verifyCache(cacheRoot)
      done.push(`dropped ${r.dropped.length} damaged cache file(s)`)
    }
  }
  return done
}

/** The fixes that change instance state, staged in one transaction: missing wrappers, lost lock entries, notice lines. */
export async function fixInside(
  ctx: SyncContext & { loaded: LoadedConfig },
  tx: Transaction,
  fixes: Fix[],
): Promise<string[]> {
  const done: string[] = []
  for (const f of fixes)
    if (f.kind === 'recover')
      done.push(`rebuilt the lock entry of ${(await recoverInstance(ctx, tx, f.name)).name} from its wrapper`)
  const recreate = fixes.flatMap((f) => (f.kind === 'recreate' ? [f.name] : []))
  if (recreate.length) {
    const { plans } = await planAll(ctx, recreate)
    for (const name of applyPlans(ctx, tx, plans)) done.push(`wrote the missing wrapper of ${name}`)
  }
  // Last: a wrapper written above already has the lines the setting asks for.
  if (fixes.some((f) => f.kind === 'notify'))
    for (const name of rewriteNotifyLines(ctx, tx).rewritten)
      done.push(`${notifyEnabled(ctx.config) ? 'wrote' : 'took out'} the update-notice lines of claude-${name}`)
  return done
}
