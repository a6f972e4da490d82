import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BLOCK_END,
  BLOCK_START,
  parseWrapper,
  renderKeyLines,
  renderWrapper,
  spliceWrapper,
  type WrapperSpec,
} from '../../shared/wrapper.js'
import { sourceWrapper } from '../helpers/shell.js'

const spec = (over: Partial<WrapperSpec> = {}): WrapperSpec => ({
  name: 'work',
  configDir: '/home/u/.claude-work',
  claudePath: '/usr/local/bin/claude',
  authVar: 'ANTHROPIC_AUTH_TOKEN',
  key: { env: 'ZAI_KEY' },
  env: { ANTHROPIC_BASE_URL: 'https://api.z.ai/api/anthropic', ANTHROPIC_MODEL: 'glm-5.1', API_TIMEOUT_MS: '3000000' },
  source: 'glm@2.1.0 from public',
  ...over,
})

describe('renderWrapper', () => {
  it('is deterministic and exports exactly the values, then the config dir', () => {
    const text = renderWrapper(spec())
    expect(renderWrapper(spec())).toBe(text)
    expect(text.startsWith('#!/bin/sh\n')).toBe(true)
    expect(text).toContain(
      `${BLOCK_START}\n# source: glm@2.1.0 from public\nexport ANTHROPIC_BASE_URL='https://api.z.ai/api/anthropic'\n`,
    )
    expect(text.trimEnd().endsWith(`exec '/usr/local/bin/claude' "$@"`)).toBe(true)
    const { env } = sourceWrapper(text, 'bash', { ZAI_KEY: 'k' })
    expect(env).toMatchObject({ ...spec().env, CLAUDE_CONFIG_DIR: '/home/u/.claude-work' })
  })

  it('quotes hostile values so the shell runs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-canary-'))
    const canary = join(dir, 'pwned')
    const hostile = [
      `'; touch ${canary}; '`,
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `"$HOME"\\`,
      `it's ✓ ünïcödé 🙂`,
      '',
      '!!',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PATH} is the hostile input under test
      '${PATH}',
    ]
    const env = Object.fromEntries(hostile.map((v, i) => [`V${i}`, v]))
    const text = renderWrapper(spec({ env, configDir: `/tmp/$(touch ${canary})'x` }))
    for (const shell of ['bash', 'sh']) {
      const res = sourceWrapper(text, shell, { ZAI_KEY: 'k' })
      expect(res.env).toMatchObject({ ...env, CLAUDE_CONFIG_DIR: `/tmp/$(touch ${canary})'x` })
    }
    expect(() => writeFileSync(join(dir, 'pwned'), '', { flag: 'wx' })).not.toThrow()
  })

  it('refuses values with a newline and names that are not variable names', () => {
    expect(() => renderWrapper(spec({ env: { A: 'x\ny' } }))).toThrow(/newline/)
    expect(() => renderWrapper(spec({ env: { 'A;rm': 'x' } }))).toThrow(/not a valid environment variable name/)
  })

  it('reads the key from the 0600 file at run time and fails clearly when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-key-'))
    const keyFile = join(dir, 'key')
    const text = renderWrapper(spec({ key: { file: keyFile } }))
    expect(text).not.toContain('sk-')
    const missing = sourceWrapper(text)
    expect(missing.status).not.toBe(0)
    expect(missing.stderr).toContain(`claude-work: cannot read the API key from ${keyFile}`)
    writeFileSync(keyFile, 'sk-test-FAKE\n')
    chmodSync(keyFile, 0o600)
    expect(sourceWrapper(text).env.ANTHROPIC_AUTH_TOKEN).toBe('sk-test-FAKE')
  })

  it('reads the key from a named variable and fails clearly when it is unset', () => {
    const text = renderWrapper(spec({ key: { env: 'ZAI_KEY' }, authVar: 'ANTHROPIC_API_KEY' }))
    expect(sourceWrapper(text).stderr).toContain('ZAI_KEY is not set')
    expect(sourceWrapper(text, 'bash', { ZAI_KEY: "k'ey" }).env.ANTHROPIC_API_KEY).toBe("k'ey")
  })
})

