/**
 * `claude-multi sync --check` over 50 instances with a warm cache (the index answered by a 304),
 * against `node -e ""` started the same number of times in the same run: the check runs dozens of
 * times a day, so it should cost little more than starting node. Also a full `sync` of 200
 * unchanged instances (goal < 1 s). Instances are created with `claude-multi add` (one per
 * template) and cloned on disk, as a user with many wrappers would have them.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { childrenCpuMs, clientEnv, ROOT, startNode } from './_procs.mjs'

const CLI = join(ROOT, 'dist/client/cli.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 20)

function makeHome(dir, url, count) {
  const env = clientEnv(dir, url)
  const cm = (...args) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' })
    if (r.status !== 0 && r.status !== 100) throw new Error(`claude-multi ${args.join(' ')}: ${r.stderr}`)
    return r
  }
  const seeds = [
    ['glm', 'glm@^1.4.0'],
    ['minimax', 'minimax@^1.3.0'],
    ['deepseek', 'deepseek'],
    ['kimi', 'kimi'],
    ['qwen', 'qwen'],
  ]
  for (const [name, spec] of seeds) cm('add', name, spec, '--api-key-env', 'BENCH_KEY')
  const configPath = join(env.CLAUDE_MULTI_HOME, 'config.json')
  const lockPath = join(env.CLAUDE_MULTI_HOME, 'claude-multi.lock')
  const config = JSON.parse(readFileSync(configPath, 'utf8'))
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'))
  for (let i = seeds.length; i < count; i++) {
    const [seed] = seeds[i % seeds.length]
    const name = `${seed}-${i}`
    const wrapper = join(env.CLAUDE_MULTI_BIN_DIR, `claude-${name}`)
    const configDir = join(env.HOME, `.claude-${name}`)
    mkdirSync(configDir, { recursive: true })
    cpSync(join(env.CLAUDE_MULTI_BIN_DIR, `claude-${seed}`), wrapper)
    config.instances.push({ ...config.instances.find((x) => x.name === seed), name, configDir, binaryPath: wrapper })
    lock.instances[name] = { ...lock.instances[seed], target: { kind: 'wrapper', path: wrapper } }
  }
  writeFileSync(configPath, JSON.stringify(config, null, 2))
  writeFileSync(lockPath, JSON.stringify(lock, null, 2))
  return { env, cm }
}

/** Interleaved so that machine noise hits both sides alike; returns mean ms per start. */
function timeBoth(a, b, runs) {
  const ta = []
  const tb = []
  for (let i = 0; i < runs; i++) {
    for (const [fn, out] of [
      [a, ta],
      [b, tb],
    ]) {
      const t0 = process.hrtime.bigint()
      fn()
      out.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
  return [median(ta), median(tb)]
}

function cpuPerRun(fn, runs) {
  const before = childrenCpuMs()
  for (let i = 0; i < runs; i++) fn()
  const after = childrenCpuMs()
  return before === undefined || after === undefined ? undefined : (after - before) / runs
}

export default async function syncCheckBench() {
  const data = mkdtempSync(join(tmpdir(), 'bench-sync-reg-'))
  cpSync(join(ROOT, 'registry', 'templates'), join(data, 'templates'), { recursive: true })
  const server = await startNode([join(ROOT, 'dist/server/cli.js'), 'serve', '--port', '0', '--data', data])
  const dir50 = mkdtempSync(join(tmpdir(), 'bench-sync-50-'))
  const dir200 = mkdtempSync(join(tmpdir(), 'bench-sync-200-'))
  try {
    const h50 = makeHome(dir50, server.url, 50)
    // The first run fetches the index and the documents (and renders each clone's own wrapper
    // lines, which name the instance); every later one gets a 304.
    h50.cm('sync')
    if (h50.cm('sync', '--check').status !== 0) throw new Error('instances not current after sync')
    const [ours, base] = timeBoth(
      () => {
        const r = spawnSync(process.execPath, [CLI, 'sync', '--check'], { env: h50.env })
        if (r.status !== 0) throw new Error(`sync --check exited ${r.status}: ${r.stderr}`)
      },
      () => spawnSync(process.execPath, ['-e', '']),
      RUNS,
    )

    const check = () => spawnSync(process.execPath, [CLI, 'sync', '--check'], { env: h50.env })
    const bare = () => spawnSync(process.execPath, ['-e', ''])
    const oursCpu = cpuPerRun(check, RUNS)
    const baseCpu = cpuPerRun(bare, RUNS)

    const h200 = makeHome(dir200, server.url, 200)
    h200.cm('sync')
    const times = []
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint()
      const r = spawnSync(process.execPath, [CLI, 'sync'], { env: h200.env, encoding: 'utf8' })
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
      if (r.status !== 0) throw new Error(`sync exited ${r.status}: ${r.stderr}`)
    }
    const full = times.sort((x, y) => x - y)[2]
    const [, nodeFor200] = timeBoth(
      () => {},
      () => spawnSync(process.execPath, ['-e', '']),
      5,
    )
    return [
      {
        name: 'sync --check, 50 instances, warm cache (304)',
        ours: ours,
        baseline: base,
        baselineName: 'node -e ""',
        unit: 'ms',
        ours_ms: ours,
        baseline_ms: base,
        ratio: ours / base,
        goal: '<= 2.5',
        detail: `median of ${RUNS} interleaved starts each`,
      },
      ...(oursCpu && baseCpu
        ? [
            {
              name: 'sync --check, 50 instances, CPU time (user+sys)',
              ours: oursCpu,
              baseline: baseCpu,
              baselineName: 'node -e ""',
              unit: 'ms',
              ours_ms: oursCpu,
              baseline_ms: baseCpu,
              ratio: oursCpu / baseCpu,
              goal: '<= 2.5',
              detail: `mean of ${RUNS} runs each; less sensitive to machine load than wall time`,
            },
          ]
        : []),
      {
        name: 'sync, 200 unchanged instances',
        ours: full,
        baseline: nodeFor200,
        baselineName: 'node -e ""',
        unit: 'ms',
        ours_ms: full,
        baseline_ms: nodeFor200,
        ratio: full / nodeFor200,
        goal: '< 1000 ms',
        detail: 'median of 5 runs',
      },
    ]
  } finally {
    await server.stop()
    for (const d of [data, dir50, dir200]) rmSync(d, { recursive: true, force: true })
  }
}
