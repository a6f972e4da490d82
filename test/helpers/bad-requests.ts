/**
 * The corpus of hostile and malformed write requests test/server/bad-requests.test.ts sends: bad
 * JSON, wrong types, bad ids and versions, bad tokens, media types, sizes and encodings.
 */
import { badIds, badJson, badVersions, doc, wrongTypes } from './bad-values.js'

export interface BadRequest {
  name: string
  method: string
  path: string
  body?:
    | string
    | (() => ConstructorParameters<typeof Request>[1] extends infer I
        ? I extends { body?: infer B }
          ? B
          : never
        : never)
  headers?: Record<string, string>
  /** Which token to send: a key of the registry's tokens, a literal header value, or none. */
  auth?: 'all' | 'acme' | 'exact' | 'reader' | { header: string } | null
}

export const corpus: BadRequest[] = [
  ...badJson.map((body, i) => ({ name: `bad json #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body })),
  ...wrongTypes.map((body, i) => ({ name: `wrong type #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body })),
  ...badIds.map((id) => ({
    name: `bad id ${id.slice(0, 20)}`,
    method: 'PUT',
    path: `/v1/templates/${id}/1.0.0`,
    body: doc(),
  })),
  ...badVersions.map((v) => ({
    name: `bad version ${v.slice(0, 20)}`,
    method: 'PUT',
    path: `/v1/templates/newt/${v}`,
    body: doc(),
  })),
  {
    name: 'huge body',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc({ changelog: 'x'.repeat(65 * 1024) }),
  },
  { name: 'one megabyte', method: 'PUT', path: '/v1/templates/newt/1.0.0', body: 'x'.repeat(1024 * 1024) },
  {
    name: 'huge chunked body without content-length',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () =>
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)))
          controller.close()
        },
      }),
  },
  {
    name: 'huge deprecate',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: JSON.stringify({ message: 'x'.repeat(70 * 1024) }),
  },
  ...[
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/json',
    'application/json-seq',
    'application/jsonx',
    '',
  ].map((type) => ({
    name: `content-type ${type || '(none)'}`,
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    headers: { 'content-type': type },
  })),
  ...[
    null,
    { header: 'Bearer' },
    { header: 'Bearer ' },
    { header: 'Basic dXNlcjpwYXNz' },
    { header: 'Bearer cmr_forged' },
    { header: `Bearer cmr_${'A'.repeat(43)}` },
    { header: 'Token abc' },
    { header: 'Bearer a b' },
    { header: `Bearer ${'x'.repeat(600)}` },
    { header: 'Bearer \u00e9\u00e9' },
  ].map((auth, i) => ({ name: `token #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body: doc(), auth })),
  {
    name: 'out of scope: acme token, plain id',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    auth: 'acme',
  },
  {
    name: 'out of scope: acme token, other scope',
    method: 'PUT',
    path: '/v1/templates/@other/newt/1.0.0',
    body: doc({}, '@other/newt'),
    auth: 'acme',
  },
  {
    name: 'out of scope: acme token, scope prefix',
    method: 'PUT',
    path: '/v1/templates/@acmex/newt/1.0.0',
    body: doc({}, '@acmex/newt'),
    auth: 'acme',
  },
  {
    name: 'out of scope: exact token, other id',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    auth: 'exact',
  },
  {
    name: 'out of scope: exact token, longer id',
    method: 'PUT',
    path: '/v1/templates/glm-x/1.0.0',
    body: doc({}, 'glm-x'),
    auth: 'exact',
  },
  { name: 'read-only token publishes', method: 'PUT', path: '/v1/templates/newt/1.0.0', body: doc(), auth: 'reader' },
  {
    name: 'read-only token deprecates',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"x"}',
    auth: 'reader',
  },
  {
    name: 'read-only token tags',
    method: 'PUT',
    path: '/v1/templates/glm/dist-tags/beta',
    body: '{"version":"1.0.0"}',
    auth: 'reader',
  },
  {
    name: 'acme token deprecates glm',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"x"}',
    auth: 'acme',
  },
  { name: 'republish existing', method: 'PUT', path: '/v1/templates/glm/1.0.0', body: doc({}, 'glm') },
  { name: 'deprecate bad json', method: 'POST', path: '/v1/templates/glm/1.0.0/deprecate', body: '{message:' },
  { name: 'deprecate array', method: 'POST', path: '/v1/templates/glm/1.0.0/deprecate', body: '["x"]' },
  {
    name: 'deprecate number message',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":1}',
  },
  {
    name: 'deprecate control chars',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"\\u001b[31m"}',
  },
  {
    name: 'deprecate unknown version',
    method: 'POST',
    path: '/v1/templates/glm/9.9.9/deprecate',
    body: '{"message":"x"}',
  },
  { name: 'deprecate unknown id', method: 'POST', path: '/v1/templates/nope/1.0.0/deprecate', body: '{"message":"x"}' },
  {
    name: 'deprecate bad version',
    method: 'POST',
    path: '/v1/templates/glm/..%2F1.0.0/deprecate',
    body: '{"message":"x"}',
  },
  {
    name: 'tag to missing version',
    method: 'PUT',
    path: '/v1/templates/glm/dist-tags/beta',
    body: '{"version":"9.0.0"}',
  },
  { name: 'tag bad name', method: 'PUT', path: '/v1/templates/glm/dist-tags/..%2F..', body: '{"version":"1.0.0"}' },
  { name: 'tag semver name', method: 'PUT', path: '/v1/templates/glm/dist-tags/1.0.0', body: '{"version":"1.0.0"}' },
  { name: 'tag missing version', method: 'PUT', path: '/v1/templates/glm/dist-tags/beta', body: '{}' },
  { name: 'tag bad version', method: 'PUT', path: '/v1/templates/glm/dist-tags/beta', body: '{"version":"../x"}' },
  { name: 'tag on unknown id', method: 'PUT', path: '/v1/templates/nope/dist-tags/beta', body: '{"version":"1.0.0"}' },
  { name: 'delete a version', method: 'DELETE', path: '/v1/templates/glm/1.0.0' },
  { name: 'patch a version', method: 'PATCH', path: '/v1/templates/glm/1.0.0', body: doc({}, 'glm') },
  { name: 'put under a version path', method: 'PUT', path: '/v1/templates/glm/1.0.0/extra', body: doc({}, 'glm') },
  { name: 'post publish', method: 'POST', path: '/v1/templates/newt/1.0.0', body: doc() },
  {
    name: 'invalid utf-8',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () => new Uint8Array([...Buffer.from(doc().slice(0, -2)), 0xff, 0xfe, 0x22, 0x7d]),
  },
  {
    name: 'utf-8 BOM before the document',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () => new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(doc())]),
  },
  { name: 'put the index', method: 'PUT', path: '/v1/index.json', body: '{}' },
]
