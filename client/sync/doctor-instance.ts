import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'
import { parseWrapper } from '../../shared/wrapper.js'
import { readStaticWord } from '../../shared/shell.js'
import type { InstanceConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import type { LockEntry } from '../state/lock.js'
import { loadOverrides } from '../state/overrides.js'
import { settingsFile } from '../state/paths.js'
import { shadowWarnings } from './plan.js'
import { digestOf } from '../../shared/digest.js'
import { fail, ok, warn, type Check } from './doctor-check.js'
import { checkNotifyLines, type NotifyContext } from './doctor-notify.js'

export { fail, ok, warn, type Check, type CheckStatus, type Fix } from './doctor-check.js'

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The program a wrapper execs (outside the block: `exec '<claude>' "$@"`), when it is a plain path. */
function execTarget(text: string): string | undefined {
  for (const line of text.split('\n').reverse()) {
    const m = /^[ \t]*exec[ \t]+(.*?)[ \t]+"\$@"\r?$/.exec(line)
    if (m) return readStaticWord(m[1]!)
  }
  return undefined
}

/** Every check of one managed instance; each problem names the command that fixes it. */
export function checkInstance(inst: InstanceConfig, entry: LockEntry, notify: NotifyContext): Check[] {
  const id = `instance ${inst.name}`
  const checks: Check[] = []
  const text = readText(entry.target.path)
  if (text === undefined) {
    if (entry.target.kind === 'wrapper')
      checks.push(
        fail(
          id,
          `the wrapper ${entry.target.path} is missing`,
          `\`claude-multi sync ${inst.name}\` writes it anew from the lock and your overrides`,
          { kind: 'recreate', name: inst.name },
        ),
      )
    else
      checks.push(
        fail(
          id,
          `${entry.target.path} is missing`,
          `restore it, or \`claude-multi remove ${inst.name}\` and add it again`,
        ),
      )
  } else if (entry.target.kind === 'wrapper') {
    try {
      const parsed = parseWrapper(text)
      const expected = `${entry.template}@${entry.version} from ${entry.registry}`
      if (parsed.source !== undefined && parsed.source !== expected)
        checks.push(
          fail(
            id,
            `the wrapper says ${parsed.source} but the lock says ${expected}`,
            `run \`claude-multi sync ${inst.name}\``,
          ),
        )
      else
        checks.push(
          ok(
            id,
            `${entry.template}@${entry.version}, wrapper ${digestOf(text) === entry.written ? 'as last written' : 'edited by hand (sync keeps your edits)'}`,
          ),
        )
      checks.push(...checkNotifyLines(id, inst.name, parsed, notify))
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      checks.push(fail(id, `${entry.target.path}: ${err.message}`, err.hint))
    }
    const mode = statSync(entry.target.path).mode & 0o777
    if (!(mode & 0o100))
      checks.push(
        fail(
          id,
          `the wrapper ${entry.target.path} is not executable (mode ${mode.toString(8)})`,
          `chmod 755 ${entry.target.path}`,
          { kind: 'chmod', path: entry.target.path, mode: 0o755 },
        ),
      )
    const claude = execTarget(text)
    if (claude?.includes('/') && !executable(claude))
      checks.push(
        fail(
          id,
          `the wrapper runs ${claude}, which is not an executable file`,
          'install Claude Code there, or fix the exec line of the wrapper (it is yours, outside the managed block)',
        ),
      )
    checks.push(...keyChecks(id, inst.name, entry))
    const managed = Object.keys(safeEnv(text))
    for (const w of shadowWarnings(
      inst.name,
      inst.configDir,
      entry.key ? [...managed, 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY'] : managed,
    ))
      checks.push(warn(id, w))
  } else {
    try {
      JSON.parse(text)
      checks.push(
        ok(id, `${entry.template}@${entry.version}, variables in ${settingsFile(inst.configDir)} env (adopted)`),
      )
    } catch {
      checks.push(
        fail(
          id,
          `${entry.target.path} is not valid JSON`,
          'fix it by hand; claude-multi never rewrites a file it cannot parse',
        ),
      )
    }
  }
  try {
    loadOverrides(inst.configDir)
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    checks.push(
      fail(
        id,
        err.message,
        `fix it by hand, or move it away and set your values again with \`claude-multi override ${inst.name}\``,
      ),
    )
  }
  if (!existsSync(inst.configDir))
    checks.push(warn(id, `config dir ${inst.configDir} does not exist`, 'Claude Code creates it on first run'))
  return checks
}

function keyChecks(id: string, name: string, entry: LockEntry): Check[] {
  const key = entry.key
  if (!key) return []
  if ('env' in key) {
    return process.env[key.env]
      ? []
      : [
          warn(
            id,
            `the wrapper reads the API key from $${key.env}, which is not set here`,
            `export ${key.env}=… in your shell profile, or store the key with \`claude-multi key ${name} --api-key-stdin\``,
          ),
        ]
  }
  if (!existsSync(key.file))
    return [
      fail(
        id,
        `the API key file ${key.file} is missing`,
        `store it again with \`claude-multi key ${name} --api-key-stdin\``,
      ),
    ]
  const mode = statSync(key.file).mode & 0o777
  return mode & 0o077
    ? [
        fail(
          id,
          `the API key file ${key.file} can be read by others (mode ${mode.toString(8)})`,
          `chmod 600 ${key.file}`,
          { kind: 'chmod', path: key.file, mode: 0o600 },
        ),
      ]
    : []
}

function safeEnv(text: string): Record<string, string> {
  try {
    return parseWrapper(text).env
  } catch {
    return {}
  }
}
