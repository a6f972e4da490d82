/**
 * A baseline for the client's `sync --check`: `npm outdated` on a project of N dependencies whose
 * packuments come from a local registry in this process (no network), warm npm cache, median wall
 * time of a few runs. The closest thing users already run to "is anything out of date?".
 *
 *   import { npmOutdated } from './_npm-outdated.mjs'
 *   const { ms } = await npmOutdated({ deps: 50 })
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const name = (i) => `bench-dep-${String(i).padStart(3, '0')}`

function packument(pkg, base) {
  const version = (v) => ({
    name: pkg,
    version: v,
    dist: { tarball: `${base}/${pkg}/-/${pkg}-${v}.tgz`, shasum: '0'.repeat(40) },
  })
  return {
    name: pkg,
    'dist-tags': { latest: '1.1.0' },
    versions: { '1.0.0': version('1.0.0'), '1.1.0': version('1.1.0') },
    time: {},
  }
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, out, err, ms: performance.now() - started }))
  })
}

export async function npmOutdated({ deps = 50, runs = 5 } = {}) {
  const server = createServer((req, res) => {
    const pkg = decodeURIComponent(req.url.slice(1))
    if (!/^bench-dep-\d{3}$/.test(pkg)) return res.writeHead(404).end('{}')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(pkg, base)))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  const dir = await mkdtemp(join(tmpdir(), 'bench-npm-outdated-'))
  try {
    const dependencies = {}
    for (let i = 0; i < deps; i++) {
      dependencies[name(i)] = '^1.0.0'
      await mkdir(join(dir, 'node_modules', name(i)), { recursive: true })
      await writeFile(
        join(dir, 'node_modules', name(i), 'package.json'),
        JSON.stringify({ name: name(i), version: '1.0.0' }),
      )
    }
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true, dependencies }, null, 2),
    )
    await writeFile(join(dir, '.npmrc-user'), '')
    await writeFile(join(dir, '.npmrc-global'), '')
    const env = {
      ...process.env,
      npm_config_userconfig: join(dir, '.npmrc-user'),
      npm_config_globalconfig: join(dir, '.npmrc-global'),
      npm_config_registry: `${base}/`,
      npm_config_cache: join(dir, '.npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    }
    const times = []
    // The first run fills the cache; the others are the warm runs reported.
    for (let i = 0; i <= runs; i++) {
      const r = await run('npm', ['outdated', '--json'], { cwd: dir, env })
      // npm outdated exits 1 when something is outdated, which is the case here by construction.
      const found = r.out.trim() ? Object.keys(JSON.parse(r.out)).length : 0
      if (found !== deps)
        throw new Error(`npm outdated reported ${found} of ${deps} outdated (exit ${r.code}): ${r.err.slice(0, 500)}`)
      if (i > 0) times.push(r.ms)
    }
    times.sort((a, b) => a - b)
    return { ms: times[Math.floor(times.length / 2)], runs: times }
  } finally {
    server.close()
    await rm(dir, { recursive: true, force: true })
  }
}
