#!/usr/bin/env node
import { runCli } from '../shared/cli-main.js'
import { commands, main } from './commands/index.js'
import { describeFsError } from './state/fs-errors.js'

/** Aliases are mapped here: citty would import every command to look for one. */
const ALIASES: Record<string, string> = { search: 'templates' }

// --allow-expired applies to every command that reads a registry (client/trust reads the variable).
const argv = process.argv.slice(2).filter((a) => a !== '--allow-expired')
if (argv.length !== process.argv.length - 2) process.env.CLAUDE_MULTI_ALLOW_EXPIRED = '1'
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
)
