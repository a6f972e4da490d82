/**
 * Crash safety: `sync` over 20 instances, and `add`, `override`, `remove` and `rename`, are killed
 * with SIGKILL at random moments. After every kill of sync each wrapper is byte-for-byte the old or
 * the new one and overrides.json is untouched; after every kill the next command completes (it
 * finishes or rolls back what the killed one left) and config.json, the lock, overrides.json and
 * the wrappers agree: the killed command happened entirely or not at all. Two syncs started
 * together never corrupt anything either. KILL_RUNS sets the number of kills (default 50, shared
 * by the five commands).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_CLI, sandbox, type Sandbox } from '../helpers/client.js'

const KILLS = Math.max(1, Number(process.env.KILL_RUNS) || 50)
const TEMPLATES = [
  ['glm', '1.2.0'],
  ['minimax', '1.1.0'],
  ['deepseek', '1.0.0'],
  ['kimi', '1.0.0'],
  ['qwen', '1.0.0'],
] as const
const NAMES = Array.from({ length: 20 }, (_, i) => `i${String(i).padStart(2, '0')}`)

type Snapshot = Map<string, { mode: number; data: Buffer }>

let s: Sandbox
let roots: string[]
let oldState: Snapshot
let newState: Snapshot
let syncMs = 0

function snap(): Snapshot {
  const out: Snapshot = new Map()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else out.set(p, { mode: st.mode & 0o7777, data: readFileSync(p) })
    }
  }
  for (const r of roots) if (existsSync(r)) walk(r)
  return out
}

/** Puts every file back as it was in `state` and removes the rest (temp files included). */
function restore(state: Snapshot): void {
  for (const path of snap().keys()) if (!state.has(path)) rmSync(path, { force: true })
  for (const [path, { mode, data }] of state) {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, data)
    chmodSync(path, mode)
  }
}

function run(
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [CLIENT_CLI, ...args], {
      env: s.env,
      cwd: s.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stderr, ms: performance.now() - started })
    })
  })
}

const wrapper = (name: string) => join(s.bin, `claude-${name}`)
const overrides = (name: string) => join(s.dir, 'userhome', `.claude-${name}`, 'overrides.json')

beforeAll(async () => {
  s = sandbox()
  roots = [s.home, s.bin, join(s.dir, 'userhome')]
  // 20 instances on old versions of the bundled catalogue, each with an override, some with hand edits.
  for (const [i, name] of NAMES.entries()) {
    const [id, version] = TEMPLATES[i % TEMPLATES.length]!
    const added = await run(['add', name, `${id}@${version}`, '--api-key-env', 'SOME_KEY'])
    expect(added.code, added.stderr).toBe(0)
    const o = await run(['override', name, `haiku=my-haiku-${i}`])
    expect(o.code, o.stderr).toBe(0)
    if (i % 3 === 0) writeFileSync(wrapper(name), `${readFileSync(wrapper(name), 'utf8')}# my own line ${i}\n`)
  }
  // Let every instance move to the newest version of its major on the next sync.
  const lock = JSON.parse(readFileSync(join(s.home, 'claude-multi.lock'), 'utf8')) as {
    instances: Record<string, { range: string }>
  }
  for (const e of Object.values(lock.instances)) e.range = '^1'
  writeFileSync(join(s.home, 'claude-multi.lock'), `${JSON.stringify(lock, null, 2)}\n`)
  oldState = snap()
  const first = await run(['sync'])
  expect(first.code, first.stderr).toBe(0)
  syncMs = first.ms
  newState = snap()
  for (const name of NAMES)
    expect(newState.get(wrapper(name))!.data.equals(oldState.get(wrapper(name))!.data), name).toBe(false)
}, 120_000)

afterAll(() => s?.cleanup())

function expectOldOrNew(when: string): void {
  for (const name of NAMES) {
    const now = readFileSync(wrapper(name))
    const ok = now.equals(oldState.get(wrapper(name))!.data) || now.equals(newState.get(wrapper(name))!.data)
    expect(ok, `${when}: wrapper ${name} is neither the old nor the new file`).toBe(true)
    expect(statSync(wrapper(name)).mode & 0o777, `${when}: wrapper ${name} mode`).toBe(
      oldState.get(wrapper(name))!.mode & 0o777,
    )
    expect(
      readFileSync(overrides(name)).equals(oldState.get(overrides(name))!.data),
      `${when}: overrides of ${name}`,
    ).toBe(true)
  }
  for (const file of [join(s.home, 'config.json'), join(s.home, 'claude-multi.lock')]) {
    expect(() => JSON.parse(readFileSync(file, 'utf8')), `${when}: ${file} parses`).not.toThrow()
  }
}

