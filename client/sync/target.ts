import { CliError } from '../../shared/errors.js'
import {
  parseWrapper,
  renderWrapper,
  spliceWrapper,
  type ParsedWrapper,
  type WrapperSpec,
} from '../../shared/wrapper.js'
import { readText } from '../state/json-file.js'
import { editSettingsEnv } from './settings-edit.js'
import type { Target } from '../state/lock.js'

/** An instance's target as read from disk: its variables, and how to write new ones back. */
export interface LoadedTarget {
  target: Target
  /** undefined: the wrapper is missing and `render` writes it anew. */
  text: string | undefined
  env: Record<string, string>
  /** Renders the file with a new variable set, keeping everything else. */
  render(env: Record<string, string>, source: string, keyLines?: string[], notifyLines?: string[]): string
  parsed?: ParsedWrapper
}

/** What a missing wrapper is written anew from: the lock entry and the instance's config. */
export type FreshWrapper = Omit<WrapperSpec, 'env' | 'source'>

export function loadTarget(target: Target, name: string, keyVar?: string, fresh?: FreshWrapper): LoadedTarget {
  const text = readText(target.path)
  if (text === undefined && target.kind === 'wrapper' && fresh)
    return { target, text: undefined, env: {}, render: (env, source) => renderWrapper({ ...fresh, env, source }) }
  if (text === undefined)
    throw new CliError(
      'E_MISSING',
      `${name}: ${target.path} does not exist`,
      1,
      `restore it, or \`claude-multi remove ${name}\` and add it again`,
    )
  return target.kind === 'wrapper' ? loadWrapper(target, text, name) : loadSettings(target, text, name, keyVar)
}

function loadWrapper(target: Target, text: string, name: string): LoadedTarget {
  let parsed: ParsedWrapper
  try {
    parsed = parseWrapper(text)
  } catch (err) {
    if (err instanceof CliError)
      throw new CliError(
        err.code,
        `${name}: ${target.path}: ${err.message}; it was left untouched`,
        err.exitCode,
        err.hint,
      )
    throw err
  }
  return {
    target,
    text,
    env: { ...parsed.env },
    parsed,
    render: (env, source, keyLines, notifyLines) => spliceWrapper(parsed, env, source, keyLines, notifyLines),
  }
}

interface Settings {
  env?: Record<string, string>
  [key: string]: unknown
}

/**
 * Adopted instances keep their variables in `<configDir>/settings.json` `env` (older claude-multi
 * layout). Only the `env` keys sync manages change, edited in place (settings-edit.ts); the key
 * variable, every other setting and every other byte of the file stay as they are.
 */
function loadSettings(target: Target, text: string, name: string, keyVar?: string): LoadedTarget {
  let settings: Settings
  try {
    settings = JSON.parse(text) as Settings
  } catch (err) {
    throw new CliError(
      'E_CORRUPT',
      `${name}: ${target.path} is not valid JSON (${(err as Error).message}); it was left untouched`,
    )
  }
  if (
    !settings ||
    typeof settings !== 'object' ||
    Array.isArray(settings) ||
    (settings.env !== undefined &&
      (typeof settings.env !== 'object' || settings.env === null || Array.isArray(settings.env)))
  )
    throw new CliError('E_CORRUPT', `${name}: ${target.path} has no "env" object; it was left untouched`)
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(settings.env ?? {})) if (k !== keyVar && typeof v === 'string') env[k] = v
  return { target, text, env, render: (next) => editSettingsEnv(text, env, next) }
}
