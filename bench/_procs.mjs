/**
 * Helpers shared by the server benchmarks: start a server process and find its port, load it with
 * autocannon, read its memory from /proc. Servers run in their own process so the load generator
 * and the server are measured the same way for ours and the baseline.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
export const CONNECTIONS = 10

const URL_RE = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1?\]|0\.0\.0\.0|[\w.-]+):(\d+)/

/**
 * Spawns `node <args>` and resolves once it prints a URL with a port (stdout or stderr). With
 * `stderrFile`, stderr goes to that file, as a server's log would in production: draining a busy
 * request log through a pipe into this process would slow the load generator, not the server.
 */
export function startNode(args, { env = {}, cwd = ROOT, timeoutMs = 120_000, stderrFile } = {}) {
  const stderr = stderrFile ? openSync(stderrFile, 'a') : 'pipe'
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr],
  })
  if (typeof stderr === 'number') closeSync(stderr)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no URL printed within ${timeoutMs} ms`)), timeoutMs)
    const fail = (error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${args.join(' ')}: ${error.message}\n${output.slice(-2000)}`))
    }
    const onData = (chunk) => {
      output += chunk
      const m = URL_RE.exec(output)
      if (!m) return
      clearTimeout(timer)
      child.stdout.removeAllListeners('data')
      child.stderr?.removeAllListeners('data')
      // Keep draining so a chatty server never blocks on a full pipe.
      child.stdout.resume()
      child.stderr?.resume()
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        pid: child.pid,
        output: () => output,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
            setTimeout(() => child.kill('SIGKILL'), 3000).unref()
          }),
      })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr?.setEncoding('utf8').on('data', onData)
    child.once('exit', (code, signal) => fail(new Error(`exited (${code ?? signal}) before listening`)))
    child.once('error', fail)
  })
}

/**
 * The baseline: a bare Hono app serving `{ path: bytes }` (or `{ path: { body, headers } }`) from
 * memory, in its own process.
 */
export async function startBare(routes) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'))
  const files = {}
  let n = 0
  for (const [path, route] of Object.entries(routes)) {
    const file = join(dir, `${n++}.body`)
    const { body, headers } = Buffer.isBuffer(route) || route instanceof Uint8Array ? { body: route } : route
    await writeFile(file, body)
    files[path] = { file, headers }
  }
  await writeFile(join(dir, 'routes.json'), JSON.stringify(files))
  return startNode([join(ROOT, 'bench', '_bare-hono.mjs'), join(dir, 'routes.json')])
}

/** autocannon with our defaults; a short warm-up first so JIT and caches are hot for both sides. */
export async function load(
  url,
  { paths, seconds = SECONDS, connections = CONNECTIONS, headers, status = 200, warm = true } = {},
) {
  const options = {
    url,
    connections,
    headers,
    ...(paths ? { requests: paths.map((path) => ({ method: 'GET', path })) } : {}),
  }
  if (warm) await autocannon({ ...options, duration: 2 })
  const r = await autocannon({ ...options, duration: seconds })
  const wrong = status === 200 ? r.non2xx : r.requests.total - (r.statusCodeStats?.[status]?.count ?? 0)
  if (r.errors || wrong || r.timeouts) {
    throw new Error(`${url}: ${r.errors} errors, ${wrong} not ${status}, ${r.timeouts} timeouts during the load`)
  }
  // No response finished in the whole run: report the run's length as a lower bound, never 0 ms.
  if (r.requests.total === 0) return { rps: 0, p50: seconds * 1000, p99: seconds * 1000, atLeast: true, bytesPerSec: 0 }
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bytesPerSec: r.throughput.average }
}

/**
 * Loads ours and the baseline in alternating rounds (the run split in four each), so a noisy
 * neighbour on a shared machine hits both sides alike; returns the mean of the rounds.
 */
export async function compareLoad(oursUrl, baseUrl, options = {}, rounds = 4) {
  const seconds = Math.max(1, (options.seconds ?? SECONDS) / rounds)
  const a = []
  const b = []
  for (let i = 0; i < rounds; i++) {
    a.push(await load(oursUrl, { ...options, seconds, warm: i === 0 }))
    b.push(
      await load(baseUrl, {
        ...options,
        ...(options.baselineHeaders ? { headers: options.baselineHeaders } : {}),
        seconds,
        warm: i === 0,
      }),
    )
  }
  const mean = (list, key) => list.reduce((sum, r) => sum + r[key], 0) / list.length
  const summary = (list) => ({
    rps: mean(list, 'rps'),
    p50: mean(list, 'p50'),
    p99: mean(list, 'p99'),
    atLeast: list.some((r) => r.atLeast),
  })
  return [summary(a), summary(b)]
}

/** CPU time (user + sys, ms) of waited-for children so far, from /proc (Linux; undefined elsewhere): wall time suffers from load, this less so. */
export function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    // cutime and cstime are fields 16 and 17 of the whole line, in clock ticks (100 per second).
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return undefined
  }
}

/** The environment of a throw-away claude-multi user in `dir`, following `registry` (claude is /bin/true). */
export function clientEnv(dir, registry, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: join(dir, 'userhome'),
    CLAUDE_MULTI_HOME: join(dir, 'home'),
    CLAUDE_MULTI_BIN_DIR: join(dir, 'bin'),
    CLAUDE_MULTI_CLAUDE_PATH: '/bin/true',
    CLAUDE_MULTI_REGISTRY: registry,
    ...extra,
  }
}

/** Resident and peak resident memory of a process, in MB (Linux). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** The server command of this repo, built by `npm run build`. */
export function serverCli() {
  const cli = join(ROOT, 'dist', 'server', 'cli.js')
  try {
    readFileSync(cli)
  } catch {
    throw new Error('dist/server/cli.js is missing: run `npm run build` first (npm run bench does)')
  }
  return cli
}

export const ratio = (ours, baseline) => (baseline ? ours / baseline : undefined)

/**
 * Our server process on a data dir and a free port. The JSON request log is on by default, as in
 * production (its lines are drained by the parent and dropped); `{ log: false }` passes `--quiet`.
 */
export function serveArgs(dataDir, { log = true } = {}) {
  return [serverCli(), 'serve', '--port', '0', '--data', dataDir, ...(log ? ['--log-format', 'json'] : ['--quiet'])]
}

/** A row showing the request log was really on: the JSON lines our server wrote during the run. */
export async function logLines(file) {
  let text = ''
  try {
    text = await readFile(file, 'utf8')
  } catch {}
  const lines = text.split('\n').filter((l) => l.startsWith('{'))
  return {
    name: 'request log: JSON lines written by our server (log on for every row)',
    ours: lines.length,
    unit: 'lines',
    detail: file,
  }
}
