/**
 * "Is anything out of date?" for 50 things, tool against tool: `claude-multi sync --check` over 50
 * instances against `npm outdated` over 50 dependencies, both against a local registry (ours: the
 * registry server on the bundled catalogue; npm's: packuments served in-process), both with a
 * warm cache, median wall time of warm runs.
 */
import { spawnSync } from 'node:child_process'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { npmOutdated } from './_npm-outdated.mjs'
import { clientEnv, ROOT, serveArgs, startNode } from './_procs.mjs'

const COUNT = 50
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const SEEDS = ['glm', 'minimax', 'deepseek', 'kimi', 'qwen']

export default async function syncVsNpmBench() {
  const cli = join(ROOT, 'dist', 'client', 'cli.js')
  const data = await mkdtemp(join(tmpdir(), 'bench-svn-reg-'))
  const home = await mkdtemp(join(tmpdir(), 'bench-svn-home-'))
  await cp(join(ROOT, 'registry', 'templates'), join(data, 'templates'), { recursive: true })
  const server = await startNode(serveArgs(data))
  try {
    const env = clientEnv(home, server.url)
    const cm = (...args) => {
      const started = performance.now()
      const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' })
      if (r.status !== 0)
        throw new Error(`claude-multi ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`)
      return performance.now() - started
    }
    for (let i = 0; i < COUNT; i++)
      cm('add', `${SEEDS[i % SEEDS.length]}-${i}`, SEEDS[i % SEEDS.length], '--api-key-env', 'BENCH_KEY')
    cm('sync', '--check') // fills the cache; later runs revalidate the index with a 304
    const ours = []
    for (let i = 0; i < RUNS; i++) ours.push(cm('sync', '--check'))
    const npm = await npmOutdated({ deps: COUNT, runs: RUNS })
    const oursMs = ours.sort((a, b) => a - b)[Math.floor(ours.length / 2)]
    return [
      {
        name: `sync --check, ${COUNT} instances vs npm outdated, ${COUNT} deps`,
        ours: oursMs,
        baseline: npm.ms,
        baselineName: 'npm outdated, local registry',
        unit: 'ms',
        ratio: oursMs / npm.ms,
        goal: '<= 1',
        detail: `median of ${RUNS} warm runs each; both against a registry on 127.0.0.1`,
      },
    ]
  } finally {
    await server.stop()
    await rm(data, { recursive: true, force: true })
    await rm(home, { recursive: true, force: true })
  }
}
