/**
 * What the update-notice lines cost a launch: the same wrapper (same variables, same key lines)
 * rendered with and without them, each started 200 times by /bin/sh with a fake claude, interleaved
 * in the same run. The notice state is the common one: no notice waiting, the next check not due
 * (one truncate and two stats, no fork). Goal ≤ 1.05×, taken as the median of the 200 paired ratios.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { childrenCpuMs, ROOT } from './_procs.mjs'

const RUNS = Number(process.env.BENCH_LAUNCHES ?? 200)

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]

export default async function wrapperLaunchBench() {
  const { renderWrapper } = await import(pathToFileURL(join(ROOT, 'dist/shared/wrapper.js')).href)
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrapper-'))
  try {
    const home = join(dir, 'home')
    const claude = join(dir, 'fake-claude')
    writeFileSync(claude, '#!/bin/sh\nexit 0\n')
    chmodSync(claude, 0o755)
    const spec = {
      name: 'work',
      configDir: join(dir, '.claude-work'),
      claudePath: claude,
      authVar: 'ANTHROPIC_AUTH_TOKEN',
      key: { env: 'BENCH_KEY' },
      env: {
        ANTHROPIC_BASE_URL: 'https://api.z.ai/api/anthropic',
        ANTHROPIC_MODEL: 'glm-5.3[1m]',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.3-flash[1m]',
        API_TIMEOUT_MS: '3000000',
      },
      source: 'glm@1.5.1 from public',
    }
    const plain = join(dir, 'claude-plain')
    const notice = join(dir, 'claude-work')
    writeFileSync(plain, renderWrapper(spec), { mode: 0o755 })
    writeFileSync(notice, renderWrapper({ ...spec, notify: { home } }), { mode: 0o755 })
    // As after a check: an empty notice, the next check a day away.
    mkdirSync(join(home, 'notify'), { recursive: true })
    writeFileSync(join(home, 'notify', 'work.notice'), '')
    writeFileSync(join(home, 'notify', 'work.next'), '')
    const day = Date.now() / 1000 + 86_400
    utimesSync(join(home, 'notify', 'work.next'), day, day)
    // A claude-multi on PATH that fails loudly: the bench must never start a check.
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'claude-multi'), `#!/bin/sh\necho started >> '${join(dir, 'started')}'\n`, { mode: 0o755 })
    const env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, BENCH_KEY: 'k' }
    const launch = (file) => {
      const r = spawnSync(file, ['hello'], { env, stdio: 'ignore' })
      if (r.status !== 0) throw new Error(`${file} exited ${r.status}`)
    }
    for (let i = 0; i < 20; i++) [plain, notice].forEach(launch)
    const times = { [plain]: [], [notice]: [] }
    const cpu = { [plain]: 0, [notice]: 0 }
    for (let i = 0; i < RUNS; i++) {
      // Alternating which goes first cancels any advantage of position.
      for (const file of i % 2 ? [plain, notice] : [notice, plain]) {
        const c0 = childrenCpuMs()
        const t0 = process.hrtime.bigint()
        launch(file)
        times[file].push(Number(process.hrtime.bigint() - t0) / 1e6)
        cpu[file] += (childrenCpuMs() ?? 0) - (c0 ?? 0)
      }
    }
    if (readFileSync(join(home, 'notify', 'work.notice'), 'utf8') !== '') throw new Error('the notice changed')
    try {
      readFileSync(join(dir, 'started'))
      throw new Error('a launch started a check although none was due')
    } catch (err) {
      if (err.code !== 'ENOENT') throw err
    }
    const ours = median(times[notice])
    const base = median(times[plain])
    // Launch i of each kind ran back to back: the median of those pairs' ratios is what one launch
    // pays, and the machine's load (shared with other work) drifts out of it.
    const pairRatio = median(times[notice].map((t, i) => t / times[plain][i]))
    return [
      {
        name: `wrapper launch with the notice lines, ${RUNS} launches`,
        ours,
        baseline: base,
        baselineName: 'same wrapper without them',
        unit: 'ms',
        ratio: pairRatio,
        goal: '<= 1.05',
        detail: `medians of ${RUNS} interleaved launches each (/bin/sh, fake claude); ratio = median of the ${RUNS} paired ratios (ratio of medians ${(ours / base).toFixed(3)}); CPU ${cpu[notice]} ms vs ${cpu[plain]} ms in total`,
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
