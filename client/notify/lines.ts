/**
 * Whether wrappers carry the update-notice lines (`claude-multi config set notify off` removes
 * them) and the lines themselves for one instance of this CLAUDE_MULTI_HOME.
 */
import { renderNotifyLines } from '../../shared/notify-lines.js'
import type { Config } from '../state/config.js'
import type { Paths } from '../state/paths.js'

/** On unless config.json says `"notify": false`. */
export const notifyEnabled = (config: Config): boolean => config.notify !== false

/** The lines for `name`'s wrapper; `[]` (remove them) when the notice is turned off. */
export function notifyLinesFor(ctx: { paths: Pick<Paths, 'home'>; config: Config }, name: string): string[] {
  return notifyEnabled(ctx.config) ? renderNotifyLines(name, ctx.paths.home) : []
}

/** What renderWrapper takes for a new wrapper. */
export function notifySpec(ctx: { paths: Pick<Paths, 'home'>; config: Config }): { notify?: { home: string } } {
  return notifyEnabled(ctx.config) ? { notify: { home: ctx.paths.home } } : {}
}
