import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { versionDoc } from '../helpers/template-docs.js'
import { runCli, startServer, type RunningServer } from '../helpers/server.js'

describe('two server processes on one data dir', () => {
  let dir: string
  let a: RunningServer
  let b: RunningServer
  let token: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-race-'))
    token = runCli(['token', 'create', '--name', 'ci', '--scope', '*', '--data', dir]).stdout.trim()
    ;[a, b] = await Promise.all([startServer(['--data', dir, '--quiet']), startServer(['--data', dir, '--quiet'])])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await rm(dir, { recursive: true, force: true })
  })

  const put = (server: RunningServer, id: string, version: string, body: string) =>
    fetch(`${server.url}/v1/templates/${id}/${version}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    })

  it('lets exactly one of 50 concurrent PUTs win, and stores the winner byte for byte', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => versionDoc('race', '1.0.0', { description: `writer ${i}` }))
    const statuses = await Promise.all(
      bodies.map(async (body, i) => (await put(i % 2 ? a : b, 'race', '1.0.0', body)).status),
    )
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(49)
    const winner = bodies[statuses.indexOf(201)]!
    expect(await readFile(join(dir, 'templates/race/1.0.0.json'), 'utf8')).toBe(winner)
    for (const server of [a, b])
      expect(await (await fetch(`${server.url}/v1/templates/race/1.0.0.json`)).text()).toBe(winner)
    expect((await readdir(join(dir, 'templates/race'))).sort()).toEqual(['1.0.0.json', 'meta.json'])
  })

  it('keeps every version when both publish different versions at once, and both indexes agree', async () => {
    const versions = Array.from({ length: 20 }, (_, i) => `2.${i}.0`)
    const statuses = await Promise.all(
      versions.map(async (v, i) => (await put(i % 2 ? a : b, 'many', v, versionDoc('many', v))).status),
    )
    expect(statuses.every((s) => s === 201)).toBe(true)
    // The other process learns about the writes through the store's change stamp.
    const deadline = Date.now() + 5000
    for (;;) {
      const [ia, ib] = await Promise.all(
        [a, b].map(
          async (s) =>
            (await fetch(`${s.url}/v1/index.json`)).json() as Promise<{
              templates: Record<string, { versions: object; 'dist-tags': { latest: string } }>
            }>,
        ),
      )
      const ok = [ia!, ib!].every(
        (i) =>
          i.templates.many &&
          Object.keys(i.templates.many.versions).length === 20 &&
          i.templates.many['dist-tags'].latest === '2.19.0',
      )
      if (ok) break
      if (Date.now() > deadline) throw new Error('indexes did not converge')
      await new Promise((r) => setTimeout(r, 100))
    }
  })
})
