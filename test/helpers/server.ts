import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const REGISTRY_CLI = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url))

export interface RunningServer {
  url: string
  proc: ChildProcess
  stderr: () => string
  stop(): Promise<void>
}

/** Starts `claude-multi-registry serve` on port 0 and waits for its "listening on" line. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const proc = spawn(process.execPath, [REGISTRY_CLI, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`server did not start: ${out}${err}`))
    }, 15_000)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${err}`))
    })
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const match = /claude-multi-registry listening on (http:\/\/\S+)/.exec(out)
      if (!match) return
      clearTimeout(timer)
      proc.removeAllListeners('exit')
      resolve({
        url: match[1]!,
        proc,
        stderr: () => err,
        stop: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done()
            proc.once('exit', () => done())
            proc.kill('SIGTERM')
          }),
      })
    })
  })
}

/** Runs the registry CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [REGISTRY_CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
