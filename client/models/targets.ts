/**
 * Builds what `doctor --models` checks from local state: the environment Claude Code will really
 * see for each instance (the wrapper's block, with `<configDir>/settings.json` `env` on top since
 * Claude Code 2.x lets it win) and the key, read the way the wrapper reads it.
 */
import { readFileSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'
import { AUTH_VARS, type AuthVar } from '../../shared/roles.js'
import { loadConfig, type InstanceConfig } from '../state/config.js'
import { readJson } from '../state/json-file.js'
import { loadLock, type LockEntry } from '../state/lock.js'
import { keyFile, resolvePaths, settingsFile } from '../state/paths.js'
import { Registries } from '../registry/registries.js'
import { loadTarget } from '../sync/target.js'
import type { ModelCheckTarget } from './types.js'

const AUTH_RE = new RegExp(`\\b(${AUTH_VARS.join('|')})\\b`)

function settingsEnv(configDir: string): Record<string, string> {
  const read = readJson<{ env?: Record<string, unknown> }>(settingsFile(configDir), 'settings')
  const env = read?.value?.env
  if (!env || typeof env !== 'object') return {}
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

function readKeyFile(path: string): { key: string | null; keyProblem?: string } {
  try {
    const key = readFileSync(path, 'utf8').trim()
    return key ? { key } : { key: null, keyProblem: `the key file ${path} is empty` }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return {
      key: null,
      keyProblem: code === 'ENOENT' ? `the key file ${path} does not exist` : `cannot read ${path} (${code})`,
    }
  }
}

/** The auth variable a plain env sets (settings.json layout: the key sits in `env`). */
const authFromEnv = (env: Record<string, string>): AuthVar => AUTH_VARS.find((v) => env[v]) ?? 'ANTHROPIC_AUTH_TOKEN'

function managedTarget(
  name: string,
  inst: InstanceConfig | undefined,
  e: LockEntry,
  processEnv: NodeJS.ProcessEnv,
): ModelCheckTarget {
  const configDir = inst?.configDir
  const source = `${e.template}@${e.version} from ${e.registry}`
  if (e.target.kind === 'settings') {
    const env = settingsEnv(configDir ?? '')
    const authVar = authFromEnv(env)
    const { [authVar]: key, ...rest } = env
    return {
      name,
      source,
      env: rest,
      authVar,
      key: key || null,
      ...(key ? {} : { keyProblem: `settings.json sets no ${authVar}` }),
    }
  }
  const loaded = loadTarget(e.target, name)
  const keyLine = loaded.parsed?.lines.find((l) => l.kind === 'key')
  const authVar = (keyLine && AUTH_RE.exec(keyLine.raw)?.[1]) as AuthVar | undefined
  const notes: string[] = []
  const env = { ...loaded.env }
  const settings = configDir ? settingsEnv(configDir) : {}
  // Claude Code 2.x: settings.json `env` beats the wrapper's exports, so check what it will use.
  for (const [k, v] of Object.entries(settings)) {
    if ((AUTH_VARS as readonly string[]).includes(k)) continue
    if (k in env && env[k] !== v) notes.push(`${settingsFile(configDir!)} sets ${k}=${v}, which wins over the wrapper`)
    env[k] = v
  }
  let key: { key: string | null; keyProblem?: string }
  const ref = e.key === undefined && configDir ? { file: keyFile(configDir) } : e.key
  if (authVar && settings[authVar]) {
    notes.push(`${settingsFile(configDir!)} sets ${authVar}, which wins over the wrapper's key`)
    key = { key: settings[authVar]! }
  } else if (!ref) key = { key: null, keyProblem: `the instance has no key configured (claude-multi key ${name})` }
  else if ('file' in ref) key = readKeyFile(ref.file)
  else key = processEnv[ref.env] ? { key: processEnv[ref.env]! } : { key: null, keyProblem: `$${ref.env} is not set` }
  return { name, source, env, authVar: authVar ?? 'ANTHROPIC_AUTH_TOKEN', ...key, ...(notes.length ? { notes } : {}) }
}

/** An instance claude-multi lists but we do not manage yet: older layout, all in settings.json. */
function legacyTarget(inst: InstanceConfig): ModelCheckTarget {
  const env = settingsEnv(inst.configDir)
  const authVar = authFromEnv(env)
  const { [authVar]: key, ...rest } = env
  return {
    name: inst.name,
    source: `not managed${inst.providerTemplate ? `, ${inst.providerTemplate}` : ''}`,
    env: rest,
    authVar,
    key: key || null,
    ...(key ? {} : { keyProblem: `${settingsFile(inst.configDir)} sets no ${authVar}` }),
  }
}

/**
 * The locked version's `retired` list, from the cache or the bundled catalogue only: doctor
 * talks to providers, not to registries, and a missing document just means no extra advice.
 */
async function lockedRetired(registries: Registries, e: LockEntry): Promise<Record<string, string | null> | undefined> {
  try {
    return (await registries.get(e.registry).version(e.template, e.version, e.integrity || undefined)).template.retired
  } catch {
    return undefined
  }
}

/** Targets for the named instances (all when none are named), in config order. */
export async function loadModelTargets(
  names: string[],
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<ModelCheckTarget[]> {
  const paths = resolvePaths(processEnv)
  const { config } = loadConfig(paths)
  const lock = loadLock(paths)
  const known = [...new Set([...config.instances.map((i) => i.name), ...Object.keys(lock.instances)])]
  for (const name of names) {
    if (!known.includes(name)) {
      throw new CliError(
        'E_NO_INSTANCE',
        `unknown instance "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`,
        1,
        'run `claude-multi list` to see your instances',
      )
    }
  }
  const registries = new Registries({ paths, config, offline: true, warn: () => {} })
  return Promise.all(
    (names.length ? names : known).map(async (name): Promise<ModelCheckTarget> => {
      const inst = config.instances.find((i) => i.name === name)
      const entry = lock.instances[name]
      try {
        if (!entry) return legacyTarget(inst!)
        const retired = await lockedRetired(registries, entry)
        return { ...managedTarget(name, inst, entry, processEnv), ...(retired ? { retired } : {}) }
      } catch (err) {
        // One broken instance must not hide the others' results.
        if (!(err instanceof CliError)) throw err
        return { name, env: {}, authVar: 'ANTHROPIC_AUTH_TOKEN', key: null, problem: err.message }
      }
    }),
  )
}
