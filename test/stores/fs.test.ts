import { mkdtemp, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFsStore } from '../../server/stores/fs.js'
import { runStoreContract } from '../helpers/store-contract.js'
import { fakeIntegrity, versionDoc } from '../helpers/template-docs.js'
import { waitFor } from '../helpers/wait.js'

const tempDir = () => mkdtemp(join(tmpdir(), 'cmr-fs-'))

runStoreContract('fs', async () => {
  const dir = await tempDir()
  return { store: createFsStore({ dir, pollMs: 20 }), cleanup: () => rm(dir, { recursive: true, force: true }) }
})

describe('fs store specifics', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir()
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const entry = (raw: string) => ({ publishedAt: '2026-02-01T00:00:00.000Z', integrity: fakeIntegrity(raw) })

  it('reuses the folder listing of listIds only while the folder is unchanged since', async () => {
    const folder = join(dir, 'templates', 'glm')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, '1.0.0.json'), versionDoc('glm', '1.0.0'))
    const old = new Date(Date.now() - 60_000)
    await utimes(folder, old, old)
    const store = createFsStore({ dir })
    expect(await store.listIds()).toEqual(['glm'])
    // A version added by hand after the listing: the folder's mtime moves, so the listing is not used.
    await writeFile(join(folder, '1.1.0.json'), versionDoc('glm', '1.1.0'))
    expect(Object.keys((await store.getEntry('glm'))!.versions).sort()).toEqual(['1.0.0', '1.1.0'])
    // An unchanged old folder is read from the listing; the entry is the same either way.
    const other = createFsStore({ dir })
    await utimes(folder, old, old)
    expect(await other.listIds()).toEqual(['glm'])
    expect(Object.keys((await other.getEntry('glm'))!.versions).sort()).toEqual(['1.0.0', '1.1.0'])
    await store.close()
    await other.close()
  })

  it('gives the event loop back while it reads a large catalogue (its reads are synchronous)', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `p${String(i).padStart(4, '0')}`)
    for (const id of ids) {
      await mkdir(join(dir, 'templates', id), { recursive: true })
      await writeFile(join(dir, 'templates', id, '1.0.0.json'), versionDoc(id, '1.0.0'))
    }
    // A zero budget makes every read give the loop back: what is tested is that the reads go through
    // the slicer, not how fast this machine reads (with the default 8 ms, 1,500 warm folders read in
    // under 24 ms on a fast moment gave 2 turns, and the test failed under no fault of the store).
    const store = createFsStore({ dir, sliceMs: 0 })
    let turns = 0
    let ticking = true
    const tick = () => {
      turns++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    const listed = await store.listIds()
    const entries = await Promise.all(listed.map((id) => store.getEntry(id)))
    ticking = false
    expect(listed).toEqual(ids)
    expect(entries.every((e) => e?.['dist-tags'].latest === '1.0.0')).toBe(true)
    // 3,000 folder reads without a pause would hold the loop from the first read to the last.
    expect(turns).toBeGreaterThan(ids.length / 2)
    await store.close()
  })

  it('skips a stray file where an id folder should be', async () => {
    await mkdir(join(dir, 'templates'), { recursive: true })
    await writeFile(join(dir, 'templates', 'stray'), 'not a folder')
    const store = createFsStore({ dir })
    expect(await store.listIds()).toEqual([])
    expect(await store.getEntry('stray')).toBeNull()
    await store.close()
  })

  it('writes the registry/ tree layout', async () => {
    const store = createFsStore({ dir })
    const raw = versionDoc('@acme/gw', '1.2.0')
    await store.publish('@acme/gw', '1.2.0', raw, entry(raw))
    expect(await readFile(join(dir, 'templates/@acme/gw/1.2.0.json'), 'utf8')).toBe(raw)
    const meta = JSON.parse(await readFile(join(dir, 'templates/@acme/gw/meta.json'), 'utf8'))
    expect(meta).toEqual({ 'dist-tags': { latest: '1.2.0' }, versions: { '1.2.0': entry(raw) } })
    expect((await readdir(join(dir, 'templates/@acme/gw'))).sort()).toEqual(['1.2.0.json', 'meta.json'])
    await store.close()
  })

  it('reads a catalogue without meta.json (integrity from the document, latest = newest stable)', async () => {
    await mkdir(join(dir, 'templates/glm'), { recursive: true })
    const a = versionDoc('glm', '1.0.0')
    const b = versionDoc('glm', '2.0.0', { name: 'GLM two' })
    await writeFile(join(dir, 'templates/glm/1.0.0.json'), a)
    await writeFile(join(dir, 'templates/glm/2.0.0.json'), b)
    await writeFile(join(dir, 'templates/glm/3.0.0-rc.1.json'), versionDoc('glm', '3.0.0-rc.1'))
    await writeFile(join(dir, 'templates/glm/.2.1.0.json.123.abc.tmp'), 'partial')
    const store = createFsStore({ dir })
    const got = await store.getEntry('glm')
    expect(got?.['dist-tags']).toEqual({ latest: '2.0.0' })
    expect(got?.name).toBe('GLM two')
    expect(Object.keys(got?.versions ?? {})).toEqual(['1.0.0', '2.0.0', '3.0.0-rc.1'])
    expect(got?.versions['1.0.0']?.integrity).toMatch(/^sha256-/)
    expect(got?.versions['1.0.0']?.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(await store.listIds()).toEqual(['glm'])
  })

  it('uses dates, tags and deprecations from meta.json but ignores tags to missing versions', async () => {
    await mkdir(join(dir, 'templates/kimi'), { recursive: true })
    const raw = versionDoc('kimi', '1.0.0')
    await writeFile(join(dir, 'templates/kimi/1.0.0.json'), raw)
    await writeFile(
      join(dir, 'templates/kimi/meta.json'),
      JSON.stringify({
        'dist-tags': { latest: '1.0.0', next: '9.9.9' },
        versions: { '1.0.0': { publishedAt: '2026-01-26T00:00:00.000Z', deprecated: 'old' } },
      }),
    )
    const got = await createFsStore({ dir }).getEntry('kimi')
    expect(got?.['dist-tags']).toEqual({ latest: '1.0.0' })
    expect(got?.versions['1.0.0']?.publishedAt).toBe('2026-01-26T00:00:00.000Z')
    expect(got?.versions['1.0.0']?.deprecated).toBe('old')
  })

  it('stores only token hashes, mode 0600', async () => {
    const store = createFsStore({ dir })
    await store.addToken({
      id: 't1',
      name: 'ci',
      hash: 'ab'.repeat(32),
      scopes: ['*'],
      readOnly: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    })
    const info = await stat(join(dir, 'tokens.json'))
    expect(info.mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(join(dir, 'tokens.json'), 'utf8')).tokens[0].hash).toBe('ab'.repeat(32))
  })

  it("tells a second store on the same dir about the first one's writes", async () => {
    const a = createFsStore({ dir, pollMs: 20 })
    const b = createFsStore({ dir, pollMs: 20 })
    let seen = 0
    b.onChange(() => seen++)
    await new Promise((r) => setTimeout(r, 50))
    const raw = versionDoc('glm', '1.0.0')
    await a.publish('glm', '1.0.0', raw, entry(raw))
    await waitFor(() => seen > 0)
    expect((await b.getEntry('glm'))?.['dist-tags'].latest).toBe('1.0.0')
    expect(await b.publish('glm', '1.0.0', raw, entry(raw))).toEqual({ created: false })
    await a.close()
    await b.close()
  })

  it('breaks a stale lock left by a crashed process', async () => {
    const store = createFsStore({ dir })
    const raw = versionDoc('glm', '1.0.0')
    await store.publish('glm', '1.0.0', raw, entry(raw))
    const lock = join(dir, 'templates/glm/.meta.lock')
    await writeFile(lock, '99999 crashed\n')
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    expect(await store.deprecate('glm', '1.0.0', 'stale lock broken')).toBe(true)
    expect((await store.getEntry('glm'))?.versions['1.0.0']?.deprecated).toBe('stale lock broken')
  })

  it('never serves a cached entry after another instance changed it', async () => {
    const a = createFsStore({ dir })
    const b = createFsStore({ dir })
    const raw = versionDoc('glm', '1.0.0')
    await a.publish('glm', '1.0.0', raw, entry(raw))
    // Age the files so the entry counts as settled and gets cached.
    const old = new Date(Date.now() - 60_000)
    await utimes(join(dir, 'templates/glm/meta.json'), old, old)
    await utimes(join(dir, 'templates/glm'), old, old)
    expect((await a.getEntry('glm'))?.versions['1.0.0']).not.toHaveProperty('deprecated')
    expect((await a.getEntry('glm'))?.versions['1.0.0']).not.toHaveProperty('deprecated')
    await b.deprecate('glm', '1.0.0', 'by b')
    expect((await a.getEntry('glm'))?.versions['1.0.0']?.deprecated).toBe('by b')
    await utimes(join(dir, 'templates/glm/meta.json'), old, old)
    await utimes(join(dir, 'templates/glm'), old, old)
    await a.getEntry('glm')
    const raw2 = versionDoc('glm', '1.1.0', { name: 'Newer' })
    await b.publish('glm', '1.1.0', raw2, entry(raw2))
    const seen = await a.getEntry('glm')
    expect(seen?.['dist-tags'].latest).toBe('1.1.0')
    expect(seen?.name).toBe('Newer')
  })

  it('reports not ready when the data dir is gone', async () => {
    const store = createFsStore({ dir: join(dir, 'missing') })
    expect(await store.ready().catch(() => false)).toBe(false)
  })
})
