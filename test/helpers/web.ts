import type { RegistryIndex, Template, TemplateEntry } from '../../shared/types.js'
import type { WebDeps } from '../../server/web/routes.js'

const models = (m: string, fast = m) => ({ default: m, fast, sonnet: m, opus: m, haiku: fast })

const base = {
  auth: 'ANTHROPIC_AUTH_TOKEN' as const,
  env: { API_TIMEOUT_MS: '3000000' },
  inputs: [],
}

export const HOSTILE = '<script>alert(1)</script>'

/** A small catalogue covering the cases the pages must handle; not the bundled registry. */
export const DOCS: Template[] = [
  {
    ...base,
    id: 'glm',
    version: '1.0.0',
    name: 'Z.ai GLM',
    description: 'GLM coding plan',
    baseUrl: 'https://api.z.ai/api/anthropic',
    models: models('glm-4.5', 'glm-4.5-air'),
    changelog: 'First version.',
  },
  {
    ...base,
    id: 'glm',
    version: '2.0.0',
    name: 'Z.ai GLM',
    description: 'GLM coding plan',
    baseUrl: 'https://api.z.ai/api/anthropic',
    models: models('glm-4.6', 'glm-4.5-air'),
    changelog: 'GLM-4.6 for every big role.',
  },
  {
    ...base,
    id: 'glm',
    version: '2.1.0',
    name: 'Z.ai GLM',
    description: 'GLM coding plan',
    baseUrl: 'https://api.z.ai/api/anthropic',
    models: models('glm-5.1', 'glm-4.5-air'),
    env: { API_TIMEOUT_MS: '600000' },
    limits: { 'glm-4.5-air': { context: 131_072, output: 96_000 }, 'glm-5.1': { context: 200_000, output: 128_000 } },
    changelog: 'GLM-5.1.',
  },
  {
    ...base,
    id: 'oldprov',
    version: '1.0.0',
    name: 'Old Provider',
    description: 'Gone',
    baseUrl: 'https://old.example.com',
    models: models('old-1'),
    deprecated: 'provider shut down',
  },
  {
    ...base,
    id: '@acme/gw',
    version: '1.0.0',
    name: 'Acme gateway',
    description: 'Internal gateway',
    baseUrl: 'https://gw.acme.test/v1',
    models: models('acme-large'),
  },
  {
    ...base,
    id: 'router',
    version: '1.0.0',
    name: 'Router',
    description: 'Pick your model',
    baseUrl: 'https://router.example.com/api',
    models: models('{{model}}'),
    inputs: [
      { name: 'model', description: 'model id' },
      { name: 'tier', description: 'plan', default: 'pro', choices: ['pro', '<max>'] },
    ],
  },
  {
    ...base,
    id: 'evil',
    version: '1.0.0',
    name: HOSTILE,
    description: `<img src=x onerror=alert(2)>"'&`,
    homepage: 'javascript:alert(3)',
    baseUrl: 'https://evil.example.com/"><script>alert(4)</script>',
    models: models('<b>bold</b>'),
    env: { X_EVIL: '</td><script>alert(5)</script>' },
    changelog: '<script>alert(6)</script>',
  },
]

export function memoryDeps(
  docs: Template[] = DOCS,
  deprecate: Record<string, string> = { 'oldprov@1.0.0': 'provider shut down' },
): WebDeps & { calls: number } {
  const templates: Record<string, TemplateEntry> = {}
  docs.forEach((d, i) => {
    const e = (templates[d.id] ??= {
      id: d.id,
      name: d.name,
      description: d.description,
      'dist-tags': {},
      versions: {},
    })
    e.versions[d.version] = {
      publishedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      integrity: 'sha256-x',
      ...(deprecate[`${d.id}@${d.version}`] ? { deprecated: deprecate[`${d.id}@${d.version}`] } : {}),
    }
    e['dist-tags'].latest = d.version
    e.name = d.name
    e.description = d.description
  })
  const index: RegistryIndex = { formatVersion: 1, templates }
  const deps = {
    calls: 0,
    getIndex: async () => index,
    getVersion: async (id: string, version: string) => {
      deps.calls++
      return docs.find((d) => d.id === id && d.version === version) ?? null
    },
  }
  return deps
}
