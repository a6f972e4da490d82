/** import/export between a filesystem registry and the PostgreSQL store (real database, never skipped). */
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { exportRegistry } from '../../server/commands/export.js'
import { importRegistry } from '../../server/commands/import.js'
import { createFsStore } from '../../server/stores/fs.js'
import { createPostgresStore } from '../../server/stores/postgres.js'
import type { Store } from '../../server/stores/types.js'
import { createTestDatabase, randomSchema, runCli, type TestDatabase } from '../helpers/postgres.js'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase('cmr_ie')
})
afterAll(async () => {
  await db?.drop()
})

describe('import and export', () => {
  let dir: string
  let pg: Store
  let fs: Store
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-ie-'))
    await cp('registry', join(dir, 'src'), { recursive: true })
    fs = createFsStore({ dir: join(dir, 'src') })
    pg = await createPostgresStore({ url: db.url, schema: randomSchema(), max: 4 })
  })
  afterEach(async () => {
    await Promise.all([pg.close(), fs.close()])
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps dates, deprecations and tags, and can run again', async () => {
    const first = await importRegistry(fs, pg)
    expect(first.created).toBeGreaterThan(10)
    expect(first.unchanged).toBe(0)
    for (const id of await fs.listIds()) expect(await pg.getEntry(id)).toEqual(await fs.getEntry(id))

    const again = await importRegistry(fs, pg)
    expect(again).toMatchObject({ created: 0, unchanged: first.created, tagsMoved: 0, deprecationsChanged: 0 })

    // The source changes its mind about a deprecation and a tag: a re-import follows.
    await fs.deprecate('glm', '1.0.0', 'too old')
    await fs.setDistTag('glm', 'stable', '1.1.0')
    const third = await importRegistry(fs, pg)
    expect(third).toMatchObject({ created: 0, deprecationsChanged: 1, tagsMoved: 1 })
    expect(await pg.getEntry('glm')).toEqual(await fs.getEntry('glm'))
  })

  it('stops on a version that exists with other bytes, and on an invalid document before writing', async () => {
    await importRegistry(fs, pg)
    const path = join(dir, 'src/templates/glm/1.0.0.json')
    await writeFile(path, (await readFile(path, 'utf8')).replace('"description": "', '"description": "changed '))
    await expect(importRegistry(fs, pg)).rejects.toMatchObject({ code: 'E_EXISTS' })

    const other = await createPostgresStore({ url: db.url, schema: randomSchema(), max: 2 })
    try {
      await writeFile(join(dir, 'src/templates/kimi/1.0.0.json'), '{"id":"kimi","version":"1.0.0"}\n')
      await expect(importRegistry(fs, other)).rejects.toMatchObject({
        code: 'E_INVALID',
        message: expect.stringContaining('templates/kimi/1.0.0.json'),
      })
      expect(await other.listIds()).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('carries tokens (hashes only) both ways, tokens.json private', async () => {
    const token = {
      id: 'tok_x',
      name: 'ci',
      hash: 'cd'.repeat(32),
      scopes: ['*'],
      readOnly: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    }
    await fs.addToken(token)
    expect((await importRegistry(fs, pg)).tokens).toBe(1)
    expect(await pg.listTokens()).toEqual([token])
    const out = join(dir, 'out')
    expect(await exportRegistry(pg, out)).toMatchObject({ tokens: 1 })
    expect(JSON.parse(await readFile(join(out, 'tokens.json'), 'utf8'))).toEqual({ tokens: [token] })
    expect((await stat(join(out, 'tokens.json'))).mode & 0o777).toBe(0o600)
  })

  it('export refuses a directory that already holds a registry, unless --force', async () => {
    const url = db.url
    await runCli(['import', '--from', join(dir, 'src'), '--store', url])
    const err = await runCli(['export', '--store', url, '--out', join(dir, 'src')]).catch((e: Error) => e)
    expect(String(err)).toMatch(/already holds a registry.*--force/)
    const { stdout } = await runCli(['export', '--store', url, '--out', join(dir, 'src'), '--force'])
    expect(stdout).toMatch(/^exported \d+ templates/)
  })
})
