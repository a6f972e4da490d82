/**
 * What both bins do with a command line, as one pure function over what the entry point hands in:
 * answer --help and --version, refuse unknown commands and flags, run the command, and turn every
 * error into one line for stderr. It returns the exit code; only the entry points (client/cli.ts,
 * server/cli.ts) touch the process: they print, read package.json and set the exit code.
 */
import {
  type CommandShape,
  checkArity,
  checkFlags,
  describeError,
  findLeaf,
  polishUsage,
  stripAnsi,
} from './cli-support.js'
import { UsageError } from './errors.js'

export interface CliMain {
  prog: string
  main: CommandShape
  /** Names of the subcommands, known without importing them. */
  commands: readonly string[]
  /** Options every command accepts (handled by the entry point), shown in every help text. */
  globalFlags?: [string, string][]
  /** Turns an error the commands did not expect (a file-system error, say) into a CliError, if it can. */
  mapError?(err: unknown): unknown
  /** Also told about every failure, after its line went to stderr (the client prints `--json` there). */
  onError?(err: unknown, exitCode: number, rawArgs: string[]): void
}

/** What the entry point provides: citty's runner and usage text, the package version, the output. */
export interface CliRuntime {
  renderUsage(cmd: CommandShape, parent?: CommandShape): Promise<string>
  /** Runs one command (not its subcommands) and gives back what its `run` returned. */
  runCommand(cmd: CommandShape, opts: { rawArgs: string[] }): Promise<{ result?: unknown }>
  version(): string
  stdout(text: string): void
  stderr(text: string): void
  /** Keep colours in the help text (a terminal, no NO_COLOR). */
  color: boolean
  /** DEBUG=claude-multi: errors carry their stack. */
  debug: boolean
}

/** A command's `run` returns its exit code; one that returns nothing (or anything else) succeeded. */
export const exitCodeOf = (result: unknown): number =>
  typeof result === 'number' && Number.isInteger(result) && result >= 0 ? result : 0

async function dispatch(cli: CliMain, rawArgs: string[], rt: CliRuntime): Promise<number> {
  const { prog, main, commands, globalFlags } = cli
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const { cmd, parent } = await findLeaf(main, rawArgs)
    const usage = await polishUsage(await rt.renderUsage(cmd, parent), prog, cmd, globalFlags)
    rt.stdout(`${rt.color ? usage : stripAnsi(usage)}\n`)
    return 0
  }
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    rt.stdout(`${rt.version()}\n`)
    return 0
  }
  const first = rawArgs.find((a) => !a.startsWith('-'))
  if (!first || !commands.includes(first))
    throw new UsageError(`unknown command "${first ?? rawArgs[0]}"`, `run \`${prog} --help\` to see the commands`)
  await checkFlags(prog, main, rawArgs)
  await checkArity(prog, main, rawArgs)
  const { cmd, args } = await findLeaf(main, rawArgs)
  return exitCodeOf((await rt.runCommand(cmd, { rawArgs: args })).result)
}

/** Runs the command line to its exit code; never rejects. */
export async function runCli(cli: CliMain, rawArgs: string[], rt: CliRuntime): Promise<number> {
  try {
    return await dispatch(cli, rawArgs, rt)
  } catch (raw) {
    const err = cli.mapError?.(raw) ?? raw
    const { text, exitCode } = describeError(cli.prog, err, rt.debug)
    rt.stderr(text)
    cli.onError?.(err, exitCode, rawArgs)
    return exitCode
  }
}