function expectNewState(when: string): void {
  for (const name of NAMES) {
    expect(
      readFileSync(wrapper(name)).equals(newState.get(wrapper(name))!.data),
      `${when}: wrapper ${name} is the new one`,
    ).toBe(true)
  }
  const lock = JSON.parse(readFileSync(join(s.home, 'claude-multi.lock'), 'utf8')) as unknown
  const expected = JSON.parse(newState.get(join(s.home, 'claude-multi.lock'))!.data.toString('utf8')) as unknown
  expect(lock, `${when}: lock`).toEqual(expected)
}

/** The other commands, each killed from the synced state; `applied` tells whether it happened. */
interface Victim {
  args: string[]
  applied(): boolean
  /** What must hold when it did (and the opposite is checked through the state agreeing). */
  check(applied: boolean, when: string): void
}

const inConfig = (name: string) =>
  (JSON.parse(readFileSync(join(s.home, 'config.json'), 'utf8')) as { instances: { name: string }[] }).instances.some(
    (i) => i.name === name,
  )

const VICTIMS: Record<string, Victim> = {
  add: {
    args: ['add', 'fresh', 'kimi', '--api-key-env', 'SOME_KEY'],
    applied: () => inConfig('fresh'),
    check: (applied, when) =>
      expect(existsSync(wrapper('fresh')), `${when}: wrapper of an add that ${applied ? 'happened' : 'did not'}`).toBe(
        applied,
      ),
  },
  override: {
    args: ['override', 'i01', 'haiku=killed-haiku'],
    applied: () => readFileSync(overrides('i01'), 'utf8').includes('killed-haiku'),
    check: (applied, when) =>
      expect(
        readFileSync(wrapper('i01'), 'utf8').includes("'killed-haiku'"),
        `${when}: wrapper follows overrides.json`,
      ).toBe(applied),
  },
  remove: {
    args: ['remove', 'i02', '--yes'],
    applied: () => !inConfig('i02'),
    check: (applied, when) => {
      expect(existsSync(wrapper('i02')), `${when}: wrapper of i02`).toBe(!applied)
      expect(existsSync(join(s.dir, 'userhome', '.claude-i02')), `${when}: config dir of i02`).toBe(!applied)
    },
  },
  rename: {
    args: ['rename', 'i03', 'r03'],
    applied: () => inConfig('r03'),
    check: (applied, when) => {
      expect(inConfig('i03'), `${when}: i03 and r03 are never both or neither`).toBe(!applied)
      expect(existsSync(wrapper('r03')), `${when}: wrapper r03`).toBe(applied)
      expect(existsSync(wrapper('i03')), `${when}: wrapper i03`).toBe(!applied)
    },
  },
}

/** config.json, the lock, overrides.json and the wrappers tell one story, and nothing is left half-done. */
function expectAgreement(when: string): void {
  const config = JSON.parse(readFileSync(join(s.home, 'config.json'), 'utf8')) as {
    instances: { name: string; configDir: string }[]
  }
  const lock = JSON.parse(readFileSync(join(s.home, 'claude-multi.lock'), 'utf8')) as {
    instances: Record<string, { template: string; version: string; registry: string; target: { path: string } }>
  }
  const names = config.instances.map((i) => i.name).sort()
  expect(Object.keys(lock.instances).sort(), `${when}: lock and config.json list the same instances`).toEqual(names)
  expect(readdirSync(s.bin).sort(), `${when}: the bin dir holds exactly their wrappers`).toEqual(
    names.map((n) => `claude-${n}`),
  )
  for (const inst of config.instances) {
    const entry = lock.instances[inst.name]!
    const text = readFileSync(entry.target.path, 'utf8')
    expect(text, `${when}: ${inst.name} wrapper was written from the locked version`).toContain(
      `# source: ${entry.template}@${entry.version} from ${entry.registry}\n`,
    )
    const ovPath = join(inst.configDir, 'overrides.json')
    const ov = existsSync(ovPath) ? (JSON.parse(readFileSync(ovPath, 'utf8')) as Record<string, string | null>) : {}
    for (const [k, v] of Object.entries(ov)) {
      const variable = k === 'haiku' ? 'ANTHROPIC_DEFAULT_HAIKU_MODEL' : k
      if (v !== null)
        expect(text, `${when}: ${inst.name} applies its override ${k}`).toContain(`export ${variable}='${v}'\n`)
    }
  }
  expect(existsSync(join(s.home, 'journal.json')), `${when}: no journal left`).toBe(false)
  expect(
    [...snap().keys()].filter((p) => /\.cm-[0-9a-f]{12}$/.test(p)),
    `${when}: no staged file left`,
  ).toEqual([])
}

