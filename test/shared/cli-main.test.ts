import { defineCommand, renderUsage, runCommand } from 'citty'
import { describe, expect, it } from 'vitest'
import { type CliRuntime, exitCodeOf, runCli } from '../../shared/cli-main.js'
import { CliError } from '../../shared/errors.js'

/** A runtime like the entry points', with the output kept instead of printed. */
function runtime() {
  const out: string[] = []
  const err: string[] = []
  const rt: CliRuntime = {
    renderUsage,
    runCommand,
    version: () => '9.9.9',
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    color: false,
    debug: false,
  }
  return { rt, out, err }
}

const seen: string[][] = []
const check = defineCommand({
  meta: { name: 'check' },
  args: { name: { type: 'positional', required: false }, strict: { type: 'boolean' } },
  run: ({ rawArgs, args }) => {
    seen.push(rawArgs)
    if (args.name === 'broken') throw new CliError('E_BROKEN', 'it is broken', 1, 'fix it')
    return args.strict ? 100 : undefined
  },
})
const main = defineCommand({
  meta: { name: 'prog' },
  subCommands: { cache: () => Promise.resolve(defineCommand({ meta: { name: 'cache' }, subCommands: { check } })) },
})
const cli = { prog: 'prog', main, commands: ['cache'] }

describe('runCli', () => {
  it("returns the exit code a nested command's run returns (citty alone drops it)", async () => {
    const { rt } = runtime()
    expect(await runCli(cli, ['cache', 'check', 'work', '--strict'], rt)).toBe(100)
    expect(seen.at(-1)).toEqual(['work', '--strict'])
    expect(await runCli(cli, ['cache', 'check'], rt)).toBe(0)
  })

  it('turns an error into one stderr line and its exit code; usage errors are 2', async () => {
    const { rt, err } = runtime()
    expect(await runCli(cli, ['cache', 'check', 'broken'], rt)).toBe(1)
    expect(await runCli(cli, ['nope'], rt)).toBe(2)
    expect(await runCli(cli, ['cache', 'check', '--strikt'], rt)).toBe(2)
    expect(err).toEqual([
      'prog: it is broken (fix it)\n',
      'prog: unknown command "nope" (run `prog --help` to see the commands)\n',
      'prog: unknown option --strikt for `prog check` (run `prog check --help`)\n',
    ])
  })

  it('answers --version and --help without running anything', async () => {
    const { rt, out } = runtime()
    const before = seen.length
    expect(await runCli(cli, ['--version'], rt)).toBe(0)
    expect(await runCli(cli, ['cache', 'check', '--help'], rt)).toBe(0)
    expect(out[0]).toBe('9.9.9\n')
    expect(out[1]).toMatch(/USAGE prog cache check/)
    expect(out[1]).not.toMatch(/\x1b\[/)
    expect(seen.length).toBe(before)
  })

  it('counts only a whole non-negative number as an exit code', () => {
    expect([exitCodeOf(3), exitCodeOf(undefined), exitCodeOf(true), exitCodeOf(-1), exitCodeOf(1.5)]).toEqual([
      3, 0, 0, 0, 0,
    ])
  })
})
