#!/usr/bin/env node
/** The entry point: the one file of the server that reads argv and the environment and sets the exit code. */
import { readFileSync } from 'node:fs'
import { type CommandDef, defineCommand, renderUsage, runCommand } from 'citty'
import { runCli } from '../shared/cli-main.js'
import { isDebug } from '../shared/cli-support.js'
import { StoreUnavailableError } from './stores/postgres-errors.js'

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

// Output piped into `head` closes early; that is the reader's choice, not an error to report.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
})

const cli = {
  prog: 'claude-multi-registry',
  main,
  commands: Object.keys(commands),
  // A store that is down is a store error (answered 503 by the server); on the command line it is one line.
  mapError: (err: unknown) => (err instanceof StoreUnavailableError ? err.toCliError() : err),
}

runCli(cli, process.argv.slice(2), {
  renderUsage,
  runCommand,
  version: () =>
    (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  debug: isDebug(process.env.DEBUG),
}).then((code) => {
  process.exitCode = code
  // A finished command (serve after SIGTERM) does not wait forever on a handle it could not close,
  // such as a stuck database connection; unref'd, so a clean exit is not delayed.
  setTimeout(() => process.exit(code), 2000).unref()
})
