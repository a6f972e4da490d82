/**
 * Reading the bundled catalogue (`registry/templates/`) as data, and the checks its suites share:
 * the id folders, each id's meta.json and versions, secrets, placeholders, contracts, role env.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractOf } from '../../shared/contract.js'
import { sortVersions } from '../../shared/versions.js'
import { modelAsSent, SUBAGENT_MODEL_ENV } from '../../shared/limits.js'
import { placeholders } from '../../shared/placeholders.js'
import type { Template } from '../../shared/types.js'

export const ROOT = fileURLToPath(new URL('../../registry/templates/', import.meta.url))
export const EXPECTED_IDS = [
  'deepseek',
  'glm',
  'kimi',
  'mimo',
  'mimo-token-plan',
  'minimax',
  'openrouter',
  'qwen',
  'qwen-coding-plan',
]

export interface Meta {
  'dist-tags': Record<string, string>
  versions: Record<string, { publishedAt: string; deprecated?: string }>
}
export interface Version {
  file: string
  text: string
  doc: Template
}
export interface Entry {
  id: string
  dir: string
  meta: Meta
  versions: Version[] // ascending semver
}

/** Folders under templates/: plain ids, and `@scope/name` two levels deep. */
export function idFolders(): string[] {
  const ids: string[] = []
  for (const name of readdirSync(ROOT).sort()) {
    if (!statSync(join(ROOT, name)).isDirectory()) continue
    if (name.startsWith('@')) for (const sub of readdirSync(join(ROOT, name)).sort()) ids.push(`${name}/${sub}`)
    else ids.push(name)
  }
  return ids
}

export function load(id: string): Entry {
  const dir = join(ROOT, id)
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'meta.json')
  const versions = sortVersions(
    files.map((f) => f.slice(0, -'.json'.length)),
    'oldest-first',
  ).map((v) => {
    const file = join(dir, `${v}.json`)
    const text = readFileSync(file, 'utf8')
    return { file, text, doc: JSON.parse(text) as Template }
  })
  return { id, dir, meta, versions }
}

/** Every string inside a JSON value, with its path, keys included. */
export function* strings(value: unknown, path = '$'): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value]
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield [`${path}{key}`, k]
      yield* strings(v, `${path}.${k}`)
    }
  }
}

// Key shapes of the providers we ship (sk-..., tp-..., bearer headers) and long opaque tokens:
// 32+ token characters mixing lower case, upper case and digits (env names are upper case only).
export const SECRET_RES = [/\bsk-/i, /\btp-[a-z0-9]/i, /\bbearer\s+[\w.~+/-]{16,}/i]
export const isOpaque = (word: string) =>
  word.length >= 32 && /[a-z]/.test(word) && /[A-Z]/.test(word) && /\d/.test(word)
export const looksSecret = (s: string) =>
  SECRET_RES.some((re) => re.test(s)) || s.split(/[^A-Za-z0-9+/_=-]+/).some(isOpaque)

export const unknownPlaceholders = (t: Template): string[] => {
  const declared = new Set(t.inputs.map((i) => i.name))
  const values = [t.baseUrl, ...Object.values(t.models), ...Object.values(t.env)]
  return values.flatMap(placeholders).filter((name) => !declared.has(name))
}
export const usedPlaceholders = (t: Template) =>
  new Set([t.baseUrl, ...Object.values(t.models), ...Object.values(t.env)].flatMap(placeholders))

/** What a major version promises not to change (shared/contract.ts, the rule publish enforces). */
export const contract = (t: Template) => JSON.stringify(contractOf(t))
export const bare = modelAsSent
/** Models a version sends requests to (roles and the subagent model), except ones chosen at setup. */
export const fixedModels = (t: Template) =>
  [...Object.values(t.models), t.env[SUBAGENT_MODEL_ENV]].filter(
    (m): m is string => !!m && placeholders(m).length === 0,
  )
/** The environment the roles resolve to, enough for deriveLimits. */
export const roleEnv = (t: Template) => ({
  ANTHROPIC_MODEL: t.models.default,
  ANTHROPIC_SMALL_FAST_MODEL: t.models.fast,
  ANTHROPIC_DEFAULT_SONNET_MODEL: t.models.sonnet,
  ANTHROPIC_DEFAULT_OPUS_MODEL: t.models.opus,
  ANTHROPIC_DEFAULT_HAIKU_MODEL: t.models.haiku,
  ...t.env,
})
