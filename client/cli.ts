#!/usr/bin/env node
import { defineCommand, type CommandDef } from 'citty'
import { runCli } from '../shared/cli-main.js'

type Lazy = () => Promise<CommandDef<any>>
const load = (name: string): Lazy => () => import(`./commands/${name}.js`).then((m: { default: CommandDef<any> }) => m.default)

// Each command module is imported only when it runs, so `sync --check` never pays for the rest.
const commands: Record<string, Lazy> = {
  templates: load('templates'),
  info: load('info'),
  add: load('add'),
  list: load('list'),
  outdated: load('outdated'),
  diff: load('diff'),
  sync: load('sync'),
  pin: load('pin'),
  unpin: load('unpin'),
  override: load('override'),
  rollback: load('rollback'),
  adopt: load('adopt'),
  key: load('key'),
  doctor: load('doctor'),
  registry: load('registry'),
  publish: load('publish'),
  deprecate: load('deprecate'),
  'dist-tag': load('dist-tag'),
}

const main = defineCommand({
  meta: {
    name: 'claude-multi',
    description: 'Keep Claude Code provider wrappers on the newest template version, keeping your edits',
  },
  subCommands: commands,
})

/** Aliases are mapped here: citty would import every command to look for one. */
const ALIASES: Record<string, string> = { search: 'templates' }

// --allow-expired applies to every command that reads a registry (client/trust reads the variable).
const argv = process.argv.slice(2).filter((a) => a !== '--allow-expired')
if (argv.length !== process.argv.length - 2) process.env.CLAUDE_MULTI_ALLOW_EXPIRED = '1'
const at = argv.findIndex((a) => !a.startsWith('-'))
const rawArgs = at >= 0 && ALIASES[argv[at]!] ? argv.map((a, i) => (i === at ? ALIASES[a]! : a)) : argv

runCli({ prog: 'claude-multi', main, commands: Object.keys(commands) }, rawArgs)
