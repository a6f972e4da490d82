/**
 * The version ranges people actually write (`^1.4.0`, `~1.4`, `1.4.0`, `1`, `*`) matched without
 * node-semver, whose 26 CommonJS files cost more start-up time than the rest of `sync --check`.
 * Anything else (`>=1 <2 || 3`, prerelease ranges, `x` wildcards) returns undefined and the caller
 * falls back to semver itself; test/client/range.test.ts checks both agree.
 */
import { compareParsed, type ParsedVersion as Parsed, parseVersion } from '../../shared/versions.js'

const SIMPLE_RANGE_RE = /^\s*([\^~]?)\s*(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?)?\s*$/

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
