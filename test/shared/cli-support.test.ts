import { defineCommand } from 'citty'
import { describe, expect, it } from 'vitest'
import { checkFlags, describeError, findCommand } from '../../shared/cli-support.js'
import { CliError } from '../../shared/errors.js'

const add = defineCommand({
  meta: { name: 'add' },
  args: { scope: { type: 'string', alias: 's' }, 'dry-run': { type: 'boolean' } },
})
const main = defineCommand({
  meta: { name: 'prog' },
  subCommands: { registry: () => Promise.resolve(defineCommand({ meta: { name: 'registry' }, subCommands: { add } })) },
})

describe('cli support', () => {
  it('finds the command a request is about, through lazy subcommands', async () => {
    const [cmd, parent] = await findCommand(main, ['registry', 'add', '--scope', 'x'])
    expect((cmd.meta as { name: string }).name).toBe('add')
    expect((parent!.meta as { name: string }).name).toBe('registry')
  })

  it('refuses a flag the command does not declare, accepting aliases and --no-', async () => {
    await expect(
      checkFlags('prog', main, ['registry', 'add', '--scope=@a', '-s', 'x', '--no-dry-run']),
    ).resolves.toBeUndefined()
    await expect(checkFlags('prog', main, ['registry', 'add', '--dryrun'])).rejects.toThrow(
      'unknown option --dryrun for `prog add`',
    )
    await expect(checkFlags('prog', main, ['registry', 'add', '--', '--anything'])).resolves.toBeUndefined()
  })

  it('turns errors into one line and an exit code, with the stack only when debugging', () => {
    expect(describeError('prog', new CliError('E_X', 'bad thing', 1, 'do this'), false)).toEqual({
      text: 'prog: bad thing (do this)\n',
      exitCode: 1,
    })
    const citty = Object.assign(new Error('\x1b[31mMissing required argument\x1b[0m'), { name: 'CLIError' })
    expect(describeError('prog', citty, false)).toEqual({
      text: 'prog: Missing required argument (see --help)\n',
      exitCode: 2,
    })
    expect(describeError('prog', new TypeError('boom'), false).text).toBe(
      'prog: unexpected error: boom (set DEBUG=claude-multi for details)\n',
    )
    expect(describeError('prog', new TypeError('boom'), true).text).toMatch(/^TypeError: boom\n\s+at /)
  })
})
