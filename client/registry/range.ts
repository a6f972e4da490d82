/**
 * The version ranges people actually write (`^1.4.0`, `~1.4`, `1.4.0`, `1`, `*`) matched without
 * node-semver, whose 26 CommonJS files cost more start-up time than the rest of `sync --check`.
 * Anything else (`>=1 <2 || 3`, prerelease ranges, `x` wildcards) returns undefined and the caller
 * falls back to semver itself; test/client/range.test.ts checks both agree.
 */
const VERSION_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/
const SIMPLE_RANGE_RE = /^\s*([\^~]?)\s*(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?)?\s*$/

interface Parsed {
  major: number
  minor: number
  patch: number
  pre: string[]
}

export function parseVersion(v: string): Parsed | undefined {
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

function compareParsed(x: Parsed, y: Parsed): number {
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

/** A predicate for a simple range, or undefined when semver must decide. */
export function simpleRange(range: string): ((version: string) => boolean) | undefined {
  const trimmed = range.trim()
  if (trimmed === '*' || trimmed === '') return (v) => Boolean(parseVersion(v)) && !parseVersion(v)!.pre.length
  const m = SIMPLE_RANGE_RE.exec(range)
  if (!m) return undefined
  const op = m[1]!
  const major = Number(m[2])
  const minor = m[3] === undefined ? undefined : Number(m[3])
  const patch = m[4] === undefined ? undefined : Number(m[4])
  if (![major, minor ?? 0, patch ?? 0].every(Number.isSafeInteger)) return undefined
  const lo: Parsed = { major, minor: minor ?? 0, patch: patch ?? 0, pre: [] }
  let hi: Parsed // exclusive
  if (op === '^') {
    if (major > 0 || minor === undefined) hi = { major: major + 1, minor: 0, patch: 0, pre: [] }
    else if (minor > 0 || patch === undefined) hi = { major: 0, minor: minor + 1, patch: 0, pre: [] }
    else hi = { major: 0, minor: 0, patch: patch + 1, pre: [] }
  } else if (op === '~' || patch === undefined) {
    hi =
      minor === undefined
        ? { major: major + 1, minor: 0, patch: 0, pre: [] }
        : { major, minor: minor + 1, patch: 0, pre: [] }
  } else {
    // An exact version.
    return (v) => {
      const p = parseVersion(v)
      return Boolean(p) && !p!.pre.length && compareParsed(p!, lo) === 0
    }
  }
  // Without a prerelease in the range, semver never lets a prerelease version satisfy it.
  return (v) => {
    const p = parseVersion(v)
    return Boolean(p) && !p!.pre.length && compareParsed(p!, lo) >= 0 && compareParsed(p!, hi) < 0
  }
}
