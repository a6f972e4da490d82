/**
 * Names the managed block never exports, whoever asks. Templates are held to the allowlist
 * (env-allowlist.ts); this list is for the user's own values (overrides, hand edits the block
 * rewrites). The user owns the wrapper and may export anything else, but not a name that breaks
 * the wrapper (the shell owns it: read-only, magic, or fatal in dash before `exec`) or makes
 * claude, git, a pager or a later shell load or run code. Such a line belongs above the block,
 * written by hand, where it is plainly the user's.
 */
const SHELL_OWNED = new Set(
  (
    '_ OPTIND OPTARG OPTERR IFS PS1 PS2 PS3 PS4 PWD OLDPWD PPID UID EUID SHELLOPTS RANDOM SRANDOM ' +
    'SECONDS LINENO HISTCMD EPOCHSECONDS EPOCHREALTIME GROUPS DIRSTACK FUNCNAME PIPESTATUS ENV PATH ' +
    'HOME SHELL CDPATH'
  ).split(' '),
)
const SHELL_OWNED_RE = /^(?:BASH.*|COMP_.*)$/

const LOADS_CODE = new Set(
  (
    'NODE_OPTIONS NODE_PATH NODE_TLS_REJECT_UNAUTHORIZED NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR ' +
    'GCONV_PATH PERL5OPT PERL5LIB PERLLIB PERL5DB RUBYOPT RUBYLIB JAVA_TOOL_OPTIONS _JAVA_OPTIONS ' +
    'JDK_JAVA_OPTIONS CLASSPATH PAGER MANPAGER SYSTEMD_PAGER EDITOR VISUAL BROWSER ZDOTDIR ' +
    'PROMPT_COMMAND SSH_ASKPASS SUDO_ASKPASS CLAUDE_CODE_SHELL_PREFIX CLAUDE_CODE_SHELL'
  ).split(' '),
)
/** Whole families: any `GIT_*` can run commands (GIT_CONFIG_*, GIT_SSH_COMMAND, GIT_EXTERNAL_DIFF…). */
const LOADS_CODE_RE = /^(?:LD_.*|DYLD_.*|GIT_.*|PYTHON.*|PERL_.*|RUBY.*|LESS.*|NPM_CONFIG_.*)$/

/** Why the managed block may not export `name`, or undefined when it may. */
export function refusedEnvProblem(name: string): string | undefined {
  if (SHELL_OWNED.has(name) || SHELL_OWNED_RE.test(name))
    return `${name} is owned by the shell; exporting it from the wrapper would break it`
  if (LOADS_CODE.has(name) || LOADS_CODE_RE.test(name))
    return `${name} makes programs load or run code; the managed block never exports it (write it above the block by hand if you really mean it)`
  return undefined
}
