import { accessSync, constants } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, isAbsolute, join } from 'node:path'
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

/**
 * A relative directory would be read from wherever a command (or a wrapper) runs: the wrapper
 * embeds the home in its notice lines, so `CLAUDE_MULTI_HOME=.cm` made every launch inside a cloned
 * repository print that repository's `.cm/notify/<name>.notice` raw to the terminal and run the
 * background check against its `.cm/config.json`. Refused, as XDG treats a relative base dir.
 */
function absolute(value: string, from: string): string {
  if (isAbsolute(value)) return value
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  throw new UsageError(
    `${from} is ${shown}, not an absolute path; claude-multi would read and write relative to the current directory`,
    `set ${from.split(' ')[0]} to an absolute path, e.g. "$PWD/${value.replace(/^\.\//, '')}"`,
  )
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.CLAUDE_MULTI_HOME
    ? absolute(env.CLAUDE_MULTI_HOME, 'CLAUDE_MULTI_HOME')
    : join(absolute(homedir(), 'HOME (your home directory)'), '.claude-multi')
  return {
    home,
    binDir: env.CLAUDE_MULTI_BIN_DIR
      ? absolute(env.CLAUDE_MULTI_BIN_DIR, 'CLAUDE_MULTI_BIN_DIR')
      : join(absolute(homedir(), 'HOME (your home directory)'), '.local', 'bin'),
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
