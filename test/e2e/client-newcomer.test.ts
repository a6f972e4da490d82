import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_CLI, sandbox, type RunResult, type Sandbox } from '../helpers/client.js'

/**
 * What a developer who just found the project ran into (issue 16's newcomer run), each kept as the
 * behaviour it must have now: the real binary, a temp CLAUDE_MULTI_HOME, the bundled catalogue or
 * a real HTTP server on port 0.
 */

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe('rollback after override and pin (bundled catalogue)', () => {
  let sb: Sandbox
  beforeAll(() => {
    sb = sandbox()
    expect(sb.cm(['add', 'work', 'glm', '--api-key-env', 'K']).code).toBe(0)
  })
  afterAll(() => sb?.cleanup())

  it('undoes the override itself (overrides.json too), keeps the range pinned since, and a second rollback redoes it', () => {
    const template = sb.runWrapper('work', { K: 'k' }).ANTHROPIC_DEFAULT_SONNET_MODEL
    expect(sb.cm(['override', 'work', 'sonnet=my-sonnet']).code).toBe(0)
    expect(sb.cm(['pin', 'work', '~1.5.0']).code).toBe(0)

    const back = sb.cm(['rollback', 'work'])
    expect(back.code).toBe(0)
    expect(back.stdout).toMatch(
      /^work: restored \S+claude-work and overrides\.json as before the write of .+ UTC \(glm 1\.5\.1, same version\)/,
    )
    expect(sb.runWrapper('work', { K: 'k' }).ANTHROPIC_DEFAULT_SONNET_MODEL).toBe(template)
    expect(JSON.parse(sb.cm(['override', 'work', '--list', '--json']).stdout).overrides).toEqual({})
    // The pin made after that write is the user's standing choice: it stays.
    expect(JSON.parse(sb.cm(['list', '--json']).stdout).instances[0].range).toBe('~1.5.0')
    // Before, the override stayed in overrides.json and the next sync quietly put it back.
    expect(sb.cm(['sync', '--check']).code).toBe(0)

    expect(sb.cm(['rollback', 'work']).code).toBe(0)
    expect(sb.runWrapper('work', { K: 'k' }).ANTHROPIC_DEFAULT_SONNET_MODEL).toBe('my-sonnet')
    expect(JSON.parse(sb.cm(['override', 'work', '--list', '--json']).stdout).overrides).toEqual({
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'my-sonnet',
    })
    expect(JSON.parse(sb.cm(['list', '--json']).stdout).instances[0].range).toBe('~1.5.0')
  })

  it('with nothing to roll back, says how to reach another version', () => {
    expect(sb.cm(['add', 'fresh', 'kimi', '--api-key-env', 'K']).code).toBe(0)
    const r = sb.cm(['rollback', 'fresh'])
    expect(r.code).toBe(1)
    oneLine(r.stderr)
    expect(r.stderr).toContain('claude-multi pin fresh <version> && claude-multi sync fresh')
  })
})

