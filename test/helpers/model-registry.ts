/**
 * Helpers for the models suites: a real registry (our Hono app, fs store) on port 0 serving
 * templates that point at a fake provider, and a runner for the compiled `claude-multi` binary.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import { integrityOfText } from '../../shared/digest.js'
import type { Template } from '../../shared/types.js'
import { createApp } from '../../server/app.js'
import { createFsStore } from '../../server/stores/fs.js'
import type { Store } from '../../server/stores/types.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CLIENT = join(ROOT, 'dist/client/cli.js')

export function fakeTemplate(baseUrl: string, version: string, extra: Partial<Template> = {}): Template {
  return {
    id: 'fake',
    version,
    name: 'Fake provider',
    description: 'An Anthropic-compatible provider for tests',
    baseUrl,
    auth: 'ANTHROPIC_AUTH_TOKEN',
    models: { default: 'fake-2[1m]', fast: 'fake-2-mini', sonnet: 'fake-2', opus: 'fake-2[1m]', haiku: 'fake-2-mini' },
    env: { API_TIMEOUT_MS: '600000' },
    inputs: [],
    ...extra,
  }
}

export interface TestRegistry {
  url: string
  store: Store
  publish(doc: Template): Promise<void>
  close(): Promise<void>
}

export async function startRegistry(dir: string): Promise<TestRegistry> {
  const store = createFsStore({ dir, pollMs: 50 })
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: createApp({ store, web: false }).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    async publish(doc) {
      const raw = `${JSON.stringify(doc, null, 2)}\n`
      await store.publish(doc.id, doc.version, raw, {
        publishedAt: new Date().toISOString(),
        integrity: integrityOfText(raw),
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
      }).then(() => store.close()),
  }
}

export interface Sandbox {
  dir: string
  env: NodeJS.ProcessEnv
  cleanup(): Promise<void>
}

/** A temp HOME, CLAUDE_MULTI_HOME and bin dir; nothing of the real user's is touched. */
export async function sandbox(registryUrl: string): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cm-doctor-'))
  return {
    dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      CLAUDE_MULTI_HOME: join(dir, '.claude-multi'),
      CLAUDE_MULTI_BIN_DIR: join(dir, 'bin'),
      CLAUDE_MULTI_REGISTRY: registryUrl,
      CLAUDE_MULTI_CLAUDE_PATH: '/bin/true',
      NO_COLOR: '1',
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runClient(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<RunResult> {
  return runScript(CLIENT, args, env, stdin)
}

/** A node script (a dist/ binary) run asynchronously, so servers in the test process keep answering. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin ?? '')
  })
}
