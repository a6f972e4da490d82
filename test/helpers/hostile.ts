/**
 * Starts test/fixtures/hostile-registry.mjs (a Hono app in its own process) and builds what the
 * attack scenarios share: documents derived from the catalogue, and a fake `claude` that runs the
 * programs a hostile environment would hijack.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './server.js'

export interface HostileState {
  templates?: Record<
    string,
    {
      versions: Record<string, unknown>
      'dist-tags'?: Record<string, string>
      deprecated?: Record<string, string>
      name?: string
      description?: string
    }
  >
  index?: Record<string, unknown>
  routes?: Record<string, unknown>
  /** Strong ETags and 304s on the index and the per-id documents, as `serve` answers. */
  etags?: boolean
  /** Sign like a real registry (test/fixtures/hostile-registry.mjs): keys as PEM. */
  sign?: {
    pem: string
    serial: number
    expires?: string
    entries?: boolean
    entryPems?: Record<string, string>
    entryAs?: Record<string, string>
    tamper?: Record<string, unknown>
  }
}

export interface Hostile {
  url: string
  set(state: HostileState): void
  requests(): { method: string; path: string; headers: Record<string, string> }[]
  stop(): Promise<void>
}

const SCRIPT = join(ROOT, 'test/fixtures/hostile-registry.mjs')

export async function startHostile(state: HostileState): Promise<Hostile> {
  const dir = mkdtempSync(join(tmpdir(), 'cm-hostile-'))
  const file = join(dir, 'state.json')
  const set = (s: HostileState) => writeFileSync(file, JSON.stringify(s))
  set(state)
  const proc: ChildProcess = spawn(process.execPath, [SCRIPT, file], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`hostile registry did not start: ${err}`)), 15_000)
    proc.once('exit', (code) => reject(new Error(`hostile registry exited ${code}: ${err}`)))
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        proc.removeAllListeners('exit')
        resolve(m[1]!)
      }
    })
  })
  return {
    url,
    set,
    requests: () => {
      const log = `${file}.requests.jsonl`
      return existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : []
    },
    stop: () =>
      new Promise<void>((done) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return done()
        proc.once('exit', () => done())
        proc.kill('SIGTERM')
      }),
  }
}

/** A catalogue document with changes applied (a patch of top-level fields; `null` removes one). */
export function catalogueDoc(
  id: string,
  version: string,
  patch: Record<string, unknown> = {},
): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(ROOT, 'registry/templates', id, `${version}.json`), 'utf8')) as Record<
    string,
    unknown
  >
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete doc[k]
    else doc[k] = v
  }
  return doc
}

/**
 * A fake `claude` that does what Claude Code does all day in a repository: `git status`,
 * `git diff HEAD` and `perl -e 1`, in `repo`, with the environment the wrapper gave it. A hostile
 * variable that reached it (GIT_CONFIG_*, GIT_EXTERNAL_DIFF, PERL5OPT, …) would run a command there.
 * It then prints its environment, like the sandbox's fake claude.
 */
export function codeRunningClaude(dir: string, repo: string): string {
  const path = join(dir, 'busy-claude')
  writeFileSync(
    path,
    `#!/bin/sh\ncd '${repo}' || exit 9\ngit status >/dev/null 2>&1\ngit diff HEAD >/dev/null 2>&1\nperl -e 1 >/dev/null 2>&1\nenv\n`,
  )
  chmodSync(path, 0o755)
  return path
}

/** Every file under the given roots (but a client cache), with its mode: what "nothing written" compares. */
export function clientFiles(...roots: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    if (!existsSync(d)) return
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) {
        if (name !== 'cache') walk(p)
      } else out[p] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`
    }
  }
  for (const root of roots) walk(root)
  return out
}
