/** Malformed template documents, ids and versions: the values the bad-request corpus is built from. */
import { versionDoc } from './app.js'

export const doc = (over: Record<string, unknown> = {}, id = 'newt', version = '1.0.0') => {
  const base = JSON.parse(versionDoc(id, version))
  return JSON.stringify({ ...base, ...over })
}
export const withModels = (models: unknown) => doc({ models })
export const without = (key: string) => {
  const base = JSON.parse(doc())
  delete base[key]
  return JSON.stringify(base)
}

export const badJson = [
  '',
  ' ',
  '{',
  '}',
  'null',
  '[]',
  '"text"',
  '42',
  'true',
  '{"id":',
  "{'id':'newt'}",
  '{"id":"newt",}',
  'NaN',
  '{"a":1}//c',
  '\u0000',
  '{"id":"newt"}{"id":"x"}',
  '[{"id":"newt"}]',
  'undefined',
  '\ufeff{}',
  '{"__proto__":{"x":1}}',
]

export const wrongTypes: string[] = [
  doc({ id: 1 }),
  doc({ id: null }),
  doc({ version: 1 }),
  doc({ version: '1.0' }),
  doc({ name: [] }),
  doc({ name: '' }),
  doc({ name: 'a\nb' }),
  doc({ description: 5 }),
  doc({ homepage: 'javascript:alert(1)' }),
  doc({ baseUrl: 'http://evil.example.com' }),
  doc({ baseUrl: 'not a url' }),
  doc({ baseUrl: 42 }),
  doc({ auth: 'PASSWORD' }),
  doc({ auth: null }),
  doc({ models: 'glm' }),
  withModels({ default: 'a' }),
  withModels({ default: 1, fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b' }),
  withModels({ default: 'a', fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b', extra: 'c' }),
  withModels({ default: 'a\u0000', fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b' }),
  doc({ env: [] }),
  doc({ env: { API_TIMEOUT_MS: 5 } }),
  doc({ env: { 'lower-case': 'x' } }),
  doc({ env: { ÄPI: 'x' } }),
  doc({ env: { ANTHROPIC_AUTH_TOKEN: 'sk-secret' } }),
  doc({ env: { ANTHROPIC_BASE_URL: 'https://x' } }),
  doc({ env: { X: 'line\nbreak' } }),
  doc({ inputs: {} }),
  doc({ inputs: [{ name: 'Bad Name', description: 'x' }] }),
  doc({ baseUrl: 'https://{{region}}.example.com' }),
  doc({ unknownField: true }),
  doc({ retired: { 'old-model': 5 } }),
  without('id'),
  without('models'),
  without('auth'),
  without('baseUrl'),
  doc({}, 'newt', '2.0.0'),
  doc({}, 'other', '1.0.0'),
  doc({ id: 'nеwt' }), // Cyrillic е: looks like the path's id, is not
]

export const badIds = [
  '..%2F..%2Fetc',
  '%2e%2e',
  '.',
  'NEWT',
  'Newt',
  'a%00b',
  'a%20b',
  'a_b',
  '-newt',
  'x'.repeat(300),
  '@acme',
  '@acme%2F',
  '@%2Fx',
  '@acme%2F..',
  '@ACME/x',
  'n%C3%A9wt',
  'n%D0%B5wt',
  'new%E2%80%8Bt',
  'new%E2%80%AEt',
  '%EF%BC%AEewt',
  'newt%5C..%5C..',
  '%E0%A4%A',
  'newt%0A',
  '~newt',
]

export const badVersions = [
  '1.0',
  'v1.0.0',
  '01.0.0',
  '1.0.0%00',
  '%2e%2e',
  '1.0.0%2F..',
  'latest',
  '1.0.0%0A',
  `1.0.${'9'.repeat(300)}`,
  '%E2%80%8B1.0.0',
]
