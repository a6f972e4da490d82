/**
 * The update-notice lines of a wrapper's managed block (README "Update notice"). They run on every
 * launch, so they use shell builtins only and fork nothing unless a check is due:
 *
 * - a notice the last background check left in `<home>/notify/<name>.notice` is printed to stderr
 *   when stderr is a terminal, then emptied (a check writes at most one notice per interval);
 * - `<name>.probe` is truncated (its mtime becomes "now") and compared with `<name>.next`, whose
 *   mtime `claude-multi notify` sets to "now + interval": `test -nt` is the builtin clock;
 * - when due, `claude-multi notify <name>` starts detached (stdio on /dev/null, never waited for),
 *   and only when `command -v` finds it. Node resets every signal to its default at start-up, so
 *   an ignored SIGHUP would not survive the exec: the check must leave the terminal's process
 *   group instead, or closing the terminal (or claude exiting at once under `script`) kills it.
 *   `setsid` (Linux, BusyBox) gives it a session of its own; without it `set -m` gives it its own
 *   process group (bash, macOS's /bin/sh; dash ignores it in a subshell, where setsid exists).
 *
 * `true`, never `:`, carries the redirections: a failed redirection of a special builtin (`:`)
 * ends a POSIX shell (dash, bash as sh), of a regular one it is only a failed command. `|| :`
 * keeps a user's own `set -e` from ending the wrapper; `${x-}` their `set -u`.
 */
import { CliError } from './errors.js'
import { shQuote } from './shell.js'

/** Marks the generated notice lines; like the key lines they are regenerated, never merged. */
export const NOTIFY_MARK = ' # claude-multi:notify'

/** Instance names as the client validates them: the name becomes part of a file name here. */
const NAME_RE = /^[a-z0-9][a-z0-9-]*$/

/** `<home>/notify`; joined by hand: shared/ stays free of node modules, and the shell reads it as is. */
export const notifyDir = (home: string) => `${home.replace(/(.)\/+$/, '$1')}/notify`

/**
 * The home the lines read from: absolute (a relative one would be resolved against wherever the
 * wrapper is launched, a cloned repository included) and one line (the lines are recognised by
 * their mark at the end of each line; a newline inside the quoted path would split one).
 */
const HOME_RE = /^(?:[A-Za-z]:)?[\\/][^\u0000-\u001f\u007f]*$/

export function renderNotifyLines(name: string, home: string): string[] {
  if (!NAME_RE.test(name)) throw new CliError('E_VALUE', `"${name}" is not a valid instance name`, 1)
  if (!HOME_RE.test(home))
    throw new CliError(
      'E_VALUE',
      `the notice lines need an absolute CLAUDE_MULTI_HOME on one line, not ${JSON.stringify(home.slice(0, 120))}`,
      1,
    )
  const files = shQuote(`${notifyDir(home)}/${name}`)
  const run = `CLAUDE_MULTI_HOME=${shQuote(home)} $_cm_s claude-multi notify ${shQuote(name)} &`
  return [
    `if [ "\${CLAUDE_MULTI_NOTIFY-}" != 0 ]; then _cm_n=${files}`,
    `  if [ -t 2 ] && [ -s "$_cm_n.notice" ]; then _cm_l=; IFS= read -r _cm_l 2>/dev/null <"$_cm_n.notice" || :; [ -z "$_cm_l" ] || printf '%s\\n' "$_cm_l" >&2; true 2>/dev/null >"$_cm_n.notice" || :; fi`,
    `  true 2>/dev/null >"$_cm_n.probe" || :; if [ ! -e "$_cm_n.next" ] || [ "$_cm_n.probe" -nt "$_cm_n.next" ]; then`,
    `    if command -v claude-multi >/dev/null 2>&1; then (set -m; trap '' HUP INT; _cm_s=; ! command -v setsid >/dev/null || _cm_s=setsid; ${run}) </dev/null >/dev/null 2>&1; fi`,
    '  fi; unset _cm_n _cm_l',
    'fi',
  ].map((l) => l + NOTIFY_MARK)
}
