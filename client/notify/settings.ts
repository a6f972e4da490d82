/**
 * The two switches of the update notice, staged in a transaction: a per-instance auto-sync flag
 * and the `notify` setting of config.json (which also rewrites the wrappers' notice lines).
 */
import { CliError } from '../../shared/errors.js'
import { type Config, type LoadedConfig, requireInstance, saveConfig } from '../state/config.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from '../sync/context.js'
import { rewriteNotifyLines } from './rewrite.js'

type Ctx = SyncContext & { loaded: LoadedConfig }

/** Stages `autoSync` on the instance; false when it was already so. */
export function setAutoSync(ctx: Ctx, tx: Transaction, name: string, on: boolean): boolean {
  const inst = requireInstance(ctx.config, name)
  if (on && !ctx.lock.instances[name])
    throw new CliError(
      'E_UNMANAGED',
      `instance "${name}" is not managed by claude-multi sync yet`,
      1,
      `run \`claude-multi adopt ${name}\``,
    )
  if ((inst.autoSync === true) === on) return false
  if (on) inst.autoSync = true
  else delete inst.autoSync
  saveConfig(tx, ctx.loaded)
  return true
}

/** Applies `change` to config.json (saved only when it changed), then brings every wrapper in line. */
export function changeSettings(
  ctx: Ctx,
  tx: Transaction,
  change: (config: Config) => void,
): ReturnType<typeof rewriteNotifyLines> {
  const before = JSON.stringify(ctx.config)
  change(ctx.config)
  if (JSON.stringify(ctx.config) !== before) saveConfig(tx, ctx.loaded)
  // Even when the value was already set: wrappers that lag behind it are brought in line.
  return rewriteNotifyLines(ctx, tx)
}
