#!/usr/bin/env node
import { defineCommand, type CommandDef } from 'citty'
import { runCli } from '../shared/cli-main.js'

// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is invariant in its args; one table holds commands of every shape
type AnyCommand = CommandDef<any>
type Lazy = () => Promise<AnyCommand>
const load =
  (name: string): Lazy =>
  () =>
    import(`./commands/${name}.js`).then((m: { default: AnyCommand }) => m.default)

// Each command module (and its dependencies: hono, zod, the postgres driver) loads only when used.
const commands: Record<string, Lazy> = {
  serve: load('serve'),
  validate: load('validate'),
  build: load('build'),
  token: load('token'),
  import: load('import'),
  export: load('export'),
  watch: load('watch'),
  bump: load('bump'),
  keygen: load('keygen'),
}

const main = defineCommand({
  meta: { name: 'claude-multi-registry', description: 'Serve, validate and build a claude-multi template registry' },
  subCommands: commands,
})

runCli({ prog: 'claude-multi-registry', main, commands: Object.keys(commands) }, process.argv.slice(2))
