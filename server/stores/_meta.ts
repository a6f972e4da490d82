import { compareVersions, isPrerelease } from '../../shared/versions.js'

/**
 * Where `latest` points after `version` is published: the first version of an id takes it (even a
 * prerelease, as npm does); later it moves only forward, and never to a prerelease.
 */
export function nextLatest(current: string | undefined, version: string): string {
  if (!current) return version
  if (isPrerelease(version)) return current
  return compareVersions(version, current) > 0 ? version : current
}
