import type { RegistryIndex, Template, TemplateEntry } from '../../shared/types.js'

export interface FetchedTemplate {
  template: Template
  /** The document's bytes as served (what the integrity is computed over, after canonicalising). */
  text: string
  integrity: string
}

/** Where templates come from: the bundled catalogue on disk, or a registry over HTTP. */
export interface RegistrySource {
  readonly name: string
  /** `bundled` for the catalogue shipped with the package, else the base URL. */
  readonly url: string
  readonly scope?: string
  /** The index, fetched at most once per command. */
  index(): Promise<RegistryIndex>
  /**
   * One id's checked entry (undefined: no such id) without the whole index when the registry
   * serves signed per-id documents; sources without them leave it out and the index is read.
   */
  entry?(id: string): Promise<TemplateEntry | undefined>
  /** One immutable version, checked against `integrity` (from the index or the lock). */
  version(id: string, version: string, integrity?: string): Promise<FetchedTemplate>
  /**
   * Whether the registry answers, without reading its index or any entry (doctor, for a registry
   * no instance uses); throws CliError when it does not. Sources on disk leave it out.
   */
  probe?(): Promise<void>
  /** Key id that signed the index or the per-id entries read, once verified against a pinned key. */
  readonly signedBy?: string | undefined
  /** Bearer token for writes (and reads of private registries), if one is configured. */
  token?(): string | undefined
  /** What to do when the registry refuses the token. */
  loginHint?(): string
}

export type Warn = (message: string) => void
