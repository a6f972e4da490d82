import { statSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'
import { parseWrapper, renderKeyLines, spliceWrapper, withNotifyLines } from '../../shared/wrapper.js'
import { notifyLinesFor } from '../notify/lines.js'
import { saveConfig, type LoadedConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { saveLock } from '../state/lock.js'
import { pathExists } from '../state/overlay.js'
import { assertName, wrapperPath } from '../state/paths.js'
import { loadPrevious, savePrevious } from '../state/previous.js'
import type { Transaction } from '../state/transaction.js'
import { fetchDoc, type SyncContext } from './context.js'
import { digestOf } from '../../shared/digest.js'

export interface RenameResult {
  from: string
  to: string
  wrapper?: string
  configDir: string
}

/**
 * Stages `old` → `to`: the wrapper moves (its generated header and key lines name the new
 * instance; every other byte, hand edits included, moves as it is), and so do the config and
 * lock entries and the rollback state. The config dir stays where it is: it holds Claude Code's
 * own data, and the wrapper keeps pointing at it.
 */
export async function renameInstance(
  ctx: SyncContext & { loaded: LoadedConfig },
  tx: Transaction,
  old: string,
  to: string,
): Promise<RenameResult> {
  assertName(to)
  const inst = ctx.config.instances.find((i) => i.name === old)
  if (!inst)
    throw new CliError('E_NO_INSTANCE', `unknown instance "${old}"`, 1, 'run `claude-multi list` to see your instances')
  if (old === to) throw new CliError('E_EXISTS', `the instance is already called "${to}"`)
  if (ctx.config.instances.some((i) => i.name === to) || ctx.lock.instances[to])
    throw new CliError(
      'E_EXISTS',
      `instance "${to}" already exists`,
      1,
      'choose another name, or `claude-multi remove` that one first',
    )
  const oldWrapper = wrapperPath(ctx.paths, old)
  const newWrapper = wrapperPath(ctx.paths, to)
  if (pathExists(newWrapper))
    throw new CliError('E_EXISTS', `${newWrapper} already exists`, 1, 'move it away or choose another name')

  const entry = ctx.lock.instances[old]
  const movesWrapper = entry
    ? entry.target.kind === 'wrapper' && entry.target.path === oldWrapper
    : inst.binaryPath === oldWrapper
  const text = movesWrapper ? readText(oldWrapper) : undefined
  if (text !== undefined) {
    let next = text.replace(
      `# claude-${old}: Claude Code with provider settings`,
      `# claude-${to}: Claude Code with provider settings`,
    )
    if (entry?.key) {
      const parsed = parseWrapper(next)
      const auth = (await fetchDoc(ctx, entry.registry, entry.template, entry.version, entry.integrity)).template.auth
      // The notice lines name the instance's files: they follow the new name.
      next = spliceWrapper(
        parsed,
        parsed.env,
        undefined,
        renderKeyLines(to, auth, entry.key, Object.keys(parsed.env)),
        notifyLinesFor(ctx, to),
      )
    } else if (entry) {
      next = withNotifyLines(parseWrapper(next), notifyLinesFor(ctx, to))
    }
    tx.write(newWrapper, next, { mode: statSync(oldWrapper).mode & 0o7777 })
    tx.remove(oldWrapper)
    if (entry) entry.written = entry.written === digestOf(text) ? digestOf(next) : entry.written
  }
  inst.name = to
  if (inst.binaryPath === oldWrapper) inst.binaryPath = newWrapper
  saveConfig(tx, ctx.loaded)
  if (entry) {
    if (movesWrapper) entry.target = { kind: 'wrapper', path: newWrapper }
    delete ctx.lock.instances[old]
    ctx.lock.instances[to] = entry
    saveLock(tx, ctx.paths, ctx.lock)
    const prev = safePrevious(inst.configDir)
    if (prev && prev.path === oldWrapper) {
      savePrevious(tx, inst.configDir, {
        ...prev,
        path: newWrapper,
        entry: { ...prev.entry, target: { kind: 'wrapper', path: newWrapper } },
      })
    }
  }
  return { from: old, to, ...(movesWrapper ? { wrapper: newWrapper } : {}), configDir: inst.configDir }
}

function safePrevious(configDir: string) {
  try {
    return loadPrevious(configDir)
  } catch {
    return undefined
  }
}
