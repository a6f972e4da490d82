/**
 * The one piece of `shared/` that touches the process: both bins start here. It answers --help and
 * --version, refuses unknown commands and flags, runs the command, and turns every error into one
 * line on stderr and an exit code. Only this function sets the exit code.
 */
import { readFileSync } from 'node:fs'
import { renderUsage, runCommand, type CommandDef } from 'citty'
import { checkArity, checkFlags, describeError, findCommand, isDebug, polishUsage, stripAnsi } from './cli-support.js'
import { UsageError } from './errors.js'

export interface CliMain {
  prog: string
  // biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is invariant in its args; one table holds commands of every shape
  main: CommandDef<any>
  /** Names of the subcommands, known without importing them. */
  commands: readonly string[]
  /** Options every command accepts (handled by the entry point), shown in every help text. */
  globalFlags?: [string, string][]
  /** Turns an error the commands did not expect (a file-system error, say) into a CliError, if it can. */
  mapError?(err: unknown): unknown
  /** Also told about every failure, after its line went to stderr (the client prints `--json` there). */
  onError?(err: unknown, exitCode: number, rawArgs: string[]): void
}

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

async function run({ prog, main, commands, globalFlags }: CliMain, rawArgs: string[]): Promise<number> {
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const [cmd, parent] = await findCommand(main, rawArgs)
    const usage = await polishUsage(await renderUsage(cmd, parent), prog, cmd, globalFlags)
    process.stdout.write(`${process.stdout.isTTY && !process.env.NO_COLOR ? usage : stripAnsi(usage)}\n`)
    return 0
  }
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  const first = rawArgs.find((a) => !a.startsWith('-'))
  if (!first || !commands.includes(first))
    throw new UsageError(`unknown command "${first ?? rawArgs[0]}"`, `run \`${prog} --help\` to see the commands`)
  await checkFlags(prog, main, rawArgs)
  await checkArity(prog, main, rawArgs)
  await runCommand(main, { rawArgs })
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}

export function runCli(cli: CliMain, rawArgs: string[]): void {
  // Output piped into `head` closes early; that is the reader's choice, not an error to report.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  })
  run(cli, rawArgs).then(
    (code) => {
      process.exitCode = code
    },
    (raw: unknown) => {
      const err = cli.mapError?.(raw) ?? raw
      const { text, exitCode } = describeError(cli.prog, err, isDebug(process.env.DEBUG))
      process.stderr.write(text)
      cli.onError?.(err, exitCode, rawArgs)
      process.exitCode = exitCode
    },
  )
}
