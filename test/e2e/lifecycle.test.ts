/**
 * The whole life of an instance, with the real binary against a real registry process: add, a hand
 * edit, an override the wrapper refuses (every file byte-identical afterwards), rename, remove, add
 * again, the lock lost and rebuilt by adopt (edits kept), the wrapper deleted and re-created by
 * sync, a damaged cache healed, and 40 adds released together over a lock left by kill -9: exactly
 * 40 instances, each once in config.json, the lock and the bin dir. RACE_TRIALS sets the number of
 * 40-add trials (each costs 40 process starts; run RACE_TRIALS=40 for the full acceptance).
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_CLI, holdLock, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

const TRIALS = Math.max(1, Number(process.env.RACE_TRIALS) || 2)
const ADDS = 40
const KEY = { WORK_KEY: 'sk-test' }

let reg: Registry
let s: Sandbox
beforeAll(async () => {
  reg = await startRegistry()
  s = sandbox(reg.url)
}, 60_000)
afterAll(async () => {
  s?.cleanup()
  await reg?.stop()
})

const wrapper = (name: string) => join(s.bin, `claude-${name}`)
const configDir = (name: string) => join(s.dir, 'userhome', `.claude-${name}`)
const state = () => ({
  config: JSON.parse(s.read(join(s.home, 'config.json'))) as { instances: { name: string; configDir: string }[] },
  lock: JSON.parse(s.read(join(s.home, 'claude-multi.lock'))) as {
    instances: Record<string, { version: string; target: { path: string } }>
  },
})

/** Every file under the sandbox with its bytes and mode. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'cache') walk(p)
      } else out.set(p, `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`)
    }
  }
  walk(s.dir)
  return out
}

function ok(args: string[]) {
  const r = s.cm(args)
  expect(r.code, `claude-multi ${args.join(' ')}: ${r.stderr}`).toBe(0)
  return r
}

describe('the life of an instance', () => {
  it('add → hand edit → refused override changes nothing → rename → remove → add again', () => {
    ok(['add', 'work', 'glm', '--api-key-env', 'WORK_KEY'])
    const edited = `${s.read(wrapper('work')).replace(/export ANTHROPIC_DEFAULT_SONNET_MODEL=.*/, "export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'")}# my own line\n`
    writeFileSync(wrapper('work'), edited)

    const before = snapshot()
    const refused = s.cm(['override', 'work', 'LD_PRELOAD=/x.so'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('LD_PRELOAD')
    expect(snapshot()).toEqual(before)
    // And the instance is not wedged by it: the next override and sync work.
    ok(['override', 'work', 'haiku=my-haiku'])
    expect(s.cm(['sync', '--check']).code).toBe(0)

    const renamed = ok(['rename', 'work', 'job'])
    expect(renamed.stdout).toContain(`renamed work to job: ${wrapper('job')}`)
    expect(existsSync(wrapper('work'))).toBe(false)
    const moved = s.read(wrapper('job'))
    expect(moved).toContain("export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'")
    expect(moved).toContain('# my own line\n')
    expect(moved).toContain("'claude-job: WORK_KEY is not set; export it with your API key'")
    expect(statSync(wrapper('job')).mode & 0o777).toBe(0o755)
    const env = s.runWrapper('job', KEY)
    expect(env).toMatchObject({
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'my-sonnet',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'my-haiku',
      CLAUDE_CONFIG_DIR: configDir('work'),
    })
    expect(state().lock.instances.job!.target.path).toBe(wrapper('job'))
    expect(state().config.instances.map((i) => i.name)).toEqual(['job'])

    expect(s.cm(['remove', 'job']).code).toBe(2) // no terminal to ask on, no --yes
    expect(existsSync(wrapper('job'))).toBe(true)
    const removed = ok(['remove', 'job', '--yes'])
    expect(removed.stdout).toContain(`remove ${configDir('work')}`)
    expect(existsSync(wrapper('job'))).toBe(false)
    expect(existsSync(configDir('work'))).toBe(false)
    expect(state().config.instances).toEqual([])
    expect(state().lock.instances).toEqual({})

    ok(['add', 'work', 'glm', '--api-key-env', 'WORK_KEY'])
    writeFileSync(
      wrapper('work'),
      s
        .read(wrapper('work'))
        .replace(/export ANTHROPIC_DEFAULT_SONNET_MODEL=.*/, "export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'"),
    )
  })

  it('a lost lock is rebuilt by adopt from the wrapper, with the edits', () => {
    const version = state().lock.instances.work!.version
    rmSync(join(s.home, 'claude-multi.lock'))
    expect(s.cm(['list']).stdout).toMatch(/work\s+glm\s+not managed/)
    const adopted = ok(['adopt'])
    expect(adopted.stdout).toContain(`adopted work: glm@${version} from public, lock entry rebuilt from its wrapper`)
    expect(adopted.stdout).toContain('your values kept: sonnet')
    expect(state().lock.instances.work).toMatchObject({
      version,
      key: { env: 'WORK_KEY' },
      target: { kind: 'wrapper', path: wrapper('work') },
    })
    expect(s.cm(['sync', '--check']).code).toBe(0)
    expect(s.runWrapper('work', KEY).ANTHROPIC_DEFAULT_SONNET_MODEL).toBe('my-sonnet')
  })

  it('a deleted wrapper is re-created by sync, from the lock and the overrides', () => {
    ok(['override', 'work', 'opus=my-opus'])
    rmSync(wrapper('work'))
    const check = s.cm(['sync', '--check'])
    expect(check.code).toBe(100)
    expect(check.stdout).toMatch(/work\s+glm\s+\S+\s+public, \S+\s+wrapper missing, sync re-creates it/)
    const synced = ok(['sync'])
    expect(synced.stdout).toContain('re-created the missing wrapper')
    expect(statSync(wrapper('work')).mode & 0o777).toBe(0o755)
    expect(s.runWrapper('work', KEY)).toMatchObject({
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'my-opus',
      CLAUDE_CONFIG_DIR: configDir('work'),
    })
    expect(s.cm(['sync', '--check']).code).toBe(0)
  })

  it('a damaged cache heals: the index, an entry and a document are dropped and fetched again, one line each', () => {
    // Only `templates` caches the index now (every other command reads per-id documents).
    ok(['templates'])
    const cacheDir = join(s.home, 'cache', readdirSync(join(s.home, 'cache'))[0]!)
    writeFileSync(join(cacheDir, 'index.json'), '{"formatVersion": 1, "templ')
    writeFileSync(join(cacheDir, 'entries', 'glm.json'), '{"url": "http://x", "bo')
    const version = state().lock.instances.work!.version
    const doc = join(cacheDir, 'templates', 'glm', `${version}.json`)
    writeFileSync(doc, readFileSync(doc, 'utf8').replace('"glm-5', '"evil-5'))
    // `sync --check` reads the per-id document (and the version), not the index.
    const healed = ok(['sync', '--check'])
    expect(healed.stderr).toContain(
      'warning: the cached entry of glm from registry public was damaged; dropped it and fetched it again',
    )
    expect(healed.stderr).toMatch(
      new RegExp(
        `warning: cached glm@${version.replace(/\./g, '\\.')} has integrity \\S+ but \\S+ was expected; dropped it and fetched it again`,
      ),
    )
    expect(healed.stderr.trim().split('\n')).toHaveLength(2)
    expect(ok(['sync', '--check']).stderr).toBe('')
    // `templates` reads the index (`info` too reads only the per-id document now).
    expect(ok(['info', 'glm']).stderr).toBe('')
    expect(ok(['templates']).stderr).toBe(
      'warning: the cached index of registry public was damaged; dropped it and fetched it again\n',
    )
    expect(ok(['cache', 'verify']).stdout).toMatch(/1 registry, \d+ documents verified/)
  })
})