describe('commands killed with SIGKILL at random moments', () => {
  it(`sync leaves every wrapper old or new, every command happens whole or not at all, the next run completes (${KILLS} kills)`, async () => {
    const deadline = performance.now() + 150_000
    const order = ['sync', 'add', 'override', 'remove', 'rename'] as const
    const killed: Record<string, number> = {}
    const happened: Record<string, number> = {}
    let attempts = 0
    let leftovers = 0
    let midWrite = 0
    // A kill that lands after the run ended proves nothing, so kills are counted only when they
    // hit a live process; the kill window follows how long each command takes right now.
    const recent: Record<string, number[]> = { sync: [syncMs] }
    let total = 0
    while (total < KILLS) {
      const k = attempts++
      const cmd = order[k % order.length]!
      const times = recent[cmd] ?? []
      if (!times.length) {
        // First round of this command: time it whole (from the synced state) and undo it.
        restore(newState)
        times.push((await run(VICTIMS[cmd]!.args)).ms)
        recent[cmd] = times
      }
      const typical = [...times].sort((x, y) => x - y)[Math.floor(times.length / 2)]!
      // Uniform over the whole run, plus a bias towards its second half, where the writes happen.
      const at = Math.random() < 0.5 ? Math.random() * typical : typical * (0.4 + Math.random() * 0.6)
      const when = `${cmd} killed after ${at.toFixed(0)} ms (attempt ${k})`
      restore(cmd === 'sync' ? oldState : newState)
      const victim = await run(cmd === 'sync' ? ['sync'] : VICTIMS[cmd]!.args, at)
      if (victim.signal === 'SIGKILL') {
        killed[cmd] = (killed[cmd] ?? 0) + 1
        total++
      } else {
        times.push(victim.ms)
        if (times.length > 9) times.shift()
      }
      leftovers += [...snap().keys()].filter((p) => /\.cm-[0-9a-f]{12}$/.test(p)).length
      if (cmd === 'sync') {
        expectOldOrNew(when)
        const fresh = NAMES.filter((n) => readFileSync(wrapper(n)).equals(newState.get(wrapper(n))!.data)).length
        if (fresh > 0 && fresh < NAMES.length) midWrite++
      }
      // The next command completes, whatever it finds.
      const next = await run(['sync'])
      expect(next.code, `sync after ${when}: ${next.stderr}`).toBe(0)
      if (cmd === 'sync') {
        expectNewState(`after ${when}`)
        times.push(next.ms)
        if (times.length > 9) times.shift()
      } else {
        const applied = VICTIMS[cmd]!.applied()
        if (applied) happened[cmd] = (happened[cmd] ?? 0) + 1
        VICTIMS[cmd]!.check(applied, `after ${when}`)
      }
      expectAgreement(`after ${when}`)
      if (performance.now() > deadline)
        throw new Error(`time budget exceeded: ${total} kills inside a run after ${attempts} attempts`)
    }
    const per = order
      .map(
        (c) =>
          `${c} ${killed[c] ?? 0}${c === 'sync' ? '' : ` (${happened[c] ?? 0} completed by the next run or before the kill)`}`,
      )
      .join(', ')
    process.stderr.write(
      `kill9: ${total} kills inside a run (${attempts} attempts): ${per}; ${midWrite} syncs with some wrappers written and others not; ${leftovers} staged files left by killed writes\n`,
    )
  }, 240_000)

  it('two syncs at once: one waits or refuses clearly, nothing is corrupted', async () => {
    for (let round = 0; round < 3; round++) {
      restore(oldState)
      const [a, b] = await Promise.all([run(['sync']), run(['sync'])])
      for (const r of [a, b]) {
        if (r.code !== 0)
          expect(r.stderr).toMatch(
            /another claude-multi \(pid \d+, `sync` since [0-9:]+\) is changing instances right now \(run the command again with --wait/,
          )
      }
      expect(a.code === 0 || b.code === 0, `${a.stderr} ${b.stderr}`).toBe(true)
      expectNewState(`concurrent round ${round}`)
      expectAgreement(`concurrent round ${round}`)
    }
  }, 60_000)
})
