import { describe, expect, it } from 'vitest'
import { formatTable, visibleWidth } from '../../shared/table.js'

describe('formatTable', () => {
  it('pads by visible width, ignoring colour codes and counting wide characters twice', () => {
    expect(visibleWidth('\x1b[32mabc\x1b[39m')).toBe(3)
    expect(visibleWidth('模型')).toBe(4)
    const table = formatTable([
      ['Instance', 'Current'],
      ['\x1b[1mwork\x1b[22m', '1.5.0'],
      ['模型', '2.0.0'],
    ])
    expect(table.replace(/\x1b\[[0-9;]*m/g, '')).toBe(
      ['Instance  Current', 'work      1.5.0', '模型      2.0.0'].join('\n'),
    )
  })

  it('never leaves trailing spaces and indents every row', () => {
    expect(
      formatTable(
        [
          ['a', ''],
          ['bbb', 'c'],
        ],
        { indent: '  ' },
      ),
    ).toBe('  a\n  bbb  c')
  })
})
