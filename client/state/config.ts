import { CliError } from '../../shared/errors.js'
import { formatJson, type JsonStyle, readJson } from './json-file.js'
import type { Paths } from './paths.js'
import type { Transaction } from './transaction.js'
import { newerVersionError } from './versions.js'

/** One instance as claude-multi keeps it; fields we do not know are carried through untouched. */
export interface InstanceConfig {
  name: string
  configDir: string
  binaryPath?: string
  createdAt?: string
  providerTemplate?: string
  /** `claude-multi auto <name> on`: the background check applies updates that need no decision. */
  autoSync?: boolean
  [key: string]: unknown
}

export interface RegistryConfig {
  name: string
  url: string
  scope?: string
  tokenEnv?: string
  publicKey?: string
  [key: string]: unknown
}

export interface Config {
  instances: InstanceConfig[]
  registries?: RegistryConfig[]
  version?: string
  /** `claude-multi config set notify off` writes false: wrappers carry no update-notice lines. */
  notify?: boolean
  [key: string]: unknown
}

export interface LoadedConfig {
  config: Config
  style: JsonStyle
  path: string
}

/** The newest config.json layout this client reads and writes. */
export const CONFIG_MAJOR = 2

/** A config.json nobody can read: the instances come back from their wrappers, the registries do not. */
const CONFIG_REPAIR =
  'fix it by hand, or move it away and run `claude-multi adopt` to rebuild the instances from their wrappers (then `claude-multi registry add` your registries again)'

export function loadConfig(paths: Paths): LoadedConfig {
  const read = readJson<Config>(paths.config, 'config', CONFIG_REPAIR)
  if (!read)
    return { config: { instances: [], version: '2.0.0' }, style: { indent: 2, newline: false }, path: paths.config }
  const config = read.value
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new CliError(
      'E_CORRUPT',
      `config ${paths.config} is not a JSON object; it was left untouched`,
      1,
      CONFIG_REPAIR,
    )
  // claude-multi wrote "1.0.0" (0.3) and "2.0.0" (0.5 on); a later major is a layout we do not know.
  const major = typeof config.version === 'string' ? Number(/^(\d+)\./.exec(config.version)?.[1]) : NaN
  if (major > CONFIG_MAJOR) throw newerVersionError(paths.config, `config version ${config.version}`)
  if (config.instances === undefined) config.instances = []
  if (!Array.isArray(config.instances) || config.instances.some((i) => !i || typeof i.name !== 'string'))
    throw new CliError(
      'E_CORRUPT',
      `config ${paths.config}: "instances" must be a list of {name, configDir}; it was left untouched`,
      1,
      CONFIG_REPAIR,
    )
  if (config.registries !== undefined && !Array.isArray(config.registries))
    throw new CliError(
      'E_CORRUPT',
      `config ${paths.config}: "registries" must be a list; it was left untouched`,
      1,
      CONFIG_REPAIR,
    )
  return { config, style: read.style, path: paths.config }
}

export function saveConfig(tx: Transaction, loaded: LoadedConfig): void {
  tx.write(loaded.path, formatJson(loaded.config, loaded.style))
}

export function findInstance(config: Config, name: string): InstanceConfig | undefined {
  return config.instances.find((i) => i.name === name)
}

export function requireInstance(config: Config, name: string): InstanceConfig {
  const found = findInstance(config, name)
  if (!found) {
    const known = config.instances.map((i) => i.name)
    throw new CliError(
      'E_NO_INSTANCE',
      `unknown instance "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      1,
      'run `claude-multi list` to see your instances',
    )
  }
  return found
}
