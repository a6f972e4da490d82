/**
 * The variables issue 12 found accepted by the old denylist (each runs or loads code, moves traffic
 * elsewhere or changes a shell), plus the prototype names: every one must be refused by name.
 */
export const FOUND_ACCEPTED = [
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_EXTERNAL_DIFF',
  'PERL5OPT',
  'PERL5DB',
  'GIT_SSH_COMMAND',
  'PAGER',
  'LESSOPEN',
  'EDITOR',
  'PYTHONPATH',
  'RUBYOPT',
  'JAVA_TOOL_OPTIONS',
  'ZDOTDIR',
  'GCONV_PATH',
  'PROMPT_COMMAND',
  'TMPDIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'https_proxy',
  'CLAUDE_CODE_SHELL_PREFIX',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'NODE_OPTIONS',
]

/** More names of the same kinds, and those the shell or claude itself owns. */
export const DANGEROUS_ENV = [
  ...FOUND_ACCEPTED,
  'VISUAL',
  'PYTHONSTARTUP',
  'CLAUDE_CODE_SKIP_BEDROCK_AUTH',
  'LD_PRELOAD',
  'BASH_ENV',
  'ENV',
  'PATH',
  'HOME',
  'IFS',
  'CLAUDE_CONFIG_DIR',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
]
