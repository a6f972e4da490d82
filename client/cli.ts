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

runCli({ prog: 'claude-multi', main, commands: Object.keys(commands), mapError: (err) => describeFsError(err) }, rawArgs)
