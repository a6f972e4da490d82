import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryCache } from '../../client/state/cache.js'
import { CLIENT_CLI, sandbox, type Sandbox } from '../helpers/client.js'

// The scripts are sourced by the real shells (Debian's zsh and fish are installed by .ci/run).
let sb: Sandbox
let shim: string
const scripts: Record<string, string> = {}

beforeAll(() => {
  sb = sandbox()
  shim = join(sb.dir, 'path')
  mkdirSync(shim)
  writeFileSync(
    join(shim, 'claude-multi'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLIENT_CLI)} "$@"\n`,
  )
  chmodSync(join(shim, 'claude-multi'), 0o755)
  for (const [name, id] of [
    ['work', 'glm'],
    ['mm', 'minimax'],
  ] as const)
    expect(sb.cm(['add', name, id, '--api-key-env', 'KEY']).code).toBe(0)
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = sb.cm(['completion', shell])
    expect(r.code).toBe(0)
    scripts[shell] = join(sb.dir, `completion.${shell}`)
    writeFileSync(scripts[shell]!, r.stdout)
  }
})
afterAll(() => sb.cleanup())

const env = () => ({ ...sb.env, PATH: `${shim}:${process.env.PATH}` })

/** What bash offers for the last word (COMP_WORDS as bash's readline would set them). */
function bash(...words: string[]): string[] {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _claude_multi; printf '%s\\n' "\${COMPREPLY[@]}"`,
      scripts.bash!,
      'claude-multi',
      ...words,
    ],
    { env: env(), encoding: 'utf8' },
  )
  expect(r.stderr).toBe('')
  return r.stdout.split('\n').filter(Boolean).sort()
}

/** zsh calls the same function through bashcompinit's compgen (`emulate -L sh`), then filters by prefix. */
function zsh(...words: string[]): string[] {
  const script = `source "$0"; t() { emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _claude_multi; printf '%s\\n' "\${COMPREPLY[@]}"; }; t "$@"`
  const r = spawnSync('zsh', ['-f', '-c', script, scripts.zsh!, 'claude-multi', ...words], {
    env: env(),
    encoding: 'utf8',
  })
  expect(r.stderr).toBe('')
  return r.stdout
    .split('\n')
    .filter((w) => w.length > 0 && w.startsWith(words.at(-1)!))
    .sort()
}

function fish(line: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C'${line}'`], {
    env: env(),
    encoding: 'utf8',
  })
  expect(r.stderr).toBe('')
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]!)
    .sort()
}

describe.each([
  ['bash', bash],
  ['zsh', zsh],
] as const)('%s', (_shell, complete) => {
  it('completes commands, subcommands and flags from the command definitions', () => {
    expect(complete('sy')).toEqual(['sync'])
    expect(complete('registry', 'l')).toEqual(['list', 'login'])
    expect(complete('sync', '--d')).toEqual(['--dry-run'])
    expect(complete('completion', '')).toEqual(['bash', 'fish', 'zsh'])
  })
  it('completes instance names, template ids and registries from local files', () => {
    expect(complete('sync', '')).toEqual(['mm', 'work'])
    expect(complete('sync', 'work', '')).toEqual(['mm', 'work'])
    expect(complete('rollback', 'w')).toEqual(['work'])
    expect(complete('add', 'new', 'mini')).toEqual(['minimax'])
    expect(complete('info', 'qwen')).toEqual(['qwen', 'qwen-coding-plan'])
    expect(complete('add', 'new', '--registry', '')).toEqual(['public'])
    expect(complete('registry', 'login', '')).toEqual(['public'])
  })
  it('offers nothing for the name a command creates', () => {
    expect(complete('add', '')).toEqual([])
  })
})

describe('fish', () => {
  it('completes commands, flags, instances and templates', () => {
    expect(fish('claude-multi sy')).toEqual(['sync'])
    expect(fish('claude-multi sync --dr')).toEqual(['--dry-run'])
    expect(fish('claude-multi sync ')).toEqual(['mm', 'work'])
    expect(fish('claude-multi info mini')).toEqual(['minimax'])
    expect(fish('claude-multi registry lo')).toEqual(['login'])
  })
})

describe('completion --list', () => {
  it('never prints an id a registry served that is not a valid id (cache only, no network)', () => {
    const hostile = sandbox('http://127.0.0.1:9')
    try {
      const cache = new RegistryCache(join(hostile.home, 'cache'), 'public', 'http://127.0.0.1:9')
      mkdirSync(cache.dir, { recursive: true })
      const ids = ['good-one', '$(touch pwned)', 'UPPER', '../../etc', 'a b', '@acme/gw', '\u001b[31mred']
      writeFileSync(
        join(cache.dir, 'index.json'),
        JSON.stringify({ formatVersion: 1, templates: Object.fromEntries(ids.map((id) => [id, {}])) }),
      )
      const r = hostile.cm(['completion', '--list', 'templates'])
      expect(r.code).toBe(0)
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(['@acme/gw', 'good-one'])
    } finally {
      hostile.cleanup()
    }
  })
  it('refuses an unknown shell or list with a usage error', () => {
    const shell = sb.cm(['completion', 'tcsh'])
    expect(shell.code).toBe(2)
    expect(shell.stderr).toContain('unknown shell "tcsh"')
    expect(shell.stderr).toContain('bash, zsh, fish')
    const list = sb.cm(['completion', '--list', 'keys'])
    expect(list.code).toBe(2)
    expect(list.stderr).toContain('--list must be one of instances, templates, registries')
  })
})

describe('the update-notice commands', () => {
  it('complete auto on|off after an instance, config subcommands and their known keys', () => {
    expect(bash('auto', '')).toEqual(['mm', 'work'])
    expect(bash('auto', 'work', '')).toEqual(['off', 'on'])
    expect(bash('config', '')).toEqual(['delete', 'get', 'list', 'set'])
    expect(bash('config', 'set', '')).toEqual(['notify'])
    expect(bash('notify', 'w')).toEqual(['work'])
  })
})
