import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli, startServer, type RunningServer } from './server.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CLIENT_CLI = join(ROOT, 'dist/client/cli.js')
import { FIXTURES } from './layout.js'

export { FIXTURES }

export interface Registry {
  url: string
  data: string
  token: string
  server: RunningServer
  stop(): Promise<void>
  /** Starts the same data dir again (on a new port). */
  restart(): Promise<Registry>
}

/** A real `claude-multi-registry serve` on port 0 over a private copy of the catalogue. */
export async function startRegistry(data?: string): Promise<Registry> {
  const dir = data ?? mkdtempSync(join(tmpdir(), 'cm-reg-'))
  let token = ''
  if (!data) {
    cpSync(join(ROOT, 'registry'), dir, { recursive: true })
    const created = runCli(['token', 'create', '--name', 'ci', '--scope', '*', '--data', dir, '--json'])
    if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`)
    token = (JSON.parse(created.stdout) as { token: string }).token
  }
  const server = await startServer(['--data', dir])
  const reg: Registry = {
    url: server.url,
    data: dir,
    token,
    server,
    stop: () => server.stop(),
    restart: async () => ({ ...(await startRegistry(dir)), token }),
  }
  return reg
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface Sandbox {
  dir: string
  home: string
  bin: string
  env: NodeJS.ProcessEnv
  cm(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): RunResult
  /** Runs a wrapper with bash; the fake claude prints its environment. */
  runWrapper(name: string, env?: NodeJS.ProcessEnv): Record<string, string>
  read(path: string): string
  cleanup(): void
}

/** Temp CLAUDE_MULTI_HOME and bin dir, and a fake `claude` that prints the env it was given. */
export function sandbox(registryUrl?: string, extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'cm-client-'))
  const home = join(dir, 'home')
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const claude = join(dir, 'fake-claude')
  writeFileSync(claude, '#!/bin/sh\nenv\necho "ARGS=$*"\n')
  chmodSync(claude, 0o755)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'userhome'),
    CLAUDE_MULTI_HOME: home,
    CLAUDE_MULTI_BIN_DIR: bin,
    CLAUDE_MULTI_CLAUDE_PATH: claude,
    ...(registryUrl ? { CLAUDE_MULTI_REGISTRY: registryUrl } : {}),
    ...extraEnv,
  }
  return {
    dir,
    home,
    bin,
    env,
    cm(args, opts = {}) {
      const r = spawnSync(process.execPath, [CLIENT_CLI, ...args], {
        env: { ...env, ...opts.env },
        input: opts.input ?? '',
        encoding: 'utf8',
        cwd: dir,
      })
      // Unexpected failures are easier to read with the command's own message next to them.
      if (process.env.CM_TEST_VERBOSE && r.status !== 0)
        process.stderr.write(`[claude-multi ${args.join(' ')}] exit ${r.status}: ${r.stderr}\n`)
      return { code: r.status, stdout: r.stdout, stderr: r.stderr }
    },
    runWrapper(name, extra = {}) {
      const r = spawnSync('bash', [join(bin, `claude-${name}`), 'hello'], {
        env: { PATH: process.env.PATH, ...extra },
        encoding: 'utf8',
      })
      if (r.status !== 0) throw new Error(`wrapper failed (${r.status}): ${r.stderr}`)
      const out: Record<string, string> = {}
      for (const line of r.stdout.split('\n')) {
        const eq = line.indexOf('=')
        if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
      }
      return out
    },
    read: (path) => readFileSync(path, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A version document derived from a catalogue one, as a publisher would write it. */
export function derive(id: string, from: string, version: string, change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(join(ROOT, 'registry/templates', id, `${from}.json`), 'utf8')) as Record<
    string,
    any
  >
  doc.version = version
  change(doc)
  return `${JSON.stringify(doc, null, 2)}\n`
}

export interface LockHolder {
  pid: number
  child: ChildProcess
  /** SIGKILL, as a crash would: the kernel drops the lock, the holder file stays behind. */
  kill(): Promise<void>
}

/** Another process holding the write lock of `home` (the real mutex module), until killed. */
export async function holdLock(home: string, command = 'test-holder'): Promise<LockHolder> {
  const mutex = join(ROOT, 'dist/client/state/mutex.js')
  const code = `const m = await import(${JSON.stringify(mutex)}); await m.acquireWriteLock({ home: ${JSON.stringify(home)} }, { command: ${JSON.stringify(command)} }); process.stdout.write('held\\n'); setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (c) => reject(new Error(`lock holder exited with ${c}`)))
  })
  return {
    pid: child.pid!,
    child,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}

/**
 * The older claude-multi layout (0.6.4 era: glm-5.1, MiniMax-M2.7: config.json, each instance's
 * settings.json and its own wrapper) laid out under the sandbox, as `adopt` finds it.
 */
export function layOutOldClaudeMulti(sb: Sandbox): { mmSettings: string; workSettings: string } {
  const config = JSON.parse(readFileSync(join(FIXTURES, 'config.json'), 'utf8'))
  for (const inst of config.instances) {
    inst.configDir = join(sb.dir, `claude-${inst.name}-old`)
    cpSync(join(FIXTURES, `claude-${inst.name}-old`), inst.configDir, { recursive: true })
    inst.binaryPath = join(sb.bin, `claude-${inst.name}`)
    cpSync(join(FIXTURES, 'bin', `claude-${inst.name}`), inst.binaryPath)
  }
  mkdirSync(sb.home, { recursive: true })
  // claude-multi writes JSON without a trailing newline; so does this copy.
  writeFileSync(join(sb.home, 'config.json'), JSON.stringify(config, null, 2))
  return {
    mmSettings: join(sb.dir, 'claude-mm-old', 'settings.json'),
    workSettings: join(sb.dir, 'claude-work-old', 'settings.json'),
  }
}
