/**
 * Issue 12 acceptance, wrapper isolation: for every template of the catalogue, a wrapper made by
 * the real `claude-multi add` and run from a shell that carries the user's own Anthropic keys and a
 * Bedrock switch gives claude only the instance's key, in the template's auth variable. Then `add`
 * without a key option: on a terminal it asks (hidden), anywhere else it refuses and writes nothing.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CLIENT_CLI, ROOT, sandbox } from '../helpers/client.js'

const CATALOGUE = join(ROOT, 'registry/templates')
const ids = readdirSync(CATALOGUE).sort()
/** Inputs without a default, so `add` can run unattended. */
const INPUTS: Record<string, string[]> = {
  openrouter: ['--input', 'model=z-ai/glm-4.6'],
  'mimo-token-plan': ['--input', 'region=sgp'],
}
const SHELL_ENV = {
  ANTHROPIC_API_KEY: 'sk-ant-x',
  ANTHROPIC_AUTH_TOKEN: 'sk-ant-y',
  CLAUDE_CODE_USE_BEDROCK: '1',
  CLAUDE_CODE_USE_VERTEX: '1',
  ANTHROPIC_BEDROCK_BASE_URL: 'https://bedrock.evil.example',
  CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-z',
}

describe('a wrapper passes on only its own key (every catalogue template)', () => {
  const sb = sandbox()
  afterAll(() => sb.cleanup())

  for (const id of ids) {
    it(`claude-${id}`, () => {
      const added = sb.cm(['add', id, id, '--api-key-stdin', ...(INPUTS[id] ?? [])], { input: `provider-key-${id}\n` })
      expect(added.code, added.stderr).toBe(0)
      const auth = (
        JSON.parse(
          readFileSync(
            join(
              CATALOGUE,
              id,
              `${(JSON.parse(readFileSync(join(CATALOGUE, id, 'meta.json'), 'utf8')) as { 'dist-tags': { latest: string } })['dist-tags'].latest}.json`,
            ),
            'utf8',
          ),
        ) as { auth: string }
      ).auth
      const other = auth === 'ANTHROPIC_AUTH_TOKEN' ? 'ANTHROPIC_API_KEY' : 'ANTHROPIC_AUTH_TOKEN'
      for (const shell of ['bash', 'dash']) {
        const r = spawnSync(shell, [join(sb.bin, `claude-${id}`), 'hello'], {
          env: { PATH: process.env.PATH, ...SHELL_ENV },
          encoding: 'utf8',
        })
        expect(r.status, r.stderr).toBe(0)
        const env = Object.fromEntries(
          r.stdout
            .split('\n')
            .filter((l) => l.includes('='))
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
        )
        expect(env[auth], shell).toBe(`provider-key-${id}`)
        expect(env[other] ?? '', `${shell}: ${other} is unset or empty`).toBe('')
        expect(env.CLAUDE_CODE_USE_BEDROCK, shell).toBeUndefined()
        expect(env.CLAUDE_CODE_USE_VERTEX, shell).toBeUndefined()
        expect(env.ANTHROPIC_BEDROCK_BASE_URL, shell).toBeUndefined()
        expect(r.stdout, `${shell}: sk-ant- nowhere in claude's environment`).not.toContain('sk-ant-')
      }
    })
  }
})

describe('add without a key option', () => {
  const sb = sandbox()
  afterAll(() => sb.cleanup())

  it('refuses when nobody can be asked, naming both options, and writes nothing', () => {
    const r = sb.cm(['add', 'work', 'glm'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /claude-multi: add needs the API key: pipe it in with --api-key-stdin, or name the variable that holds it with --api-key-env VAR/,
    )
    expect(existsSync(join(sb.bin, 'claude-work'))).toBe(false)
    expect(existsSync(join(sb.home, 'config.json'))).toBe(false)
  })

  it('asks on a terminal without echoing the key', async () => {
    // `script` gives the command a real terminal; the key is typed only once the prompt is up.
    const cmd = `${process.execPath} ${CLIENT_CLI} add work glm`
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      env: { ...sb.env, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    const done = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no prompt: ${out}`)), 20_000)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('API key for claude-work (input hidden): ')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.stdin.write('typed-secret-key\r')
    expect(await done).toBe(0)
    expect(out).toContain('added work: glm@')
    expect(out).not.toContain('typed-secret-key')
    expect(readFileSync(join(sb.dir, 'userhome', '.claude-work', '.claude-multi-key'), 'utf8')).toBe(
      'typed-secret-key\n',
    )
    expect(sb.runWrapper('work').ANTHROPIC_AUTH_TOKEN).toBe('typed-secret-key')
  })
})
