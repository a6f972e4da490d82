#!/usr/bin/env node
/** The entry point: the one file of the client that reads argv and the environment and sets the exit code. */
import { readFileSync } from 'node:fs'
import { renderUsage, runCommand } from 'citty'
import { runCli } from '../shared/cli-main.js'
import { isDebug } from '../shared/cli-support.js'
import { globalOptions } from './commands/_globals.js'
import { commands, main } from './commands/index.js'
import { describeFsError } from './state/fs-errors.js'

/** Aliases are mapped here: citty would import every command to look for one. */
const ALIASES: Record<string, string> = { search: 'templates' }

// --allow-expired applies to every command that reads a registry: openSession hands it to the trust check.
const argv = process.argv.slice(2).filter((a) => a !== '--allow-expired')
globalOptions.allowExpired = argv.length !== process.argv.length - 2
const timeoutMs = Number(process.env.CLAUDE_MULTI_TIMEOUT_MS)
if (Number.isFinite(timeoutMs) && timeoutMs > 0) globalOptions.timeoutMs = timeoutMs
const at = argv.findIndex((a) => !a.startsWith('-'))
const rawArgs = at >= 0 && ALIASES[argv[at]!] ? argv.map((a, i) => (i === at ? ALIASES[a]! : a)) : argv

/** With `--json`, a command that fails as a whole still prints the one documented shape on stdout. */
function jsonError(err: unknown, exitCode: number, args: string[]): void {
  if (!args.includes('--json')) return
  const command =
    args
      .filter((a) => !a.startsWith('-'))
      .slice(0, 1)
      .join(' ') || null
  const e = err as { code?: string; message?: string; hint?: string }
  const error = {
    code: e.code ?? 'E_UNEXPECTED',
    message: e.message ?? String(err),
    ...(e.hint ? { hint: e.hint } : {}),
  }
  process.stdout.write(`${JSON.stringify({ command, exitCode, errors: [error], warnings: [] }, null, 2)}\n`)
}

const globalFlags: [string, string][] = [
  ['--allow-expired', 'Accept a signed index past its expiry date (a registry that stopped re-signing); every command'],
]

// Output piped into `head` closes early; that is the reader's choice, not an error to report.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
})

runCli(
  {
    prog: 'claude-multi',
    main,
    commands: Object.keys(commands),
    globalFlags,
    mapError: (err) => describeFsError(err),
    onError: jsonError,
  },
  rawArgs,
  {
    renderUsage,
    runCommand,
    version: () =>
      (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    debug: isDebug(process.env.DEBUG),
  },
).then((code) => {
  process.exitCode = code
})
