/** `registry add/list/remove/login` as the logic layer: config changes staged in the transaction, rows for the list. */
import { CliError } from '../../shared/errors.js'
import type { Config, LoadedConfig, RegistryConfig } from '../state/config.js'
import { saveConfig } from '../state/config.js'
import type { Lockfile } from '../state/lock.js'
import type { Paths } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'
import { readToken, removeToken } from './auth.js'
import { PUBLIC, registryConfigs } from './registries.js'

interface ManageContext {
  paths: Paths
  loaded: LoadedConfig
  lock: Lockfile
}

/** A new registry; its name and its scope must both be free. */
export function addRegistry(ctx: ManageContext, tx: Transaction, registry: RegistryConfig): void {
  const list = (ctx.loaded.config.registries ??= [])
  if (list.some((r) => r.name === registry.name))
    throw new CliError(
      'E_EXISTS',
      `registry "${registry.name}" already exists`,
      1,
      `remove it first with \`claude-multi registry remove ${registry.name}\``,
    )
  const owner = registry.scope && registryConfigs(ctx.loaded.config).find((r) => r.scope === registry.scope)
  if (owner) throw new CliError('E_EXISTS', `scope ${registry.scope} already belongs to registry ${owner.name}`)
  list.push(registry)
  saveConfig(tx, ctx.loaded)
}

/** Removes a registry and its stored token; refused while an instance still uses it. */
export function removeRegistry(ctx: ManageContext, tx: Transaction, name: string): void {
  const idx = (ctx.loaded.config.registries ?? []).findIndex((r) => r.name === name)
  if (idx < 0)
    throw new CliError(
      'E_NO_REGISTRY',
      `no registry "${name}" in ${ctx.paths.config}`,
      1,
      'see `claude-multi registry list`',
    )
  const users = Object.entries(ctx.lock.instances)
    .filter(([, e]) => e.registry === name)
    .map(([n]) => n)
  if (users.length)
    throw new CliError(
      'E_IN_USE',
      `registry ${name} is used by ${users.join(', ')}`,
      1,
      `remove those instances first (\`claude-multi remove ${users[0]}\`)`,
    )
  ctx.loaded.config.registries!.splice(idx, 1)
  saveConfig(tx, ctx.loaded)
  removeToken(tx, ctx.paths, name)
}

export interface RegistryRow {
  name: string
  url: string
  scope: string | null
  /** Where its token comes from: `$VAR`, `login`, `$VAR (unset)`, or none. */
  token: string | null
}

export function listRegistries(paths: Paths, config: Config, env: NodeJS.ProcessEnv): RegistryRow[] {
  return registryConfigs(config).map((r) => ({
    name: r.name,
    url: r.url,
    scope: r.scope ?? null,
    token:
      r.tokenEnv && env[r.tokenEnv]
        ? `$${r.tokenEnv}`
        : readToken(paths, r.name)
          ? 'login'
          : r.tokenEnv
            ? `$${r.tokenEnv} (unset)`
            : null,
  }))
}

/** `registry login` needs a configured registry that takes tokens (not the bundled catalogue). */
export function assertLoginTarget(config: Config, name: string, env: NodeJS.ProcessEnv): void {
  if (!registryConfigs(config).some((r) => r.name === name))
    throw new CliError(
      'E_NO_REGISTRY',
      `unknown registry "${name}"`,
      1,
      'add it with `claude-multi registry add <name> <url>`',
    )
  if (name === PUBLIC && !env.CLAUDE_MULTI_REGISTRY && !config.registries?.some((r) => r.name === PUBLIC))
    throw new CliError('E_READ_ONLY', 'the bundled public catalogue takes no token')
}
