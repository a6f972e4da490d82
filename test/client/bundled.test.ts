import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BundledSource } from '../../client/registry/bundled.js'
import { makeEntry } from '../../shared/catalogue.js'
import { integrityOfText } from '../../shared/digest.js'

const root = new URL('../../registry/templates/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

/** The bundled catalogue read from disk gives the same index entries the registry builds. */
describe('BundledSource', () => {
  it('builds every entry exactly as shared/catalogue makeEntry does', async () => {
    const index = await new BundledSource('public').index()
    const ids = readdirSync(root)
      .filter((d) => !d.startsWith('.'))
      .sort()
    expect(Object.keys(index.templates)).toEqual(ids)
    for (const id of ids) {
      const meta = JSON.parse(read(`${id}/meta.json`))
      const versions = Object.fromEntries(
        Object.entries(meta.versions as Record<string, { publishedAt: string; deprecated?: string }>).map(([v, m]) => [
          v,
          {
            publishedAt: m.publishedAt,
            integrity: integrityOfText(read(`${id}/${v}.json`)),
            ...(m.deprecated ? { deprecated: m.deprecated } : {}),
          },
        ]),
      )
      const latest = JSON.parse(read(`${id}/${index.templates[id]!['dist-tags'].latest}.json`))
      expect(JSON.stringify(index.templates[id])).toBe(
        JSON.stringify(makeEntry(id, latest, { 'dist-tags': meta['dist-tags'], versions })),
      )
    }
  })

  it('checks a document against the integrity it is asked for', async () => {
    const src = new BundledSource('public')
    await expect(src.version('glm', '1.5.0', 'sha256-AAAA')).rejects.toThrow('refusing it')
    expect((await src.version('glm', '1.5.0')).template.id).toBe('glm')
  })
})