describe('first-run mistakes (bundled catalogue)', () => {
  let sb: Sandbox
  beforeAll(() => {
    sb = sandbox()
    expect(sb.cm(['add', 'work', 'glm@1.5.0', '--api-key-env', 'K']).code).toBe(0)
  })
  afterAll(() => sb?.cleanup())

  it('a missing argument names the command and its usage', () => {
    const r = sb.cm(['add', 'y'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'claude-multi: `claude-multi add` needs <template>: claude-multi add <name> <template> (run `claude-multi add --help`)\n',
    )
    const tag = sb.cm(['registry', 'add'])
    expect(tag.code).toBe(2)
    expect(tag.stderr).toContain('`claude-multi registry add` needs <name> and <url>')
  })

  it('a range nothing satisfies, or a dist-tag that does not exist, says what to give instead', () => {
    const info = sb.cm(['info', 'glm@9'])
    expect(info.code).toBe(1)
    oneLine(info.stderr)
    expect(info.stderr).toContain('give one of them, e.g. glm@1.5.1')
    expect(info.stderr).not.toContain('claude-multi pin')
    const tag = sb.cm(['add', 'x', 'glm@stabel', '--api-key-env', 'K'])
    expect(tag.code).toBe(1)
    expect(tag.stderr).toContain('glm has no dist-tag "stabel" (dist-tags: latest; versions: 1.0.0,')
  })

  it('sync --dry-run prints a clean patch header; diff names its last column', () => {
    expect(sb.cm(['pin', 'work', '^1.5.0']).code).toBe(0)
    const dry = sb.cm(['sync', '--dry-run', 'work'])
    expect(dry.code).toBe(0)
    const wrapper = join(sb.bin, 'claude-work')
    expect(dry.stdout).toContain(`--- ${wrapper}\n+++ ${wrapper}\n`)
    expect(dry.stdout).not.toContain('\\x09')
    expect(sb.cm(['diff', 'work']).stdout).toMatch(/^Variable\s+Local\s+After sync\s+Why$/m)
  })

  it('a pin or unpin that changes nothing says so; cache clean with no cache removes nothing', () => {
    expect(sb.cm(['pin', 'work', '^1.5.0']).stdout).toMatch(/^work: range is already \^1\.5\.0 \(wanted glm@/)
    expect(sb.cm(['unpin', 'work']).stdout).toBe('work: range is already ^1.5.0; nothing changed\n')
    // The bundled catalogue caches nothing: "removed … (0 KiB)" said otherwise.
    expect(sb.cm(['cache', 'clean']).stdout).toBe(`no cache at ${join(sb.home, 'cache')}; nothing to remove\n`)
  })

  it('a missing input lists its choices with one level of parentheses', () => {
    const r = sb.cm(['add', 'tp', 'mimo-token-plan', '--api-key-env', 'K'])
    expect(r.code).toBe(2)
    oneLine(r.stderr)
    expect(r.stderr).toMatch(/\(region: Token Plan cluster .*; one of cn, sgp, ams\)\n$/)
    expect(r.stderr).not.toContain('))')
  })

  it('a damaged lock or config names the command that repairs it', () => {
    for (const [file, fix] of [
      ['claude-multi.lock', 'run `claude-multi adopt`: it keeps the damaged file'],
      ['config.json', 'move it away and run `claude-multi adopt`'],
    ] as const) {
      const path = join(sb.home, file)
      const before = readFileSync(path, 'utf8')
      writeFileSync(path, 'garbage')
      const r = sb.cm(['list'])
      expect(r.code).toBe(1)
      oneLine(r.stderr)
      expect(r.stderr).toContain(fix)
      expect(readFileSync(path, 'utf8')).toBe('garbage')
      writeFileSync(path, before)
    }
  })
})

/** Async: the servers below live in this process, so the client must not block it (spawnSync would). */
const cmAsync = (sb: Sandbox, args: string[], registry: string): Promise<RunResult> =>
  new Promise((done) => {
    execFile(
      process.execPath,
      [CLIENT_CLI, ...args],
      { env: { ...sb.env, CLAUDE_MULTI_REGISTRY: registry }, encoding: 'utf8' },
      (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }),
    )
  })

describe('a registry URL that is not a registry', () => {
  let sb: Sandbox
  let server: Server
  let base = ''
  const page = '<!DOCTYPE HTML>\n<html>\n<head><title>Error response</title></head>\n<body>nope</body></html>\n'
  beforeAll(async () => {
    sb = sandbox()
    server = createServer((req, res) => {
      // /404/…: a static host without the files; /html/…: a login page for every path;
      // /labelled/…: a static host that calls any *.json file JSON, whatever it holds.
      if (req.url!.startsWith('/404/')) return res.writeHead(404, { 'content-type': 'text/html' }).end(page)
      if (req.url!.startsWith('/html/')) return res.writeHead(200, { 'content-type': 'text/html' }).end(page)
      res.writeHead(200, { 'content-type': 'application/json' }).end(page)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()))
    sb?.cleanup()
  })

  it('is one line naming the registry and what it answered, never the page itself', async () => {
    const cases: [string, string][] = [
      ['/404', "answered 404 (an HTML page, not a claude-multi registry's answer) for /v1/index.json"],
      ['/html', 'answered 200 with text/html instead of JSON; nothing is cached yet'],
      ['/labelled', 'answered 200 with an HTML page labelled application/json; nothing is cached yet'],
    ]
    for (const [path, said] of cases) {
      for (const args of [['templates'], ['add', 'x', 'glm', '--api-key-env', 'K']]) {
        const r = await cmAsync(sb, args, `${base}${path}`)
        expect(r.code, `${path} ${args[0]}`).toBe(1)
        oneLine(r.stderr)
        expect(r.stderr).toContain(`registry public (${base}${path}) ${said}`)
        expect(r.stderr).toContain('check that the URL points at a claude-multi registry')
        expect(r.stderr).not.toMatch(/DOCTYPE|<html|\\x0a/)
      }
    }
    expect(existsSync(join(sb.bin, 'claude-x'))).toBe(false)
  })

  it('a port nobody listens on says so in words', async () => {
    const r = await cmAsync(sb, ['templates'], 'http://127.0.0.1:1')
    expect(r.code).toBe(1)
    oneLine(r.stderr)
    expect(r.stderr).toContain(
      'registry public (http://127.0.0.1:1) is unreachable: connection refused (ECONNREFUSED); nothing is cached yet',
    )
  })
})
