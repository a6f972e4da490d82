/**
 * PostgreSQL helpers for the store and e2e tests: a fresh database per test file, and a TCP proxy
 * that can cut the database off and bring it back without touching the shared server.
 * These tests never skip: an unreachable database fails them loudly (CI requires it).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import postgres from 'postgres'

export const ADMIN_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestDatabase {
  name: string
  url: string
  /** Runs SQL as an admin in the test database (pg_terminate_backend, inspection). */
  admin: postgres.Sql
  drop(): Promise<void>
}

export function dbUrl(name: string, base = ADMIN_URL): string {
  const u = new URL(base)
  u.pathname = `/${name}`
  return u.toString()
}

/** Creates `cmr_test_<random>`; throws a message that says what to do when PostgreSQL is not there. */
export async function createTestDatabase(prefix = 'cmr_test'): Promise<TestDatabase> {
  const root = postgres(ADMIN_URL, { max: 1, connect_timeout: 5, onnotice: () => {} })
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  try {
    await root.unsafe(`create database ${name}`)
  } catch (err) {
    await root.end({ timeout: 0 })
    throw new Error(
      `PostgreSQL is required for these tests and is not usable at ${ADMIN_URL} ` +
        `(${(err as Error).message}). Start it (user postgres, trust auth, database test) or set PG_TEST_URL.`,
    )
  }
  const url = dbUrl(name)
  const admin = postgres(url, { max: 2, onnotice: () => {} })
  return {
    name,
    url,
    admin,
    async drop() {
      await admin.end({ timeout: 1 }).catch(() => {})
      await root.unsafe(`drop database if exists ${name} with (force)`)
      await root.end({ timeout: 1 })
    },
  }
}

export const randomSchema = () => `s_${randomBytes(5).toString('hex')}`

export interface TcpProxy {
  port: number
  url(dbName: string): string
  /** Stops accepting and cuts every open connection (the database "goes away"). */
  stop(): Promise<void>
  /** Accepts again on the same port. */
  start(): Promise<void>
  /** Holds every byte in both directions without closing anything, like a network partition. */
  freeze(): void
  /** Lets the held bytes through again. */
  thaw(): void
}

/** A proxy in front of the database, so a test can make it unreachable and bring it back. */
export async function tcpProxy(target = new URL(ADMIN_URL)): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let port = 0
  let frozen = false
  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname)
      sockets.add(client).add(upstream)
      const kill = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      // Forwarded by hand (not pipe) so that pause() stays paused until thaw().
      client.on('data', (d) => upstream.write(d))
      upstream.on('data', (d) => client.write(d))
      for (const s of [client, upstream]) {
        s.on('error', kill).on('close', kill)
        if (frozen) s.pause()
      }
    })
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    port = (server.address() as net.AddressInfo).port
  }
  await listen()
  const proxy: TcpProxy = {
    get port() {
      return port
    },
    url(dbName) {
      const u = new URL(dbUrl(dbName))
      u.port = String(port)
      return u.toString()
    },
    async stop() {
      for (const s of sockets) s.destroy()
      sockets.clear()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      server = undefined
    },
    start: listen,
    freeze() {
      frozen = true
      for (const s of sockets) s.pause()
    },
    thaw() {
      frozen = false
      for (const s of sockets) s.resume()
    },
  }
  return proxy
}

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as net.AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

export const CLI = 'dist/server/cli.js'

export interface ServerProcess {
  url: string
  proc: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Runs `node dist/server/cli.js serve --port 0 …` and waits for the address it prints. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its address in 15 s:\n${out}`)), 15_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${m[1]}`)
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code} before listening:\n${out}`))
    })
  })
  return {
    url,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Runs the registry CLI to completion; throws with its output when it fails. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`claude-multi-registry ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`))
        else resolve({ stdout, stderr })
      },
    )
  })
}

/** `token create` prints the secret once; it is the only `cmr_…`-looking word (or the last word) in the output. */
export async function createToken(store: string, scope = '*'): Promise<string> {
  const { stdout } = await runCli(['token', 'create', '--store', store, '--name', 't', '--scope', scope])
  const secret = /\b(cmr_[A-Za-z0-9_-]{16,})\b/.exec(stdout)?.[1]
  if (!secret) throw new Error(`no token secret in the output of token create:\n${stdout}`)
  return secret
}