describe('isolation: only the instance key, only the provider', () => {
  const parent = {
    ANTHROPIC_API_KEY: 'sk-ant-x',
    ANTHROPIC_AUTH_TOKEN: 'sk-ant-y',
    CLAUDE_CODE_USE_BEDROCK: '1',
    CLAUDE_CODE_USE_VERTEX: '1',
    CLAUDE_CODE_USE_FOUNDRY: '1',
    ANTHROPIC_BEDROCK_BASE_URL: 'https://evil.example',
    CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1',
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat',
    ANTHROPIC_CUSTOM_HEADERS: 'x-api-key: sk-ant-z',
    ZAI_KEY: 'zai-key',
  }
  it('clears the other auth variable and every backend switch the shell may carry (bash and dash)', () => {
    for (const authVar of ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY'] as const) {
      for (const shell of ['bash', 'dash']) {
        const { env, status } = sourceWrapper(renderWrapper(spec({ authVar })), shell, parent)
        expect(status, shell).toBe(0)
        expect(env[authVar]).toBe('zai-key')
        for (const name of Object.keys(parent))
          if (name !== authVar && name !== 'ZAI_KEY') expect(env[name], `${shell} ${authVar} ${name}`).toBeUndefined()
        expect(JSON.stringify(env)).not.toContain('sk-ant-')
      }
    }
  })

  it("never clears what the block itself exports (OpenRouter's empty key, a user's own switch)", () => {
    const text = renderWrapper(spec({ env: { ...spec().env, ANTHROPIC_API_KEY: '', CLAUDE_CODE_USE_BEDROCK: '1' } }))
    const { env } = sourceWrapper(text, 'dash', parent)
    expect(env).toMatchObject({ ANTHROPIC_AUTH_TOKEN: 'zai-key', ANTHROPIC_API_KEY: '', CLAUDE_CODE_USE_BEDROCK: '1' })
    expect(env.CLAUDE_CODE_USE_VERTEX).toBeUndefined()
  })

  it('with no key set up, the wrapper stops with the command that fixes it, whatever the shell holds', () => {
    const text = renderWrapper(spec({ key: null }))
    const res = sourceWrapper(text, 'bash', parent)
    expect(res.status).not.toBe(0)
    expect(res.stderr).toContain(
      'claude-work: no API key is set up; set one with: claude-multi key work --api-key-stdin',
    )
  })

  it('is added to a wrapper written before it existed, when sync regenerates the key lines', () => {
    const old = renderWrapper(spec())
      .split('\n')
      .filter((l) => !l.startsWith('unset '))
      .join('\n')
    expect(sourceWrapper(old, 'bash', parent).env.ANTHROPIC_API_KEY).toBe('sk-ant-x')
    const next = spliceWrapper(
      parseWrapper(old),
      spec().env,
      undefined,
      renderKeyLines('work', 'ANTHROPIC_AUTH_TOKEN', { env: 'ZAI_KEY' }, Object.keys(spec().env)),
    )
    expect(sourceWrapper(next, 'bash', parent).env.ANTHROPIC_API_KEY).toBeUndefined()
    expect(parseWrapper(next).env).toEqual(spec().env)
  })
})

