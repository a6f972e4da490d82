import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { Agent, get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { versionDoc } from '../helpers/template-docs.js'
import { ROOT, runCli, startServer, type RunningServer } from '../helpers/server.js'

const bundledIds = async () => {
  const ids: string[] = []
  for (const name of await readdir(join(ROOT, 'registry/templates'))) {
    if (name.startsWith('@'))
      for (const sub of await readdir(join(ROOT, 'registry/templates', name))) ids.push(`${name}/${sub}`)
    else ids.push(name)
  }
  return ids.sort()
}

describe('claude-multi-registry serve (bundled catalogue, like npm start)', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer([])
  })
  afterAll(() => server.stop())

  it('prints its address and lists every bundled id with dist-tags.latest', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${server.url}/v1/index.json`)
    expect(res.status).toBe(200)
    const index = (await res.json()) as {
      templates: Record<string, { 'dist-tags': { latest?: string }; versions: Record<string, unknown> }>
    }
    const ids = await bundledIds()
    expect(ids.length).toBeGreaterThan(0)
    expect(Object.keys(index.templates)).toEqual(ids)
    for (const id of ids) {
      const latest = index.templates[id]!['dist-tags'].latest
      expect(latest, id).toBeTruthy()
      expect(index.templates[id]!.versions[latest!], id).toBeDefined()
    }
  })

  it('stops on SIGTERM with exit 0, even with a keep-alive connection open', async () => {
    const own = await startServer([])
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) =>
      get(`${own.url}/v1/index.json`, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve())
      }).on('error', reject),
    )
    const started = Date.now()
    const exited = new Promise<number | null>((resolve) => own.proc.once('exit', (code) => resolve(code)))
    own.proc.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(1500)
    agent.destroy()
  })

  it('answers 304 to a request with the ETag, and logs JSON lines on stderr', async () => {
    const first = await fetch(`${server.url}/v1/index.json`)
    const again = await fetch(`${server.url}/v1/index.json`, {
      headers: { 'if-none-match': first.headers.get('etag')! },
    })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    // The log line travels through a pipe and may arrive just after the response.
    const deadline = Date.now() + 3000
    const logged = () =>
      server
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { method: string; path: string; status: number })
    while (!logged().some((l) => l.status === 304) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(logged().at(-1)).toMatchObject({ method: 'GET', path: '/v1/index.json', status: 304 })
  })
})

describe('claude-multi-registry validate', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-validate-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('exits 0 for the bundled catalogue', () => {
    const { code, stdout } = runCli(['validate'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^ok: \d+ templates, \d+ versions/)
  })

  it('exits 1 and lists every problem with its file', async () => {
    const broken = join(dir, 'broken')
    await cp(join(ROOT, 'registry'), broken, { recursive: true })
    const doc = JSON.parse(versionDoc('glm', '9.0.0'))
    doc.baseUrl = 'ftp://nope'
    doc.models.opus = ''
    await writeFile(join(broken, 'templates/glm/9.0.0.json'), JSON.stringify(doc))
    await writeFile(join(broken, 'templates/glm/9.1.0.json'), versionDoc('kimi', '9.1.0'))
    await writeFile(join(broken, 'templates/glm/notes.txt'), 'x')
    const { code, stderr } = runCli(['validate', broken])
    expect(code).toBe(1)
    expect(stderr).toContain('templates/glm/9.0.0.json: baseUrl')
    expect(stderr).toContain('templates/glm/9.0.0.json: models.opus')
    expect(stderr).toContain('templates/glm/9.1.0.json: id')
    expect(stderr).toContain('templates/glm/notes.txt')
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 2 for a directory that does not exist', () => {
    const { code, stderr } = runCli(['validate', join(dir, 'missing')])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('tokens and --auth-read through the CLI', () => {
  let dir: string
  let server: RunningServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-tokens-'))
  })
  afterAll(async () => {
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates, uses, lists and revokes tokens; the secret is never stored', async () => {
    const pub = runCli(['token', 'create', '--name', 'ci', '--scope', '@acme/*', '--data', dir])
    expect(pub.code).toBe(0)
    const secret = pub.stdout.trim()
    expect(secret).toMatch(/^cmr_[A-Za-z0-9_-]{43}$/)
    const read = runCli(['token', 'create', '--name', 'dev', '--read', '--data', dir, '--json'])
    const reader = JSON.parse(read.stdout) as { id: string; token: string; readOnly: boolean }
    expect(reader.readOnly).toBe(true)
    const { readFile } = await import('node:fs/promises')
    const stored = await readFile(join(dir, 'tokens.json'), 'utf8')
    expect(stored).not.toContain(secret)
    expect(stored).not.toContain(reader.token)

    server = await startServer(['--data', dir, '--auth-read', '--quiet'])
    const put = (token: string, id = '@acme/gw') =>
      fetch(`${server.url}/v1/templates/${id}/1.0.0`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: versionDoc(id, '1.0.0'),
      })
    expect((await put(secret)).status).toBe(201)
    expect((await put(secret, 'glm')).status).toBe(403)
    expect((await put(reader.token, '@acme/other')).status).toBe(403)
    expect((await fetch(`${server.url}/v1/index.json`)).status).toBe(401)
    const ok = await fetch(`${server.url}/v1/index.json`, { headers: { authorization: `Bearer ${reader.token}` } })
    expect(ok.status).toBe(200)

    const list = runCli(['token', 'list', '--data', dir])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('ci')
    expect(list.stdout).toContain(reader.id)
    expect(list.stdout).not.toContain(secret)
    expect(runCli(['token', 'revoke', reader.id, '--data', dir]).code).toBe(0)
    expect(
      (await fetch(`${server.url}/v1/index.json`, { headers: { authorization: `Bearer ${reader.token}` } })).status,
    ).toBe(401)
    expect(runCli(['token', 'revoke', reader.id, '--data', dir]).code).toBe(1)
  })

  it('refuses bad command lines with exit 2 and one line', () => {
    for (const args of [
      ['token', 'create', '--name', 'x', '--data', dir],
      ['token', 'create', '--name', 'x', '--scope', 'BAD', '--data', dir],
      ['serve', '--port', 'abc'],
      ['nope'],
    ]) {
      const { code, stderr } = runCli(args)
      expect(code, args.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }
  })

  it('never writes a token into the bundled catalogue, and never serves a --data that does not exist', async () => {
    const bundledTokens = join(ROOT, 'registry', 'tokens.json')
    const before = existsSync(bundledTokens)
    const noData = runCli(['token', 'create', '--name', 'x', '--scope', '*'])
    expect(noData.code).toBe(2)
    expect(noData.stderr).toBe(
      'claude-multi-registry: say which registry the token is for: --data DIR or --store URL (tokens are never written into the bundled catalogue, which anyone can read)\n',
    )
    expect(existsSync(bundledTokens)).toBe(before)
    const noOut = runCli(['build'])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toBe(
      'claude-multi-registry: `claude-multi-registry build` needs --out <out> (run `claude-multi-registry build --help`)\n',
    )
    // list and revoke on the bundled catalogue answered "no tokens" / "no token with id": about nothing.
    for (const [args, verb] of [
      [['token', 'list'], 'list'],
      [['token', 'revoke', 'tok_0123456789ab'], 'revoke'],
    ] as const) {
      const r = runCli([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toBe(
        `claude-multi-registry: say which registry's tokens to ${verb}: --data DIR or --store URL (the bundled catalogue holds no tokens)\n`,
      )
    }
    const missing = join(dir, 'no', 'such')
    const serve = runCli(['serve', '--port', '0', '--data', missing])
    expect(serve.code).toBe(1)
    expect(serve.stderr).toBe(
      `claude-multi-registry: --data ${missing} does not exist (check the path, or add --init to create an empty registry there)\n`,
    )
    expect(existsSync(missing)).toBe(false)
    const fresh = await startServer(['--data', missing, '--init', '--quiet'])
    try {
      expect(existsSync(missing)).toBe(true)
      expect((await fetch(`${fresh.url}/v1/index.json`)).status).toBe(200)
    } finally {
      await fresh.stop()
    }
    // git never picks up a token store made inside the clone by an older version.
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^registry\/tokens\.json$/m)
  })
})
