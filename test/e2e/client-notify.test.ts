import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shQuote } from '../../shared/shell.js'
import { CLIENT_CLI, derive, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

/**
 * Issue 15 items 1 and 2: the wrapper's update notice and opt-in auto-sync, end to end: a real
 * registry, the real binary (found on PATH as `claude-multi`, as a user has it), wrappers run by
 * /bin/sh, under a pseudo-terminal (`script`) where the notice needs one.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls instead of sleeping blindly: the check runs detached and takes what it takes. */
async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** Waits until no background check of this client runs (it would race the next assertion). */
async function quiet(): Promise<void> {
  await until('background checks to finish', () => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        if (cmd.includes(CLIENT_CLI) && cmd.includes('notify')) return false
      } catch {}
    }
    return true
  })
}

interface Env {
  sb: Sandbox
  /** A directory holding only a `claude-multi` that runs the built client. */
  cmBin: string
  wrapper(name: string): string
  notice(name: string): string
  /** The wrapper's environment: the user's shell with claude-multi on PATH. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
}

function setup(reg: Registry): Env {
  const sb = sandbox(reg.url, { CLAUDE_MULTI_TOKEN: reg.token, NOTIFY_TEST_KEY: 'sk-test-FAKE' })
  const cmBin = join(sb.dir, 'cm-bin')
  mkdirSync(cmBin)
  writeFileSync(
    join(cmBin, 'claude-multi'),
    `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(CLIENT_CLI)} "$@"\n`,
  )
  chmodSync(join(cmBin, 'claude-multi'), 0o755)
  return {
    sb,
    cmBin,
    wrapper: (name) => join(sb.bin, `claude-${name}`),
    notice: (name) => join(sb.home, 'notify', `${name}.notice`),
    env: (extra = {}) => ({ ...sb.env, PATH: `${cmBin}:${process.env.PATH}`, SHELL: '/bin/sh', ...extra }),
  }
}

/** Runs the wrapper with stdin, stdout and stderr on a pseudo-terminal; returns what it showed. */
function launchTty(e: Env, name: string, env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const r = spawnSync('script', ['-qfec', `${shQuote(e.wrapper(name))} hello`, '/dev/null'], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: r.status, out: r.stdout.replace(/\r/g, '') }
}

/** Runs the wrapper with pipes: stderr is not a terminal. */
function launchPiped(e: Env, name: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('/bin/sh', [e.wrapper(name), 'hello'], { env, encoding: 'utf8', timeout: 30_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const readOr = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '')

function publish(e: Env, id: string, from: string, version: string, change: (d: Record<string, any>) => void): void {
  const file = join(e.sb.dir, `${id}-${version}.json`)
  writeFileSync(file, derive(id, from, version, change))
  const pub = e.sb.cm(['publish', file])
  expect(pub.stderr).toBe('')
  expect(pub.code).toBe(0)
}

describe('the update notice at launch', { timeout: 120_000 }, () => {
  let reg: Registry
  let e: Env
  beforeAll(async () => {
    reg = await startRegistry()
    e = setup(reg)
    const add = e.sb.cm(['add', 'work', 'glm@^1.5.0', '--api-key-env', 'NOTIFY_TEST_KEY'])
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
  })
  afterAll(async () => {
    await reg?.stop()
    e?.sb.cleanup()
  })

  it('names the new version and the changed role at a later launch, on a terminal only', async () => {
    expect(readFileSync(e.wrapper('work'), 'utf8')).toContain(`claude-multi notify 'work' &`)
    publish(e, 'glm', '1.5.1', '1.6.0', (d) => {
      d.models.sonnet = 'glm-5.5-flash[1m]'
      d.limits['glm-5.5-flash'] = d.limits['glm-5.3-flash']
      delete d.limits['glm-5.3-flash']
    })
    const env = e.env({ CLAUDE_MULTI_NOTIFY_INTERVAL: '0' })
    const first = launchTty(e, 'work', env)
    expect(first.code).toBe(0)
    expect(first.out).toContain('ARGS=hello')
    expect(first.out).not.toContain('claude-work:')

    const expected =
      'claude-work: glm 1.5.1 → 1.6.0 (sonnet glm-5.3-flash[1m] → glm-5.5-flash[1m]) — run: claude-multi sync work'
    await until('the background check to leave a notice', () => readOr(e.notice('work')).includes('1.6.0'))
    expect(readOr(e.notice('work'))).toBe(`${expected}\n`)

    // stderr not a terminal: claude runs, nothing is printed, the notice waits for a terminal.
    const piped = launchPiped(e, 'work', env)
    expect(piped.code).toBe(0)
    expect(piped.stdout).toContain('ARGS=hello')
    expect(piped.stderr).toBe('')
    await until('the notice again', () => readOr(e.notice('work')).includes('1.6.0'))

    const later = launchTty(e, 'work', env)
    expect(later.code).toBe(0)
    expect(later.out).toContain(`${expected}\n`)
    expect(later.out.indexOf(expected)).toBeLessThan(later.out.indexOf('ARGS=hello'))
  })

  it('is louder for a deprecated version, and terminal-safe', async () => {
    await quiet()
    const dep = e.sb.cm(['deprecate', 'glm@1.5.1', 'wrong limits, use 1.6.0'])
    expect(dep.code).toBe(0)
    const r = e.sb.cm(['notify', 'work'], { env: { CLAUDE_MULTI_NOTIFY_INTERVAL: '0' } })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const line =
      'claude-work: WARNING glm 1.5.1 is deprecated: wrong limits, use 1.6.0; glm 1.5.1 → 1.6.0 (sonnet glm-5.3-flash[1m] → glm-5.5-flash[1m]) — run: claude-multi sync work'
    expect(r.stdout).toBe(`${line}\n`)
    expect(readFileSync(e.notice('work'), 'utf8')).toBe(`${line}\n`)
    // A registry that cannot be reached: quiet, exit 0, the notice left as it was.
    const down = e.sb.cm(['notify', 'work'], {
      env: {
        CLAUDE_MULTI_REGISTRY: 'http://127.0.0.1:9/',
        CLAUDE_MULTI_NOTIFY_INTERVAL: '0',
        CLAUDE_MULTI_HOME: join(e.sb.dir, 'other-home'),
      },
    })
    expect(down).toMatchObject({ code: 0, stderr: '', stdout: '' })
  })

  it('runs claude with exit 0 when claude-multi is not on PATH, and prints nothing', async () => {
    await quiet()
    const env = e.env({ PATH: process.env.PATH, CLAUDE_MULTI_NOTIFY_INTERVAL: '0' })
    expect(spawnSync('/bin/sh', ['-c', 'command -v claude-multi'], { env }).status).not.toBe(0)
    writeFileSync(e.notice('work'), '')
    for (const shell of ['/bin/sh', 'bash']) {
      const r = spawnSync(shell, [e.wrapper('work'), 'hello'], { env, encoding: 'utf8' })
      expect(r.status).toBe(0)
      expect(r.stdout).toContain('ARGS=hello')
      expect(r.stderr).toBe('')
    }
    const tty = launchTty(e, 'work', env)
    expect(tty.code).toBe(0)
    expect(tty.out).toContain('ARGS=hello')
    expect(tty.out).not.toContain('claude-work:')
  })

  it('starts no background process with CLAUDE_MULTI_NOTIFY=0 (and does without it)', async () => {
    await quiet()
    // A claude-multi that only records that it was started.
    const spyBin = join(e.sb.dir, 'spy-bin')
    const marker = join(e.sb.dir, 'spy-started')
    mkdirSync(spyBin, { recursive: true })
    writeFileSync(join(spyBin, 'claude-multi'), `#!/bin/sh\necho "$*" >> ${shQuote(marker)}\n`)
    chmodSync(join(spyBin, 'claude-multi'), 0o755)
    const env = e.env({ PATH: `${spyBin}:${process.env.PATH}`, CLAUDE_MULTI_NOTIFY_INTERVAL: '0' })
    for (let i = 0; i < 3; i++) expect(launchPiped(e, 'work', { ...env, CLAUDE_MULTI_NOTIFY: '0' }).code).toBe(0)
    await sleep(1000)
    expect(existsSync(marker)).toBe(false)
    expect(launchPiped(e, 'work', env).code).toBe(0)
    expect(await until('the spy to be started', () => existsSync(marker) && readFileSync(marker, 'utf8'))).toBe(
      'notify work\n',
    )
  })

  it('checks again only once the interval has passed', async () => {
    await quiet()
    const spyBin = join(e.sb.dir, 'spy-bin2')
    const marker = join(e.sb.dir, 'spy2-started')
    mkdirSync(spyBin, { recursive: true })
    writeFileSync(join(spyBin, 'claude-multi'), `#!/bin/sh\necho "$*" >> ${shQuote(marker)}\n`)
    chmodSync(join(spyBin, 'claude-multi'), 0o755)
    // The real check sets the next one a day ahead (the default interval).
    const checked = e.sb.cm(['notify', 'work'], { env: { CLAUDE_MULTI_NOTIFY_INTERVAL: '' } })
    expect(checked.code).toBe(0)
    const next = statSync(join(e.sb.home, 'notify', 'work.next')).mtimeMs
    expect(next - Date.now()).toBeGreaterThan(86_400_000 - 60_000)
    for (let i = 0; i < 3; i++)
      expect(launchPiped(e, 'work', e.env({ PATH: `${spyBin}:${process.env.PATH}` })).code).toBe(0)
    await sleep(1000)
    expect(existsSync(marker)).toBe(false)
  })

  it('`config set notify off` takes the lines out of every wrapper, `sync` leaves them out, `on` puts them back', async () => {
    await quiet()
    const before = readFileSync(e.wrapper('work'), 'utf8')
    const off = e.sb.cm(['config', 'set', 'notify', 'off'])
    expect(off.stderr).toBe('')
    expect(off.code).toBe(0)
    const text = readFileSync(e.wrapper('work'), 'utf8')
    expect(text).not.toContain('claude-multi:notify')
    expect(text).toBe(
      before
        .split('\n')
        .filter((l) => !l.endsWith(' # claude-multi:notify'))
        .join('\n'),
    )
    expect(e.sb.cm(['config', 'get', 'notify']).stdout).toBe('off\n')
    // The sync moves work to 1.6.0: the notice announcing 1.6.0 goes with it.
    writeFileSync(e.notice('work'), 'claude-work: glm 1.5.1 → 1.6.0 — run: claude-multi sync work\n')
    expect(e.sb.cm(['sync', 'work']).code).toBe(0)
    expect(readFileSync(e.notice('work'), 'utf8')).toBe('')
    expect(readFileSync(e.wrapper('work'), 'utf8')).not.toContain('claude-multi:notify')
    expect(e.sb.cm(['config', 'set', 'notify', 'maybe']).stderr).toMatch(/"maybe" is neither on nor off/)
    expect(e.sb.cm(['config', 'set', 'notfiy', 'off']).stderr).toMatch(/unknown setting "notfiy"/)
    expect(e.sb.cm(['config', 'set', 'notify', 'on']).code).toBe(0)
    expect(readFileSync(e.wrapper('work'), 'utf8')).toContain('claude-multi:notify')
    expect(e.sb.cm(['config', 'list']).stdout).toMatch(/^notify = on/)
  })
})

describe('auto-sync in the background', { timeout: 180_000 }, () => {
  let reg: Registry
  let e: Env
  beforeAll(async () => {
    reg = await startRegistry()
    e = setup(reg)
    expect(e.sb.cm(['add', 'auto', 'glm@^1.5.0', '--api-key-env', 'NOTIFY_TEST_KEY']).code).toBe(0)
  })
  afterAll(async () => {
    await reg?.stop()
    e?.sb.cleanup()
  })

  it('applies a minor keeping hand edits, rollback undoes it and it is not applied again; a major is only announced', async () => {
    const path = e.wrapper('auto')
    const edited = readFileSync(path, 'utf8')
      .replace(/export ANTHROPIC_DEFAULT_HAIKU_MODEL=.*\n/, "export ANTHROPIC_DEFAULT_HAIKU_MODEL='my-haiku'\n")
      .replace(/export ANTHROPIC_DEFAULT_SONNET_MODEL=.*\n/, "export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'\n")
      .replace(/exec /, 'export MY_OWN_FLAG="on"  # mine\nexec ')
    writeFileSync(path, edited)
    const on = e.sb.cm(['auto', 'auto', 'on'])
    expect(on.stderr).toBe('')
    expect(on.stdout).toContain('auto: auto-sync on')
    expect(e.sb.cm(['list']).stdout).toMatch(/auto\s+glm\s+1\.5\.1\s+\^1\.5\.0\s+\S+\s+on\s/)
    expect(JSON.parse(e.sb.cm(['list', '--json']).stdout).instances[0].auto).toBe(true)

    publish(e, 'glm', '1.5.1', '1.6.0', (d) => {
      d.models.sonnet = 'glm-5.5-flash[1m]'
      d.limits['glm-5.5-flash'] = d.limits['glm-5.3-flash']
      delete d.limits['glm-5.3-flash']
      d.models.default = 'glm-5.5[1m]'
    })
    const env = e.env({ CLAUDE_MULTI_NOTIFY_INTERVAL: '0' })
    expect(launchPiped(e, 'auto', env).code).toBe(0)
    const notice = await until(
      'the update to be applied',
      () => readOr(e.notice('auto')).includes('updated') && readOr(e.notice('auto')),
    )
    expect(notice).toBe(
      'claude-auto: updated glm 1.5.1 → 1.6.0 (default glm-5.3[1m] → glm-5.5[1m]; kept your sonnet; undo: claude-multi rollback auto)\n',
    )
    const lock = () => JSON.parse(readFileSync(join(e.sb.home, 'claude-multi.lock'), 'utf8')).instances.auto
    expect(lock().version).toBe('1.6.0')
    const after = readFileSync(path, 'utf8')
    expect(after).toContain("export ANTHROPIC_MODEL='glm-5.5[1m]'\n")
    expect(after).toContain("export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'\n")
    expect(after).toContain("export ANTHROPIC_DEFAULT_HAIKU_MODEL='my-haiku'\n")
    expect(after).toContain('export MY_OWN_FLAG="on"  # mine\nexec ')

    await quiet()
    const back = e.sb.cm(['rollback', 'auto'])
    expect(back.code).toBe(0)
    expect(readFileSync(path, 'utf8')).toBe(edited)
    expect(lock().version).toBe('1.5.1')

    // The next check finds 1.6.0 again but leaves it: the user went back from it.
    await quiet()
    writeFileSync(e.notice('auto'), '')
    expect(launchPiped(e, 'auto', env).code).toBe(0)
    await until('the next notice', () => readOr(e.notice('auto')).includes('1.6.0'))
    expect(readOr(e.notice('auto'))).toMatch(/^claude-auto: glm 1\.5\.1 → 1\.6\.0 .* — run: claude-multi sync auto\n$/)
    expect(lock().version).toBe('1.5.1')

    publish(e, 'glm', '1.5.1', '2.0.0', (d) => {
      d.models.default = 'glm-6[1m]'
    })
    await quiet()
    writeFileSync(e.notice('auto'), '')
    expect(launchPiped(e, 'auto', env).code).toBe(0)
    await until('the major to be announced', () => readOr(e.notice('auto')).includes('2.0.0'))
    expect(readOr(e.notice('auto'))).toContain('glm 2.0.0 is a new major')
    expect(readOr(e.notice('auto'))).toContain('claude-multi diff auto --to 2.0.0')
    expect(lock().version).toBe('1.5.1')
    expect(readFileSync(path, 'utf8')).toBe(edited)

    await quiet()
    expect(e.sb.cm(['remove', 'auto', '--yes']).code).toBe(0)
    expect(readdirSync(join(e.sb.home, 'notify'))).toEqual([])
  })
})
