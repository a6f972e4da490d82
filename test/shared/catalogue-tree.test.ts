import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BundledSource } from '../../client/registry/bundled.js'
import { createFsStore } from '../../server/stores/fs.js'
import { metaFromTree, parseMetaFile, undescribed, versionsIn } from '../../shared/catalogue-tree.js'
import { integrityOfText } from '../../shared/digest.js'
import { versionDoc } from '../helpers/template-docs.js'

const stored = parseMetaFile(
  JSON.stringify({
    'dist-tags': { latest: '1.0.0', beta: '0.9.0' },
    versions: {
      '0.9.0': { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-gone' },
      '1.0.0': { publishedAt: '2026-02-01T00:00:00.000Z', integrity: 'sha256-one', deprecated: 'old' },
    },
  }),
)

describe('one catalogue folder, one set of rules', () => {
  it('takes the version files as the truth and meta.json for dates, tags and deprecations', () => {
    const versions = versionsIn(['1.0.0.json', '1.1.0.json', 'meta.json', 'notes.txt', 'x.json'])
    expect(versions).toEqual(['1.0.0', '1.1.0'])
    expect(undescribed(versions, stored)).toEqual(['1.1.0'])
    const facts = new Map([['1.1.0', { integrity: 'sha256-new', publishedAt: '2026-03-01T00:00:00.000Z' }]])
    expect(metaFromTree(versions, stored, facts)).toEqual({
      'dist-tags': { latest: '1.0.0' },
      versions: {
        '1.0.0': { publishedAt: '2026-02-01T00:00:00.000Z', integrity: 'sha256-one', deprecated: 'old' },
        '1.1.0': { publishedAt: '2026-03-01T00:00:00.000Z', integrity: 'sha256-new' },
      },
    })
  })

  it('reads a damaged meta.json as none, and picks the highest release as latest then', () => {
    expect(parseMetaFile('{not json')).toEqual({ 'dist-tags': {}, versions: {} })
    const facts = new Map(['1.0.0', '2.0.0-rc.1'].map((v) => [v, { integrity: v, publishedAt: v }]))
    expect(metaFromTree(['1.0.0', '2.0.0-rc.1'], parseMetaFile('[]'), facts)['dist-tags']).toEqual({ latest: '1.0.0' })
  })

  it("gives the client's bundled catalogue and the registry's fs store the same entry", async () => {
    const root = mkdtempSync(join(tmpdir(), 'cm-tree-'))
    const dir = join(root, 'templates', 'x')
    mkdirSync(dir, { recursive: true })
    const one = versionDoc('x', '1.0.0')
    const added = versionDoc('x', '1.1.0')
    writeFileSync(join(dir, '1.0.0.json'), one)
    writeFileSync(join(dir, '1.1.0.json'), added) // added by hand: not in meta.json
    utimesSync(join(dir, '1.1.0.json'), new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))
    writeFileSync(
      join(dir, 'meta.json'),
      JSON.stringify({
        'dist-tags': { latest: '1.0.0', beta: '0.9.0' },
        versions: {
          '0.9.0': { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-gone' },
          '1.0.0': { publishedAt: '2026-02-01T00:00:00.000Z', integrity: integrityOfText(one) },
        },
      }),
    )
    const client = (await new BundledSource('public', root).index()).templates.x
    const store = createFsStore({ dir: root })
    const server = await store.getEntry('x')
    await store.close()
    expect(client).toEqual(server)
    expect(Object.keys(client!.versions)).toEqual(['1.0.0', '1.1.0'])
    expect(client!.versions['1.1.0']).toEqual({
      publishedAt: '2026-03-01T00:00:00.000Z',
      integrity: integrityOfText(added),
    })
  })
})
