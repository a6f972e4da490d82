/**
 * Version order, the one implementation: semver precedence without node-semver (whose CommonJS
 * files cost more start-up time than the rest of `sync --check`). The client's range matching, the
 * bundled catalogue, the registry's index and semver checks and the web pages all sort with it.
 */
const VERSION_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/
export interface ParsedVersion {
  major: number
  minor: number
  patch: number
  pre: string[]
}

export function parseVersion(v: string): ParsedVersion | undefined {
  const m = VERSION_RE.exec(v)
  if (!m || v.length > 256) return undefined
  const nums = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (nums.some((n) => !Number.isSafeInteger(n))) return undefined
  return { major: nums[0]!, minor: nums[1]!, patch: nums[2]!, pre: m[4] ? m[4].split('.') : [] }
}

const cmpId = (a: string, b: string): number => {
  const an = /^\d+$/.test(a)
  const bn = /^\d+$/.test(b)
  if (an && bn) return Math.sign(Number(a) - Number(b))
  if (an) return -1
  if (bn) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** semver precedence of two valid versions (build metadata ignored). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (!x || !y) throw new TypeError(`invalid version: ${x ? b : a}`)
  return compareParsed(x, y)
}

export function compareParsed(x: ParsedVersion, y: ParsedVersion): number {
  const main = Math.sign(x.major - y.major) || Math.sign(x.minor - y.minor) || Math.sign(x.patch - y.patch)
  if (main) return main
  if (!x.pre.length || !y.pre.length) return x.pre.length ? -1 : y.pre.length ? 1 : 0
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    if (x.pre[i] === undefined) return -1
    if (y.pre[i] === undefined) return 1
    const c = cmpId(x.pre[i]!, y.pre[i]!)
    if (c) return c
  }
  return 0
}

export type VersionOrder = 'oldest-first' | 'newest-first'

/** Valid versions in the order asked for; strings that are not semver go last, so one bad entry cannot break a list. */
export function sortVersions(versions: Iterable<string>, order: VersionOrder): string[] {
  const all = [...versions]
  const valid = all.filter((v) => parseVersion(v)).sort(compareVersions)
  if (order === 'newest-first') valid.reverse()
  return [...valid, ...all.filter((v) => !parseVersion(v))]
}

export const isPrerelease = (v: string): boolean => (parseVersion(v)?.pre.length ?? 0) > 0

/** The highest version without a prerelease tag; a prerelease only when nothing else exists. */
export function latestStable(versions: Iterable<string>): string | undefined {
  const sorted = sortVersions(versions, 'newest-first').filter((v) => parseVersion(v))
  return sorted.find((v) => !isPrerelease(v)) ?? sorted[0]
}
