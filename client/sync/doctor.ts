import { accessSync, constants, existsSync, readdirSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { verifyCache } from '../state/cache-verify.js'
import { loadConfig } from '../state/config.js'
import { readJournal } from '../state/journal.js'
import { readText } from '../state/json-file.js'
import { loadLock } from '../state/lock.js'
import { findClaude, resolvePaths, wrapperPath, type Paths } from '../state/paths.js'
import { Registries } from '../registry/registries.js'
import { checkInstance, fail, ok, warn, type Check } from './doctor-instance.js'
import { checkRegistries } from './doctor-registry.js'
import { isOurWrapper } from './wrapper-file.js'

export type { Check, CheckStatus, Fix } from './doctor-instance.js'

const writable = (dir: string) => {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** Every check runs even when an earlier one fails: the point is to see all problems at once. */
export async function runDoctor(paths: Paths = resolvePaths()): Promise<Check[]> {
  const checks: Check[] = []
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && resolve(d) === resolve(paths.binDir))
  checks.push(
    onPath
      ? ok('bin dir', `${paths.binDir} is on PATH`)
      : warn('bin dir', `${paths.binDir} is not on PATH`, `add it: export PATH="${paths.binDir}:$PATH"`),
  )
  if (existsSync(paths.binDir) && !writable(paths.binDir))
    checks.push(
      fail(
        'bin dir',
        `${paths.binDir} is not writable: add, rename and sync cannot write wrappers there`,
        `chmod u+w ${paths.binDir}, or set CLAUDE_MULTI_BIN_DIR to a directory you own`,
      ),
    )
  if (existsSync(paths.home) && !writable(paths.home))
    checks.push(fail('state', `${paths.home} is not writable`, `chmod u+w ${paths.home}, or set CLAUDE_MULTI_HOME`))

  const claude = findClaude()
  let runnable = false
  try {
    accessSync(claude, constants.X_OK)
    runnable = claude.includes('/')
  } catch {}
  const claudeHint = process.env.CLAUDE_MULTI_CLAUDE_PATH
    ? `CLAUDE_MULTI_CLAUDE_PATH=${claude} does not exist: fix the variable`
    : 'install Claude Code (npm install -g @anthropic-ai/claude-code) or set CLAUDE_MULTI_CLAUDE_PATH'
  checks.push(
    runnable
      ? ok('claude', `claude binary: ${claude}`)
      : fail('claude', `no runnable claude binary (${claude})`, claudeHint),
  )

  let journal
  try {
    journal = readJournal(paths)
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    checks.push(fail('journal', err.message, err.hint))
  }
  if (journal)
    checks.push(
      warn(
        'journal',
        `\`claude-multi ${journal.command}\` (pid ${journal.pid}, ${journal.startedAt}) was interrupted; its change is ${journal.state === 'committed' ? 'committed and will be completed' : 'not committed and will be rolled back'}`,
        'any command that writes (or `claude-multi doctor --fix`) finishes it',
        { kind: 'journal' },
      ),
    )

  let config, lock
  try {
    config = loadConfig(paths).config
    lock = loadLock(paths)
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    checks.push(
      fail(
        'state',
        err.message,
        err.hint ?? 'fix or move the file away; `claude-multi adopt` rebuilds a lost lock from the wrappers',
      ),
    )
    return checks
  }
  const lockMissing = readText(paths.lock) === undefined
  if (lockMissing && config.instances.length)
    checks.push(
      fail(
        'state',
        `${paths.lock} is missing: sync manages none of your ${config.instances.length} instance(s)`,
        '`claude-multi adopt` rebuilds it from the wrappers',
      ),
    )
  else checks.push(ok('state', `${paths.config} and ${paths.lock} are readable`))

  for (const inst of config.instances) {
    const entry = lock.instances[inst.name]
    if (entry) {
      checks.push(...checkInstance(inst, entry, { paths, config }))
      continue
    }
    const text = readText(wrapperPath(paths, inst.name))
    const ours = text !== undefined && isOurWrapper(text)
    checks.push(
      ours
        ? fail(
            `instance ${inst.name}`,
            'its lock entry is missing',
            `\`claude-multi adopt ${inst.name}\` rebuilds it from the wrapper`,
            { kind: 'recover', name: inst.name },
          )
        : warn(
            `instance ${inst.name}`,
            'not managed by sync (made by an older claude-multi)',
            `run \`claude-multi adopt ${inst.name}\``,
          ),
    )
  }
  for (const name of Object.keys(lock.instances)) {
    if (config.instances.some((i) => i.name === name)) continue
    checks.push(
      fail(
        `instance ${name}`,
        `the lock has an entry "${name}" that config.json does not list`,
        `\`claude-multi adopt ${name}\` restores the instance, \`claude-multi remove ${name}\` deletes what is left of it`,
      ),
    )
  }
  const stray = strayWrappers(paths, new Set([...config.instances.map((i) => i.name), ...Object.keys(lock.instances)]))
  for (const name of stray)
    checks.push(
      warn(
        `instance ${name}`,
        `${wrapperPath(paths, name)} was written by claude-multi but no instance lists it`,
        `\`claude-multi adopt ${name}\` takes it over, \`claude-multi remove ${name}\` deletes it`,
      ),
    )

  const cache = verifyCache(paths.cache, { dryRun: true })
  if (cache.dropped.length)
    checks.push(
      warn(
        'cache',
        `${cache.dropped.length} damaged file(s) in ${paths.cache} (${cache.dropped[0]!.why})`,
        '`claude-multi cache verify` drops them; they are fetched again when needed',
        { kind: 'cache' },
      ),
    )

  // A warning (unreachable: cached copies used; a damaged cache entry) turns a registry's check into a warning.
  const warnings: string[] = []
  const registries = new Registries({ paths, config, warn: (m) => warnings.push(m) })
  checks.push(...(await checkRegistries(registries, lock, warnings)))
  return checks
}

function strayWrappers(paths: Paths, known: Set<string>): string[] {
  let files: string[] = []
  try {
    files = readdirSync(paths.binDir)
  } catch {}
  return files
    .filter((f) => f.startsWith('claude-') && !known.has(f.slice(7)))
    .filter((f) => {
      const text = readText(join(paths.binDir, f))
      return text !== undefined && isOurWrapper(text)
    })
    .map((f) => f.slice(7))
}
