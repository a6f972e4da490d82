/**
 * Plain types of the documents the registry serves. Kept apart from the zod schema so that the
 * client's hot path (`sync --check`) can use them without loading zod.
 */
import type { Limits } from './limits.js'
import type { AuthVar, Role } from './roles.js'

export interface TemplateInput {
  name: string
  description: string
  default?: string
  choices?: string[]
}

/** One immutable version of one provider template (`/v1/templates/<id>/<version>.json`). */
export interface Template {
  id: string
  version: string
  name: string
  description: string
  homepage?: string
  baseUrl: string
  auth: AuthVar
  models: Record<Role, string>
  env: Record<string, string>
  inputs: TemplateInput[]
  changelog?: string
  deprecated?: string
  /** Models this version knows the provider no longer serves → their replacement (or null). */
  retired?: Record<string, string | null>
  /**
   * Context window (and output cap) per model name as sent, i.e. without a `[1m]` suffix. The
   * wrapper derives CLAUDE_CODE_AUTO_COMPACT_WINDOW / CLAUDE_CODE_MAX_OUTPUT_TOKENS from them.
   */
  limits?: Limits
}

export interface VersionEntry {
  publishedAt: string
  /** `sha256-<base64>` of the canonical JSON of the version document. */
  integrity: string
  deprecated?: string
}

/** One id's entry, the same in `/v1/index.json` and `/v1/templates/<id>.json`. */
export interface TemplateEntry {
  id: string
  name: string
  description: string
  homepage?: string
  'dist-tags': Record<string, string> & { latest?: string }
  versions: Record<string, VersionEntry>
}

/** `/v1/index.json`. `serial`, `expires` and `signature` are present when the registry signs. */
export interface RegistryIndex {
  formatVersion: 1
  templates: Record<string, TemplateEntry>
  serial?: number
  expires?: string
  signature?: { keyId: string; sig: string }
}
