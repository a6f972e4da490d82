import { CliError } from '../../shared/errors.js'
import type { Config, RegistryConfig } from '../state/config.js'
import type { Paths } from '../state/paths.js'
import { readToken } from './auth.js'
import { HttpSource } from './http.js'
import { createIndexTrust } from '../trust/index-check.js'
import { fetchKeysDocument } from '../trust/pin.js'
import type { RegistrySource, Warn } from './types.js'

export const PUBLIC = 'public'

export interface RegistriesOptions {
  paths: Paths
  config: Config
  offline?: boolean
  /** `--registry`: where plain ids resolve instead of `public`. */
  registry?: string
  warn: Warn
  /** `--allow-expired`: a signed index past its expiry date is used, with a warning. */
  allowExpired?: boolean
  /** Longest silence allowed on a registry request, in ms. */
  timeoutMs?: number
}

/** The configured registries plus `public`, as they are listed (and routed) by the client. */
export function registryConfigs(config: Config): RegistryConfig[] {
  const list = [...(config.registries ?? [])]
  const envUrl = process.env.CLAUDE_MULTI_REGISTRY
  const publicIdx = list.findIndex((r) => r.name === PUBLIC)
  if (envUrl) {
    const base: Partial<RegistryConfig> = publicIdx >= 0 ? list[publicIdx]! : {}
    // CLAUDE_MULTI_REGISTRY_KEY pins the signing key of a public registry given by URL (trust).
    const envKey = process.env.CLAUDE_MULTI_REGISTRY_KEY
    const pub: RegistryConfig = {
      ...base,
      name: PUBLIC,
      url: envUrl,
      tokenEnv: base.tokenEnv ?? 'CLAUDE_MULTI_TOKEN',
      ...(envKey ? { publicKey: envKey } : {}),
    }
    if (publicIdx >= 0) list[publicIdx] = pub
    else list.unshift(pub)
  } else if (publicIdx < 0) list.unshift({ name: PUBLIC, url: 'bundled' })
  return list
}

/**
 * Every registry the command may talk to, each built once so that its index is fetched at most
 * once per command, whatever number of instances share it.
 */
export class Registries {
  private readonly sources = new Map<string, RegistrySource>()
  readonly configs: RegistryConfig[]

  constructor(private readonly opts: RegistriesOptions) {
    this.configs = registryConfigs(opts.config)
    if (opts.registry && !this.configs.some((r) => r.name === opts.registry))
      throw new CliError(
        'E_NO_REGISTRY',
        `unknown registry "${opts.registry}" (known: ${this.configs.map((r) => r.name).join(', ')})`,
        1,
        'add it with `claude-multi registry add <name> <url>`',
      )
  }

  get(name: string): RegistrySource {
    let source = this.sources.get(name)
    if (source) return source
    const rc = this.configs.find((r) => r.name === name)
    if (!rc)
      throw new CliError(
        'E_NO_REGISTRY',
        `unknown registry "${name}" (known: ${this.configs.map((r) => r.name).join(', ')})`,
        1,
        'add it with `claude-multi registry add <name> <url>`',
      )
    const { paths } = this.opts
    source =
      rc.url === 'bundled'
        ? lazyBundled(rc.name)
        : new HttpSource({
            name: rc.name,
            url: rc.url,
            ...(rc.scope ? { scope: rc.scope } : {}),
            cacheRoot: paths.cache,
            offline: this.opts.offline ?? false,
            token: () => readToken(paths, rc.name, rc.tokenEnv),
            ...(rc.tokenEnv ? { tokenEnv: rc.tokenEnv } : {}),
            warn: this.opts.warn,
            timeoutMs: this.opts.timeoutMs,
            trust: createIndexTrust({
              name: rc.name,
              url: rc.url.replace(/\/+$/, ''),
              ...(rc.publicKey ? { publicKey: rc.publicKey } : {}),
              home: paths.home,
              fetchKeys: () => {
                const token = readToken(paths, rc.name, rc.tokenEnv)
                return fetchKeysDocument(rc.url, token ? { authorization: `Bearer ${token}` } : {}, this.opts.timeoutMs)
              },
              warn: this.opts.warn,
              allowExpired: this.opts.allowExpired ?? false,
            }),
          })
    this.sources.set(name, source)
    return source
  }

  /** `@acme/x` goes to the registry owning `@acme`; a plain id to `--registry` or `public`. */
  nameFor(id: string, explicit?: string): string {
    if (id.startsWith('@')) {
      const scope = id.slice(0, id.indexOf('/'))
      const owner = this.configs.find((r) => r.scope === scope)
      if (owner) return owner.name
      if (explicit ?? this.opts.registry) return (explicit ?? this.opts.registry)!
      throw new CliError(
        'E_NO_REGISTRY',
        `no registry owns scope ${scope}`,
        1,
        `add one with \`claude-multi registry add <name> <url> --scope ${scope}\``,
      )
    }
    return explicit ?? this.opts.registry ?? PUBLIC
  }

  forId(id: string, explicit?: string): RegistrySource {
    return this.get(this.nameFor(id, explicit))
  }
}

/**
 * The bundled catalogue builds its index with shared/catalogue (and so semver): loaded only when a
 * command actually reads it, which keeps HTTP-only runs of `sync --check` small.
 */
function lazyBundled(name: string): RegistrySource {
  let real: Promise<RegistrySource> | undefined
  const load = () => (real ??= import('./bundled.js').then((m) => new m.BundledSource(name)))
  return {
    name,
    url: 'bundled',
    index: async () => (await load()).index(),
    version: async (id, version, integrity) => (await load()).version(id, version, integrity),
  }
}
