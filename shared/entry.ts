/**
 * One id's entry of an index, as a hostile registry might send it, checked and rebuilt from its
 * valid parts (in objects without a prototype, so an id or tag `constructor` finds nothing it
 * should not). The client checks every entry it uses; a mirror every entry of its upstream.
 */
import { isValidVersion } from './ids.js'
import { unsafeTextProblem } from './text.js'
import type { TemplateEntry, VersionEntry } from './types.js'

const INTEGRITY_RE = /^sha256-[A-Za-z0-9+/]{43}=$/
const TAG_RE = /^[a-z][a-z0-9._-]{0,63}$/i
const MAX_VERSIONS = 10_000

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v)

/** What is wrong with an entry, or the clean entry itself. */
export function checkEntry(id: string, raw: unknown): TemplateEntry | string {
  if (!isObject(raw)) return 'it is not an object'
  if (raw.id !== id) return `its id is ${JSON.stringify(String(raw.id).slice(0, 80))}`
  if (!isObject(raw.versions)) return 'it has no versions object'
  if (!isObject(raw['dist-tags'])) return 'it has no dist-tags object'
  const names = Object.keys(raw.versions)
  if (names.length > MAX_VERSIONS) return `it lists ${names.length} versions`
  const versions: Record<string, VersionEntry> = Object.create(null)
  for (const v of names) {
    const meta = raw.versions[v]
    if (!isValidVersion(v)) return `${JSON.stringify(v.slice(0, 80))} is not a semver version`
    if (!isObject(meta) || typeof meta.integrity !== 'string' || !INTEGRITY_RE.test(meta.integrity))
      return `version ${v} has no sha256 integrity`
    if (meta.deprecated !== undefined && typeof meta.deprecated !== 'string')
      return `version ${v} has a deprecation that is not text`
    const unsafe =
      typeof meta.deprecated === 'string' ? unsafeTextProblem(meta.deprecated, { multiline: true }) : undefined
    if (unsafe) return `the deprecation of ${v} ${unsafe}`
    versions[v] = {
      publishedAt: typeof meta.publishedAt === 'string' ? meta.publishedAt.slice(0, 40) : '',
      integrity: meta.integrity,
      ...(typeof meta.deprecated === 'string' && meta.deprecated ? { deprecated: meta.deprecated.slice(0, 2000) } : {}),
    }
  }
  for (const field of ['name', 'description', 'homepage'] as const) {
    const value = raw[field]
    if (value !== undefined && typeof value !== 'string') return `its ${field} is not text`
    const unsafe = typeof value === 'string' ? unsafeTextProblem(value) : undefined
    if (unsafe) return `its ${field} ${unsafe}`
  }
  const tags: Record<string, string> = Object.create(null)
  for (const [tag, v] of Object.entries(raw['dist-tags'])) {
    if (!TAG_RE.test(tag)) return `${JSON.stringify(tag.slice(0, 80))} is not a dist-tag name`
    if (typeof v !== 'string' || !Object.hasOwn(versions, v))
      return `dist-tags.${tag} names ${JSON.stringify(String(v).slice(0, 80))}, which is not one of its versions`
    tags[tag] = v
  }
  return {
    id,
    name: typeof raw.name === 'string' ? raw.name.slice(0, 200) : id,
    description: typeof raw.description === 'string' ? raw.description.slice(0, 1000) : '',
    ...(typeof raw.homepage === 'string' ? { homepage: raw.homepage.slice(0, 2048) } : {}),
    'dist-tags': tags,
    versions,
  }
}