describe('parseWrapper / spliceWrapper', () => {
  it('round-trips exactly', () => {
    const text = renderWrapper(spec({ key: { file: '/k' } }))
    const parsed = parseWrapper(text)
    expect(parsed.env).toEqual(spec().env)
    expect(parsed.source).toBe('glm@2.1.0 from public')
    expect(spliceWrapper(parsed, parsed.env)).toBe(text)
  })

  it('reads values the user typed with other quoting, and keeps dynamic ones as written', () => {
    const text = renderWrapper(spec()).replace(
      `export ANTHROPIC_MODEL='glm-5.1'`,
      `export ANTHROPIC_MODEL="glm-5.2"\nexport A=bare\\ word # note\n  export B="$HOME/x"\necho hello`,
    )
    const parsed = parseWrapper(text)
    expect(parsed.env.ANTHROPIC_MODEL).toBe('glm-5.2')
    expect(parsed.env.A).toBe('bare word')
    expect(parsed.env.B).toBe('"$HOME/x"')
    expect(parsed.dynamic).toEqual(new Set(['B']))
    // Unchanged values keep their bytes; the user's line stays after the variable it followed.
    expect(spliceWrapper(parsed, parsed.env)).toBe(text)
    const next = spliceWrapper(parsed, { ...parsed.env, ANTHROPIC_BASE_URL: 'https://x.test' })
    expect(next).toContain(`export ANTHROPIC_BASE_URL='https://x.test'\nexport ANTHROPIC_MODEL="glm-5.2"`)
    expect(next).toContain(`export B="$HOME/x"\necho hello\n`)
  })

  it('keeps every byte outside the block, CRLF and missing final newline included', () => {
    const block = renderWrapper(spec()).split(BLOCK_START)[1]!.split(BLOCK_END)[0]
    const text = `#!/bin/bash\r\n# mine\r\numask 077\n${BLOCK_START}${block}${BLOCK_END}\nalias x=y\nexec claude "$@"`
    const parsed = parseWrapper(text)
    const next = spliceWrapper(parsed, { ANTHROPIC_MODEL: 'glm-5.3' })
    expect(next.startsWith('#!/bin/bash\r\n# mine\r\numask 077\n')).toBe(true)
    expect(next.endsWith(`${BLOCK_END}\nalias x=y\nexec claude "$@"`)).toBe(true)
  })

  it('refuses a wrapper without or with a broken block, with what to do', () => {
    expect(() => parseWrapper('#!/bin/sh\nexec claude\n')).toThrow(/no claude-multi managed block/)
    expect(() => parseWrapper(`${BLOCK_END}\n${BLOCK_START}\n`)).toThrow(/broken/)
    expect(() => parseWrapper(`${BLOCK_START}\n${BLOCK_START}\n${BLOCK_END}\n`)).toThrow(/broken/)
  })

  it('drops variables the merge removed but keeps the user lines that followed them', () => {
    const text = renderWrapper(spec()).replace(
      `export API_TIMEOUT_MS='3000000'`,
      `export API_TIMEOUT_MS='3000000'\n# keep me`,
    )
    const next = spliceWrapper(parseWrapper(text), { ANTHROPIC_MODEL: 'glm-5.1' })
    expect(next).not.toContain('API_TIMEOUT_MS')
    expect(next).toContain('# keep me')
  })
})

describe('defence in depth (cases found by test/security)', () => {
  it('refuses names the shell owns or that load code, and an unknown auth variable', () => {
    for (const name of [
      '_',
      'OPTIND',
      'UID',
      'PATH',
      'NODE_OPTIONS',
      'LD_PRELOAD',
      'BASH_ENV',
      'DYLD_INSERT_LIBRARIES',
    ]) {
      expect(() => renderWrapper(spec({ env: { [name]: 'x' } })), name).toThrow(/never exports it|owned by the shell/)
    }
    expect(() => renderWrapper(spec({ authVar: 'X=$(id);Y' as never, key: { file: '/k' } }))).toThrow(
      /not an API key variable/,
    )
  })

  it('parses values with U+2028/U+2029 back, and a source text that looks like a key line', () => {
    const text = renderWrapper(spec({ env: { A: 'x\u2028y', B: '\u2029' }, source: 'x # claude-multi:key' }))
    const parsed = parseWrapper(text)
    expect(parsed.env).toEqual({ A: 'x\u2028y', B: '\u2029' })
    expect(spliceWrapper(parsed, parsed.env)).toBe(text)
  })
})

describe('CRLF wrappers', () => {
  it('keep CRLF on every line sync rewrites, and every other byte', async () => {
    const { parseWrapper, renderWrapper, spliceWrapper } = await import('../../shared/wrapper.js')
    const lf = renderWrapper({
      name: 'w',
      configDir: '/c',
      claudePath: '/bin/claude',
      authVar: 'ANTHROPIC_AUTH_TOKEN',
      key: { env: 'K' },
      env: { ANTHROPIC_MODEL: 'a', KEEP: 'k' },
      source: 'glm@1.0.0 from public',
    })
    const crlf = lf.replace(/\n/g, '\r\n')
    const parsed = parseWrapper(crlf)
    expect(parsed.env).toEqual({ ANTHROPIC_MODEL: 'a', KEEP: 'k' })
    expect(spliceWrapper(parsed, parsed.env)).toBe(crlf)
    const next = spliceWrapper(parsed, { ANTHROPIC_MODEL: 'b', KEEP: 'k', NEW: 'n' }, 'glm@1.1.0 from public')
    expect(next.replace(/\r\n/g, '')).not.toContain('\n')
    expect(next).toBe(
      crlf
        .replace("ANTHROPIC_MODEL='a'", "ANTHROPIC_MODEL='b'")
        .replace("export KEEP='k'\r\n", "export KEEP='k'\r\nexport NEW='n'\r\n")
        .replace('glm@1.0.0', 'glm@1.1.0'),
    )
  })
})
