/**
 * Every hint names a command that exists: each `claude-multi <cmd>` and `claude-multi-registry <cmd>`
 * written anywhere in client/, server/ or shared/ (messages, hints, help texts) is checked against
 * the commands the two entry points register, subcommands included.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommandDef } from 'citty'
import { describe, expect, it } from 'vitest'
import { commands as clientCommands } from '../../client/commands/index.js'
import { ROOT } from '../helpers/server.js'

const SERVER = ['serve', 'validate', 'build', 'token', 'import', 'export', 'watch', 'bump', 'keygen']

const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(ROOT, dir, f))

async function subcommandsOf(load: () => Promise<CommandDef<any>>): Promise<string[]> {
  const cmd = await load()
  const subs = typeof cmd.subCommands === 'function' ? await (cmd.subCommands as () => unknown)() : cmd.subCommands
  return Object.keys((subs ?? {}) as object)
}

describe('hints', () => {
  it('name only commands that exist', async () => {
    const bad: string[] = []
    for (const file of [...sources('client'), ...sources('server'), ...sources('shared')]) {
      const text = readFileSync(file, 'utf8')
      // A command is written in backticks (`claude-multi sync work`); the server's also in plain hints.
      const spans = [...text.matchAll(/\\?`(claude-multi(?:-registry)? [^`\\]*)\\?`/g)].map((m) => m[1]!)
      spans.push(...[...text.matchAll(/\bclaude-multi-registry [a-z][a-z-]*(?: [a-z][a-z-]*)?/g)].map((m) => m[0]))
      for (const span of spans) {
        const [prog, cmd, sub] = span.split(/\s+/)
        const where = `${file.slice(ROOT.length)}: ${span}`
        if (prog === 'claude-multi-registry') {
          if (!SERVER.includes(cmd!) && cmd !== 'listening') bad.push(where)
          continue
        }
        if (!cmd || cmd.startsWith('-') || cmd.startsWith('<') || cmd.startsWith('$')) continue
        const load = clientCommands[cmd]
        if (!load) {
          bad.push(where)
          continue
        }
        const subs = await subcommandsOf(load)
        if (subs.length && sub && !sub.startsWith('-') && !subs.includes(sub)) bad.push(where)
      }
    }
    expect(bad).toEqual([])
  })
})
