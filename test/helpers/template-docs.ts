/** Template version documents for tests: valid by default, `extra` overrides any field. */
import { createHash } from 'node:crypto'

/** A valid version document, pretty-printed like the catalogue files. */
export function versionDoc(id: string, version: string, extra: Record<string, unknown> = {}): string {
  const doc = {
    id,
    version,
    name: `Name of ${id}`,
    description: `Description of ${id} ${version}`,
    homepage: 'https://example.com',
    baseUrl: 'https://api.example.com/anthropic',
    auth: 'ANTHROPIC_AUTH_TOKEN',
    models: { default: 'm-1', fast: 'm-small', sonnet: 'm-1', opus: 'm-1', haiku: 'm-small' },
    env: { API_TIMEOUT_MS: '3000000' },
    inputs: [],
    ...extra,
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

/** A stand-in integrity; stores must keep what the caller hands them, not recompute it. */
export const fakeIntegrity = (raw: string) => `sha256-${createHash('sha256').update(raw).digest('base64')}`
