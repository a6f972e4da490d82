/** Text tables for terminals: padded by the width a cell takes on screen, not its length. */
import { stripAnsi } from './text.js'

/** Width on screen: colour codes take no room, wide (CJK, emoji) characters take two cells. */
export function visibleWidth(text: string): number {
  let width = 0
  for (const ch of stripAnsi(text)) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue
    width += isWide(cp) ? 2 : 1
  }
  return width
}

const isWide = (cp: number) =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  (cp >= 0x2e80 && cp <= 0xa4cf) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe4f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x1f300 && cp <= 0x1faff) ||
  (cp >= 0x20000 && cp <= 0x3fffd)

export const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleWidth(text)))

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function formatTable(rows: string[][], opts: { indent?: string } = {}): string {
  const widths: number[] = []
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))
  return rows
    .map(
      (row) =>
        (opts.indent ?? '') +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : padEnd(cell, widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n')
}
