/**
 * The real Claude Code CLI for the real-client suite: installed on demand into a cache outside the
 * repo (it is large, and never a dependency of ours), run offline and quietly through a wrapper.
 *
 * CLAUDE_CODE_TEST_VERSION picks the version (default: the one the catalogue was last verified
 * with); CLAUDE_MULTI_TEST_CACHE moves the cache (default ~/.cache/claude-multi-test).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { formatTokens } from '../../shared/limits.js'

export const VERIFIED_VERSION = '2.1.328'
export const CLAUDE_CODE_VERSION = process.env.CLAUDE_CODE_TEST_VERSION || VERIFIED_VERSION
export const CACHE_DIR = process.env.CLAUDE_MULTI_TEST_CACHE || join(homedir(), '.cache', 'claude-multi-test')

const PACKAGE = '@anthropic-ai/claude-code'
const binaryIn = (dir: string) => join(dir, 'node_modules', PACKAGE, 'bin', 'claude.exe')

function versionOf(binary: string): string | undefined {
  if (!existsSync(binary)) return undefined
  const r = spawnSync(binary, ['--version'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, HOME: CACHE_DIR, DISABLE_AUTOUPDATER: '1' },
  })
  return /^(\S+) \(Claude Code\)/.exec(r.stdout ?? '')?.[1]
}

/**
 * The path of the native claude binary of `version`, installing it with npm when it is not cached
 * yet. Throws with what to do when it cannot: the suite fails, it never skips.
 */
export function ensureClaudeCode(version = CLAUDE_CODE_VERSION): string {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
    throw new Error(
      `CLAUDE_CODE_TEST_VERSION="${version}" is not an exact version; set it to one such as ${VERIFIED_VERSION}`,
    )
  const dir = join(CACHE_DIR, version)
  if (versionOf(binaryIn(dir)) === version) return binaryIn(dir)
  // Install next to the cache entry, then rename: a killed install never leaves a half cache.
  const tmp = `${dir}.partial-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `${PACKAGE}@${version}`],
    {
      encoding: 'utf8',
      timeout: 15 * 60_000,
    },
  )
  const got = versionOf(binaryIn(tmp))
  if (npm.status !== 0 || got !== version) {
    rmSync(tmp, { recursive: true, force: true })
    const said = `${npm.stderr ?? ''}${npm.error ? String(npm.error) : ''}`.trim().split('\n').slice(-3).join(' | ')
    throw new Error(
      `the real-client suite needs ${PACKAGE}@${version} and could not install it into ${dir} ` +
        `(npm exit ${npm.status}${said ? `: ${said}` : ''}${got && got !== version ? `; it reports ${got}` : ''}). ` +
        `Check the network or the npm cache, or pre-install it: npm install --prefix ${dir} ${PACKAGE}@${version}`,
    )
  }
  rmSync(dir, { recursive: true, force: true })
  try {
    renameSync(tmp, dir)
  } catch {
    // Another run installed it meanwhile; theirs is as good as ours.
    rmSync(tmp, { recursive: true, force: true })
  }
  if (versionOf(binaryIn(dir)) !== version) throw new Error(`${binaryIn(dir)} does not report version ${version}`)
  return binaryIn(dir)
}

/**
 * What a user's shell adds to every run: Claude Code kept offline and quiet, in a throw-away
 * HOME (the wrapper sets CLAUDE_CONFIG_DIR itself). `-p` skips onboarding and the trust dialog.
 */
export function quietEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    NO_COLOR: '1',
  }
}

export interface ClaudeRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a wrapper (so claude sees exactly what the wrapper exports) with bash, in `cwd`. */
export function runWrapper(
  wrapper: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number },
): Promise<ClaudeRun> {
  return run('bash', [wrapper, ...args], opts)
}

/**
 * A child process without blocking this one: the fake providers answering it live in this
 * process (spawnSync would starve them).
 */
export function run(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number },
): Promise<ClaudeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Stream-json input lines: a user turn, then SDK control requests answered on stdout. */
export const userTurn = (text: string) => JSON.stringify({ type: 'user', message: { role: 'user', content: text } })
export const control = (id: string, request: Record<string, unknown>) =>
  JSON.stringify({ type: 'control_request', request_id: id, request })

/** The `response` of one control request in stream-json output. */
export function controlResponse(stdout: string, id: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line) as {
      type?: string
      response?: { request_id?: string; response?: Record<string, unknown> }
    }
    if (msg.type === 'control_response' && msg.response?.request_id === id) return msg.response.response ?? {}
  }
  return undefined
}

/** The text `/context` printed in a stream-json session (its `result` message). */
export function contextReport(stdout: string): string {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line) as { type?: string; result?: unknown }
    if (msg.type === 'result' && typeof msg.result === 'string' && msg.result.includes('## Context Usage'))
      return msg.result
  }
  return ''
}

export const UNKNOWN_MODEL_NOTICE = /doesn't recognize the model .*assumes/

/**
 * Everything wrong with what Claude Code says about the window, given the one the template
 * declares for the default model: `/context`'s text (`**Tokens:** 3.1k / 262.1k`), the exact
 * figure and its source from the SDK's get_context_usage, and the unknown-model notice.
 */
export function windowProblems(
  declared: number,
  report: { contextText: string; usage?: Record<string, unknown>; output: string },
): string[] {
  const problems: string[] = []
  const shown = /\*\*Tokens:\*\*\s*\S+\s*\/\s*(\S+)/.exec(report.contextText)?.[1]
  if (shown === undefined) problems.push(`/context printed no "Tokens: used / window" line`)
  else if (shown !== formatTokens(declared))
    problems.push(
      `/context reports a window of ${shown}, the template declares ${formatTokens(declared)} (${declared})`,
    )
  if (!report.usage) problems.push('get_context_usage got no answer')
  else {
    if (report.usage.maxTokens !== declared)
      problems.push(
        `Claude Code uses a window of ${String(report.usage.maxTokens)} tokens, the template declares ${declared}`,
      )
    if (report.usage.autocompactSource !== 'env')
      problems.push(
        `the window comes from "${String(report.usage.autocompactSource)}", not CLAUDE_CODE_AUTO_COMPACT_WINDOW`,
      )
  }
  const notice = UNKNOWN_MODEL_NOTICE.exec(report.output)
  if (notice)
    problems.push(`Claude Code printed: ${report.output.split('\n').find((l) => UNKNOWN_MODEL_NOTICE.test(l))}`)
  return problems
}

/** Runs `tasks` with at most `limit` at once (Claude Code is CPU-heavy at start; the box has 2 cores). */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}