/** 40 processes started at once; resolves with their exit codes and stderr. */
function addMany(
  home: Sandbox,
  names: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }[]> {
  return Promise.all(
    names.map(
      (name) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [CLIENT_CLI, 'add', name, 'kimi', '--api-key-env', 'K', '--wait=120'], {
            env: { ...home.env, ...env },
            stdio: ['ignore', 'ignore', 'pipe'],
          })
          let stderr = ''
          child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
          child.on('close', (code) => resolve({ code, stderr }))
        }),
    ),
  )
}

describe(`${ADDS} adds released together over a lock left by kill -9`, () => {
  const trial = async (lockKind: 'kernel' | 'pidfile') => {
    const t = sandbox(reg.url, lockKind === 'pidfile' ? { CLAUDE_MULTI_LOCK: 'pidfile' } : {})
    try {
      // Warm the cache as any earlier command would have: the race is about the lock, not about 40 downloads.
      expect(t.cm(['info', 'kimi']).code).toBe(0)
      // A writer killed while it held the lock leaves its lock file (and, for pid files, its pid) behind.
      if (lockKind === 'kernel') await (await holdLock(t.home, 'sync')).kill()
      else
        writeFileSync(
          join(t.home, '.lock.pid'),
          JSON.stringify({ pid: 2147483646, command: 'sync', since: new Date().toISOString() }),
        )
      const names = Array.from({ length: ADDS }, (_, i) => `n${i}`)
      const results = await addMany(t, names, {})
      for (const [i, r] of results.entries()) expect(r.code, `add ${names[i]}: ${r.stderr}`).toBe(0)
      const config = JSON.parse(t.read(join(t.home, 'config.json'))) as { instances: { name: string }[] }
      const lock = JSON.parse(t.read(join(t.home, 'claude-multi.lock'))) as { instances: Record<string, unknown> }
      expect(config.instances.map((i) => i.name).sort()).toEqual([...names].sort())
      expect(Object.keys(lock.instances).sort()).toEqual([...names].sort())
      expect(readdirSync(t.bin).sort()).toEqual(names.map((n) => `claude-${n}`).sort())
      expect(existsSync(join(t.home, 'journal.json'))).toBe(false)
    } finally {
      t.cleanup()
    }
  }
  for (let i = 0; i < TRIALS; i++)
    it(`trial ${i + 1} of ${TRIALS}: exactly ${ADDS} instances, each once`, () => trial('kernel'), 180_000)
  it(
    'the portable pid-file lock (where the kernel lock cannot load) gets it right too',
    () => trial('pidfile'),
    180_000,
  )
})
