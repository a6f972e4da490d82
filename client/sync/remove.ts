import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join, relative, resolve, sep } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { notifyFiles } from '../notify/files.js'
import { saveConfig, type LoadedConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { saveLock } from '../state/lock.js'
import { pathExists } from '../state/overlay.js'
import { keyFile, overridesFile, wrapperPath } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'
import { configDirOf, isOurWrapper } from './wrapper-file.js'

export interface RemoveResult {
  name: string
  /** Files and directories that go. */
  removed: string[]
  /** What stays, and why. */
  kept: { path: string; why: string }[]
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..')
}

/**
 * Why a config dir must not be deleted with its instance, if it must not: it is the home dir or
 * above it, Claude Code's own `~/.claude`, or shared with (or holding) another instance's.
 */
export function protectedDir(dir: string, others: string[]): string | undefined {
  const d = resolve(dir)
  const home = resolve(homedir())
  if (inside(d, home)) return 'it is your home directory or contains it'
  if (d === resolve(home, '.claude')) return "it is Claude Code's own ~/.claude"
  const other = others.map((o) => resolve(o)).find((o) => inside(d, o) || inside(o, d))
  if (other) return `another instance uses ${other}`
  return undefined
}

/**
 * Stages the removal of an instance: its wrapper, its config and lock entries, and its config dir
 * (or, with keepConfigDir, only the files claude-multi put there: key, overrides, rollback state).
 * Works on whatever is left of it: an entry only in the lock, or only in config.json.
 */
export function removeInstance(
  ctx: SyncContext & { loaded: LoadedConfig },
  tx: Transaction,
  name: string,
  opts: { keepConfigDir?: boolean } = {},
): RemoveResult {
  const idx = ctx.config.instances.findIndex((i) => i.name === name)
  const inst = idx >= 0 ? ctx.config.instances[idx] : undefined
  const entry = ctx.lock.instances[name]
  const defaultWrapper = wrapperPath(ctx.paths, name)
  const wrappers = new Set<string>()
  if (entry?.target.kind === 'wrapper') wrappers.add(entry.target.path)
  if (inst?.binaryPath && basename(inst.binaryPath) === `claude-${name}`) wrappers.add(inst.binaryPath)
  const defaultText = readText(defaultWrapper)
  if (
    defaultText !== undefined &&
    (isOurWrapper(defaultText) || wrappers.size === 0 || inst?.binaryPath === defaultWrapper)
  )
    wrappers.add(defaultWrapper)
  if (!inst && !entry && !(defaultText !== undefined && isOurWrapper(defaultText))) {
    const known = ctx.config.instances.map((i) => i.name)
    throw new CliError(
      'E_NO_INSTANCE',
      `unknown instance "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      1,
      'run `claude-multi list` to see your instances',
    )
  }
  const result: RemoveResult = { name, removed: [], kept: [] }
  for (const w of wrappers) {
    if (!pathExists(w)) continue
    tx.remove(w)
    result.removed.push(w)
  }
  const configDir = inst?.configDir ?? (defaultText !== undefined ? configDirOf(defaultText) : undefined)
  if (configDir && pathExists(configDir)) {
    const others = ctx.config.instances.filter((i) => i.name !== name).map((i) => i.configDir)
    const why = opts.keepConfigDir ? 'kept (--keep-config-dir)' : protectedDir(configDir, others)
    if (why) {
      for (const f of [keyFile(configDir), overridesFile(configDir), join(configDir, '.claude-multi')]) {
        if (!pathExists(f)) continue
        if (isDir(f)) tx.removeTree(f)
        else tx.remove(f)
        result.removed.push(f)
      }
      if (entry?.target.kind !== 'settings' || !why.startsWith('kept')) result.kept.push({ path: configDir, why })
      else result.kept.push({ path: configDir, why: `${why}; its settings.json keeps the provider variables` })
    } else {
      tx.removeTree(configDir)
      result.removed.push(configDir)
    }
  }
  // Not listed: they are claude-multi's bookkeeping, not something the user made.
  for (const f of notifyFiles(ctx.paths.home, name)) if (pathExists(f)) tx.remove(f)
  if (inst) {
    ctx.config.instances.splice(idx, 1)
    saveConfig(tx, ctx.loaded)
  }
  if (entry) {
    delete ctx.lock.instances[name]
    saveLock(tx, ctx.paths, ctx.lock)
  }
  return result
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
