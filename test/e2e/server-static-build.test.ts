import { createServer, type Server } from 'node:http'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, normalize } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staticDocuments } from '../../server/static-build.js'
import type { RegistryIndex } from '../../shared/types.js'
import { versionDoc } from '../helpers/template-docs.js'
import { ROOT, runCli, startServer, type RunningServer } from '../helpers/server.js'
import { cp } from 'node:fs/promises'

/** The plainest static file server: path → file, nothing else. */
function staticServer(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    try {
      const body = await readFile(join(root, path))
      res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  )
}

describe('claude-multi-registry build --out', () => {
  let dir: string
  let live: RunningServer
  let files: { url: string; server: Server }
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-build-'))
    const data = join(dir, 'data')
    await cp(join(ROOT, 'registry'), data, { recursive: true })
    const token = runCli(['token', 'create', '--name', 'ci', '--scope', '*', '--data', data]).stdout.trim()
    live = await startServer(['--data', data, '--quiet'])
    // A scoped id and a deprecation, so those shapes are covered too.
    const put = await fetch(`${live.url}/v1/templates/@acme/gw/1.0.0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: versionDoc('@acme/gw', '1.0.0'),
    })
    expect(put.status).toBe(201)
    const built = runCli(['build', '--out', join(dir, 'out'), '--data', data])
    expect(built.code).toBe(0)
    files = await staticServer(join(dir, 'out'))
  })
  afterAll(async () => {
    await live?.stop()
    files?.server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers the same bytes as the server for every GET route', async () => {
    const index = (await (await fetch(`${live.url}/v1/index.json`)).json()) as {
      templates: Record<string, { versions: Record<string, unknown> }>
    }
    const paths = ['/v1/index.json', '/v1/schema.json', '/v1/keys.json']
    for (const [id, entry] of Object.entries(index.templates)) {
      paths.push(`/v1/templates/${id}.json`)
      for (const v of Object.keys(entry.versions)) paths.push(`/v1/templates/${id}/${v}.json`)
    }
    expect(paths).toContain('/v1/templates/@acme/gw/1.0.0.json')
    expect(paths.length).toBeGreaterThan(10)
    for (const path of paths) {
      const [fromServer, fromFiles] = await Promise.all([fetch(`${live.url}${path}`), fetch(`${files.url}${path}`)])
      expect(fromServer.status, path).toBe(200)
      expect(fromFiles.status, path).toBe(200)
      expect(Buffer.from(await fromFiles.arrayBuffer()).equals(Buffer.from(await fromServer.arrayBuffer())), path).toBe(
        true,
      )
    }
  })

  it('writes the web pages and the search index where a static host serves them, with the same bytes', async () => {
    const index = (await (await fetch(`${live.url}/v1/index.json`)).json()) as RegistryIndex
    const pages = staticDocuments(index).filter((d) => !d.path.startsWith('/v1/'))
    expect(pages.map((d) => d.file)).toEqual(
      expect.arrayContaining(['index.html', 'search.json', 't/glm/index.html', 't/@acme/gw/index.html', '404.html']),
    )
    for (const doc of pages) {
      const fromServer = await fetch(`${live.url}${doc.path}`)
      expect(fromServer.status, doc.path).toBe(doc.status ?? 200)
      const written = await readFile(join(dir, 'out', doc.file))
      expect(written.equals(Buffer.from(await fromServer.arrayBuffer())), doc.path).toBe(true)
    }
    const html = (await readFile(join(dir, 'out', 't/glm/index.html'))).toString()
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;')
    expect(html).toContain('<svg class="tl"')
  })

  it('refuses a --base that is not a plain URL path with one line and exit 2, writing nothing', async () => {
    const out = join(dir, 'bad-base')
    for (const base of ['/../etc/', '/a b/', '/"><script>/']) {
      const r = runCli(['build', '--out', out, '--base', base, '--data', join(dir, 'data')])
      expect(r.code, base).toBe(2)
      expect(r.stderr.trim().split('\n'), base).toHaveLength(1)
      expect(r.stderr).toContain(`--base ${JSON.stringify(base)} is not a URL path of plain segments`)
    }
    await expect(readFile(join(out, 'index.html'))).rejects.toThrow(/ENOENT/)
  })
})

describe('build --out refuses to write outside its tree (attack)', () => {
  it('refuses a symbolic link inside the output directory, before writing anything', async () => {
    // A pull request can commit `public/t -> <anywhere>`; mkdir -p and rename would follow it.
    const dir = await mkdtemp(join(tmpdir(), 'cmr-build-link-'))
    try {
      await mkdir(join(dir, 'out'))
      await mkdir(join(dir, 'elsewhere'))
      await symlink(join(dir, 'elsewhere'), join(dir, 'out', 't'))
      const built = runCli(['build', '--out', join(dir, 'out')])
      expect(built.code).toBe(1)
      expect(built.stderr).toBe(
        `claude-multi-registry: build failed: t in ${join(dir, 'out')} is a symbolic link; refusing to write through it (remove it)\n`,
      )
      expect(await readdir(join(dir, 'elsewhere'))).toEqual([])
      expect(await readdir(join(dir, 'out'))).toEqual(['t'])
      // The output directory itself may be a link: the operator chose it.
      await rm(join(dir, 'out', 't'))
      await symlink(join(dir, 'out'), join(dir, 'chosen'))
      expect(runCli(['build', '--out', join(dir, 'chosen')]).code).toBe(0)
      expect(await readdir(join(dir, 'out'))).toContain('index.html')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses an index whose ids or versions are not ones (a store written behind the server), naming them', () => {
    const entry = (id: string, versions: string[]) => ({
      id,
      name: id,
      description: '',
      'dist-tags': {},
      versions: Object.fromEntries(versions.map((v) => [v, { publishedAt: '', integrity: '' }])),
    })
    const index = (id: string, versions: string[]): RegistryIndex => ({
      formatVersion: 1,
      templates: { [id]: entry(id, versions) },
    })
    expect(() => staticDocuments(index('glm', ['1.0.0', '../../index']))).toThrow(
      'the index lists "../../index" as a version of glm',
    )
    expect(() => staticDocuments(index('../x', ['1.0.0']))).toThrow('the index lists "../x", not a template id')
    expect(staticDocuments(index('glm', ['1.0.0'])).map((d) => d.file)).toContain('v1/templates/glm/1.0.0.json')
  })
})
