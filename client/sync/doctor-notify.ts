/**
 * Doctor's check of a wrapper's update-notice lines against the `notify` setting: `config set
 * notify …` rewrites every wrapper, but a rollback to an older file, a hand edit, a wrapper written
 * before the notice existed or for another CLAUDE_MULTI_HOME leaves one out of line.
 */
import type { ParsedWrapper } from '../../shared/wrapper.js'
import type { Config } from '../state/config.js'
import { notifyEnabled, notifyLinesFor } from '../notify/lines.js'
import type { Paths } from '../state/paths.js'
import { fail, warn, type Check } from './doctor-check.js'

export interface NotifyContext {
  paths: Pick<Paths, 'home'>
  config: Config
}

/**
 * Missing or stale lines while the notice is on only cost the notice (a warning, exit 0): the
 * wrapper still runs, and a wrapper older than the notice is expected to lack them until its next
 * sync. Lines left while it is off start a background registry check the user turned off: a
 * problem (exit 1).
 */
export function checkNotifyLines(id: string, name: string, parsed: ParsedWrapper, ctx: NotifyContext): Check[] {
  let expected: string[]
  try {
    expected = notifyLinesFor(ctx, name)
  } catch {
    // A name no notice can be written for (refused elsewhere): nothing to compare with.
    return []
  }
  const actual = parsed.lines.filter((l) => l.kind === 'notify').map((l) => l.raw.replace(/\r$/, ''))
  if (!notifyEnabled(ctx.config)) {
    if (!actual.length) return []
    return [
      fail(
        id,
        'the wrapper still has the update-notice lines (it starts a background check at launch) but notify is off',
        '`claude-multi config set notify off` takes them out of every wrapper',
        { kind: 'notify' },
      ),
    ]
  }
  if (actual.join('\n') === expected.join('\n')) return []
  const hint = '`claude-multi config set notify on` writes them into every wrapper'
  if (!actual.length)
    return [
      warn(id, 'the wrapper has no update-notice lines, so its launch shows no update notice', hint, {
        kind: 'notify',
      }),
    ]
  return [
    warn(
      id,
      `the wrapper's update-notice lines are not the ones for this instance and ${ctx.paths.home} (edited, or written for another CLAUDE_MULTI_HOME or name)`,
      hint,
      { kind: 'notify' },
    ),
  ]
}
