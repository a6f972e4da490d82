import { accessSync, constants } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import { UsageError } from '../../shared/errors.js'

/** Every location the client reads or writes, resolved once from the environment. */
export interface Paths {
  home: string
  binDir: string
  config: string
  lock: string
  cache: string
  tokens: string
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.CLAUDE_MULTI_HOME || join(homedir(), '.claude-multi')
  return {
    home,
    binDir: env.CLAUDE_MULTI_BIN_DIR || join(homedir(), '.local', 'bin'),
    config: join(home, 'config.json'),
    lock: join(home, 'claude-multi.lock'),
    cache: join(home, 'cache'),
    tokens: join(home, 'tokens'),
  }
}

export const NAME_RE = /^[a-z0-9][a-z0-9-]*$/
/** Long enough for any real name, short enough that `.claude-<name>.cm-<id>` fits every file system. */
export const NAME_MAX = 64

/** An instance name, checked before anything is written. */
export function assertName(name: string): void {
  if (!NAME_RE.test(name))
    throw new UsageError(
      `"${name.length > 80 ? `${name.slice(0, 80)}…` : name}" is not a valid instance name`,
      'use lowercase letters, digits and dashes, starting with a letter or digit',
    )
  if (name.length > NAME_MAX)
    throw new UsageError(
      `the instance name is ${name.length} characters long; the limit is ${NAME_MAX}`,
      'choose a shorter name',
    )
}

export const defaultConfigDir = (name: string) => join(homedir(), `.claude-${name}`)
export const wrapperPath = (paths: Paths, name: string) => join(paths.binDir, `claude-${name}`)

/** Per-instance files the client owns inside the instance's config dir. */
export const keyFile = (configDir: string) => join(configDir, '.claude-multi-key')
export const overridesFile = (configDir: string) => join(configDir, 'overrides.json')
export const previousFile = (configDir: string) => join(configDir, '.claude-multi', 'previous.json')
export const settingsFile = (configDir: string) => join(configDir, 'settings.json')

/** `CLAUDE_MULTI_CLAUDE_PATH`, else the first `claude` on PATH, else the bare name. */
export function findClaude(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_MULTI_CLAUDE_PATH) return env.CLAUDE_MULTI_CLAUDE_PATH
  const found = which('claude', env)
  return found ?? 'claude'
}

export function which(bin: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, bin)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}
