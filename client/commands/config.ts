import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { notifyEnabled } from '../notify/lines.js'
import { changeSettings } from '../notify/settings.js'
import type { Config } from '../state/config.js'
import { emitJson, jsonArg, openSession, out, waitArg, write } from './_common.js'

/**
 * Settings in config.json, read and written the way `npm config` does it (set, get, delete, list).
 * Only known keys: a typo must not be stored silently and then ignored.
 */
interface Setting {
  describe: string
  read(config: Config): string
  /** Sets the new value in `config` (undefined: back to the default); throws on a bad value. */
  write(config: Config, value: string | undefined): void
}

const BOOL: Record<string, boolean> = {
  on: true,
  true: true,
  yes: true,
  '1': true,
  off: false,
  false: false,
  no: false,
  '0': false,
}

const SETTINGS: Record<string, Setting> = {
  notify: {
    describe: 'update notice at launch and the background check behind it (on|off, default on)',
    read: (config) => (notifyEnabled(config) ? 'on' : 'off'),
    write(config, value) {
      if (value === undefined) return void delete config.notify
      const b = BOOL[value.toLowerCase()]
      if (b === undefined)
        throw new UsageError(`notify: "${value}" is neither on nor off`, 'e.g. claude-multi config set notify off')
      if (b) delete config.notify
      else config.notify = false
    },
  },
}

function setting(key: string): Setting {
  const s = SETTINGS[key]
  if (!s)
    throw new UsageError(
      `unknown setting "${key}"`,
      `known: ${Object.keys(SETTINGS).join(', ')} (see \`claude-multi config list\`)`,
    )
  return s
}

/** Changes one setting and re-renders what depends on it, as one transaction. */
async function change(key: string, value: string | undefined, rawArgs: string[], json: boolean): Promise<void> {
  const s = setting(key)
  const session = openSession()
  // Checked before anything is locked, so a bad value fails cleanly.
  s.write(structuredClone(session.config), value)
  const r = await write(
    session,
    { command: `config ${value === undefined ? 'delete' : 'set'} ${key}`, rawArgs },
    (tx) => {
      return changeSettings(session, tx, (config) => s.write(config, value))
    },
  )
  const now = s.read(session.config)
  if (json) return emitJson('config', 0, { key, value: now, rewritten: r.rewritten, skipped: r.skipped })
  out(`${key} = ${now}${r.rewritten.length ? ` (rewrote ${r.rewritten.map((n) => `claude-${n}`).join(', ')})` : ''}`)
  if (r.skipped.length) out(`left as they are (run \`claude-multi sync\` to see why): ${r.skipped.join(', ')}`)
}

/** The setting a subcommand names; `options` feeds completion, the cast keeps citty's positional type. */
const keyArg = { type: 'positional', required: true, description: 'Setting', options: Object.keys(SETTINGS) } as {
  type: 'positional'
  required: true
  description: string
}

const set = defineCommand({
  meta: { name: 'set', description: 'Change a setting, e.g. `config set notify off`' },
  args: {
    key: keyArg,
    value: { type: 'positional', required: true, description: 'New value' },
    ...waitArg,
    ...jsonArg,
  },
  run: ({ args, rawArgs }) => change(args.key, args.value, rawArgs, Boolean(args.json)),
})

const del = defineCommand({
  meta: { name: 'delete', description: 'Put a setting back to its default' },
  args: {
    key: keyArg,
    ...waitArg,
    ...jsonArg,
  },
  run: ({ args, rawArgs }) => change(args.key, undefined, rawArgs, Boolean(args.json)),
})

const get = defineCommand({
  meta: { name: 'get', description: 'Print one setting' },
  args: {
    key: keyArg,
    ...jsonArg,
  },
  run({ args }) {
    const value = setting(args.key).read(openSession().config)
    if (args.json) return emitJson('config', 0, { key: args.key, value })
    out(value)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'Print every setting with its value' },
  args: { ...jsonArg },
  run({ args }) {
    const config = openSession().config
    if (args.json)
      return emitJson('config', 0, {
        settings: Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.read(config)])),
      })
    for (const [k, s] of Object.entries(SETTINGS)) out(`${k} = ${s.read(config)}  # ${s.describe}`)
  },
})

export default defineCommand({
  meta: { name: 'config', description: 'Read and change settings (like npm config): set, get, delete, list' },
  subCommands: { set, get, delete: del, list },
})
