import { describe, expect, it } from 'vitest'
import { compareEnv, dateOf, envOf, hostOf, matchesQuery, safeHref, suggestedName } from '../../server/web/model.js'
import { DOCS } from '../helpers/web.js'

describe('web view model', () => {
  it('links only http(s) URLs and shows hosts of parsable ones only', () => {
    expect(safeHref('javascript:alert(1)')).toBeUndefined()
    expect(safeHref('data:text/html,x')).toBeUndefined()
    expect(safeHref('https://z.ai')).toBe('https://z.ai/')
    expect(hostOf('https://api.z.ai:8443/x')).toBe('api.z.ai:8443')
    expect(hostOf('not a url')).toBeUndefined()
  })

  it('compares per variable in the newer order, then removed ones', () => {
    const changes = compareEnv({ A: '1', B: '2', GONE: 'x' }, { B: '3', A: '1', NEW: 'y' })
    expect(changes.map((c) => [c.key, c.before, c.after, c.changed])).toEqual([
      ['B', '2', '3', true],
      ['A', '1', '1', false],
      ['NEW', undefined, 'y', true],
      ['GONE', 'x', undefined, true],
    ])
    expect(compareEnv({ ANTHROPIC_DEFAULT_OPUS_MODEL: 'a' }, { ANTHROPIC_DEFAULT_OPUS_MODEL: 'b' })[0]!.role).toBe(
      'opus',
    )
  })

  it('resolves env like the wrapper would, keeping unset inputs as placeholders', () => {
    const glm = envOf(DOCS.find((d) => d.id === 'glm' && d.version === '2.1.0')!)
    expect(Object.keys(glm).slice(0, 2)).toEqual(['ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'])
    expect(glm.ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('glm-5.1')
    expect(envOf(DOCS.find((d) => d.id === 'router')!).ANTHROPIC_MODEL).toBe('{{model}}')
  })

  it('matches every search term, case-insensitively', () => {
    const row = { id: 'glm', name: 'Z.ai GLM', description: '', search: 'glm z.ai glm api.z.ai' }
    expect(matchesQuery(row, '  GLM   z.ai ')).toBe(true)
    expect(matchesQuery(row, 'glm kimi')).toBe(false)
    expect(matchesQuery(row, '')).toBe(true)
  })

  it('formats dates and suggests instance names', () => {
    expect(dateOf('2026-03-27T00:00:00.000Z')).toBe('2026-03-27')
    expect(dateOf('yesterday')).toBe('yesterday')
    expect(suggestedName('@acme/gw')).toBe('gw')
  })
})
