/** `key`: where an instance's wrapper reads its API key, rewritten in the wrapper's key lines only. */
import { digestOf } from '../../shared/digest.js'
import { CliError, UsageError } from '../../shared/errors.js'
import { parseWrapper, renderKeyLines, spliceWrapper } from '../../shared/wrapper.js'
import { requireInstance } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { writeKeyFile } from '../state/keys.js'
import { type KeyRef, saveLock } from '../state/lock.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'

/** A variable read at run time, or a secret stored in the instance's 0600 key file. */
export type KeySource = { env: string } | { secret: string }

export async function changeKey(ctx: SyncContext, tx: Transaction, name: string, source: KeySource): Promise<void> {
  const inst = requireInstance(ctx.config, name)
  const entry = ctx.lock.instances[name]
  if (entry?.target.kind !== 'wrapper')
    throw new CliError('E_UNMANAGED', `${name} has no claude-multi wrapper; its key stays where it is`)
  const key: KeyRef = 'env' in source ? { env: source.env } : { file: writeKeyFile(tx, inst.configDir, source.secret) }
  const text = readText(entry.target.path)
  if (text === undefined)
    throw new CliError(
      'E_MISSING',
      `${entry.target.path} does not exist`,
      1,
      `re-create it with \`claude-multi sync ${name}\``,
    )
  const doc = await ctx.registries.get(entry.registry).version(entry.template, entry.version, entry.integrity)
  const parsed = parseWrapper(text)
  if ('env' in source && Object.hasOwn(parsed.env, source.env))
    throw new UsageError(
      `--api-key-env ${source.env}: the wrapper itself sets ${source.env}`,
      'name another variable for the key',
    )
  const next = spliceWrapper(
    parsed,
    parsed.env,
    undefined,
    renderKeyLines(name, doc.template.auth, key, Object.keys(parsed.env)),
  )
  tx.write(entry.target.path, next)
  entry.key = key
  entry.written = digestOf(next)
  saveLock(tx, ctx.paths, ctx.lock)
}
