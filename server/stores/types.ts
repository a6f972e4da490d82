import type { TemplateEntry, VersionEntry } from '../../shared/types.js'

/** What a store keeps besides the immutable version documents: tags, dates, deprecations. */
export interface PackageMeta {
  'dist-tags': Record<string, string>
  versions: Record<string, VersionEntry>
}

export interface TokenRecord {
  /** Public handle used by `token list` / `token revoke` (never the secret). */
  id: string
  name: string
  /** sha256 hex of the secret; the secret itself is never stored. */
  hash: string
  /** Id patterns this token may publish to: `*`, `@acme/*`, `glm`. */
  scopes: string[]
  /** A read-only token may only GET (for `serve --auth-read`). */
  readOnly: boolean
  createdAt: string
}

export type PublishResult = { created: true; entry: TemplateEntry } | { created: false }

/**
 * One small interface behind which every backend sits (filesystem, PostgreSQL). Ids passed in are
 * already validated by the caller; stores still refuse anything that could leave their root.
 * Version documents are stored and returned as the exact bytes published.
 */
export interface Store {
  readonly kind: string
  /** Every id, sorted. */
  listIds(): Promise<string[]>
  /** The index entry of one id (name/description from its latest version), or null. */
  getEntry(id: string): Promise<TemplateEntry | null>
  /** The raw bytes of one published version, or null. */
  getVersion(id: string, version: string): Promise<string | null>
  /**
   * Stores a new version atomically. `{ created: false }` when that version already exists,
   * also when several processes race: exactly one caller ever sees `created: true`.
   */
  publish(id: string, version: string, raw: string, entry: VersionEntry): Promise<PublishResult>
  /** Sets (message) or clears (empty message) a deprecation; false when the version is unknown. */
  deprecate(id: string, version: string, message: string): Promise<boolean>
  /** Points a dist-tag at an existing version; false when the version is unknown. */
  setDistTag(id: string, tag: string, version: string): Promise<boolean>

  listTokens(): Promise<TokenRecord[]>
  addToken(token: TokenRecord): Promise<void>
  revokeToken(id: string): Promise<boolean>

  /** Called whenever any writer (this process or another replica) changes the catalogue. */
  onChange(listener: () => void): () => void
  /** Readiness for `/healthz`: throws or returns false when the backend is unreachable. */
  ready(): Promise<boolean>
  close(): Promise<void>
}
