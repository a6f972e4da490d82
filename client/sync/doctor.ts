import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, resolve } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { parseWrapper } from '../../shared/wrapper.js'
import { loadConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { loadLock } from '../state/lock.js'
import { findClaude, resolvePaths, settingsFile, type Paths } from '../state/paths.js'
import { Registries } from '../registry/registries.js'
import { shadowWarnings } from './plan.js'
import { digestOf } from './target.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'
export interface Check {
  check: string
  status: CheckStatus
  message: string
  hint?: string
}

const ok = (check: string, message: string): Check => ({ check, status: 'ok', message })
const warn = (check: string, message: string, hint?: string): Check => ({ check, status: 'warn', message, ...(hint ? { hint } : {}) })
const fail = (check: string, message: string, hint?: string): Check => ({ check, status: 'fail', message, ...(hint ? { hint } : {}) })

/** Every check runs even when an earlier one fails: the point is to see all problems at once. */
export async function runDoctor(paths: Paths = resolvePaths()): Promise<Check[]> {
  const checks: Check[] = []
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && resolve(d) === resolve(paths.binDir))
  checks.push(onPath ? ok('bin dir', `${paths.binDir} is on PATH`) : warn('bin dir', `${paths.binDir} is not on PATH`, `add it: export PATH="${paths.binDir}:$PATH"`))

  const claude = findClaude()
  let runnable = false
  try {
    accessSync(claude, constants.X_OK)
    runnable = claude.includes('/')
  } catch {}
  checks.push(runnable ? ok('claude', `claude binary: ${claude}`) : fail('claude', `no runnable claude binary (${claude})`, 'install Claude Code or set CLAUDE_MULTI_CLAUDE_PATH'))

  let config, lock
  try {
    config = loadConfig(paths).config
    lock = loadLock(paths)
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    checks.push(fail('state', err.message))
    return checks
  }
  checks.push(ok('state', `${paths.config} and ${paths.lock} are readable`))

  for (const inst of config.instances) {
    const entry = lock.instances[inst.name]
    const id = `instance ${inst.name}`
    if (!entry) {
      checks.push(warn(id, 'not managed by sync', `run \`claude-multi adopt ${inst.name}\``))
      continue
    }
    const text = readText(entry.target.path)
    if (text === undefined) {
      checks.push(fail(id, `${entry.target.path} is missing`, `run \`claude-multi rollback ${inst.name}\` or add it again`))
      continue
    }
    if (entry.target.kind === 'wrapper') {
      try {
        const parsed = parseWrapper(text)
        const expected = `${entry.template}@${entry.version} from ${entry.registry}`
        if (parsed.source !== undefined && parsed.source !== expected)
          checks.push(fail(id, `wrapper says ${parsed.source} but the lock says ${expected}`, `run \`claude-multi sync ${inst.name}\``))
        else checks.push(ok(id, `${entry.template}@${entry.version}, wrapper ${digestOf(text) === entry.written ? 'as last written' : 'edited by hand (sync keeps your edits)'}`))
      } catch (err) {
        if (!(err instanceof CliError)) throw err
        checks.push(fail(id, `${entry.target.path}: ${err.message}`, err.hint))
      }
      const managed = Object.keys(safeEnv(text))
      for (const w of shadowWarnings(inst.name, inst.configDir, entry.key ? [...managed, 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY'] : managed)) checks.push(warn(id, w))
    } else {
      try {
        JSON.parse(text)
        checks.push(ok(id, `${entry.template}@${entry.version}, variables in ${settingsFile(inst.configDir)} env (adopted)`))
      } catch {
        checks.push(fail(id, `${entry.target.path} is not valid JSON`))
      }
    }
    if (!existsSync(inst.configDir)) checks.push(warn(id, `config dir ${inst.configDir} does not exist`))
  }

  const used = new Set(['public', ...Object.values(lock.instances).map((e) => e.registry)])
  const registries = new Registries({ paths, config, warn: () => {} })
  for (const name of used) {
    try {
      const source = registries.get(name)
      const index = await source.index()
      checks.push(ok(`registry ${name}`, `${source.url}: ${Object.keys(index.templates).length} templates`))
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      checks.push(fail(`registry ${name}`, err.message, err.hint))
    }
  }
  return checks
}

function safeEnv(text: string): Record<string, string> {
  try {
    return parseWrapper(text).env
  } catch {
    return {}
  }
}
