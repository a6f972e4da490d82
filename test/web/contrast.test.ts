import { describe, expect, it } from 'vitest'
import { STYLE } from '../../server/web/assets.js'

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

/** The custom properties of the light theme (`:root{…}`) and of the dark one (inside the media query). */
function themes(): Record<string, string>[] {
  const blocks = [...STYLE.matchAll(/:root\{([^}]*)\}/g)].map((m) => m[1]!)
  const full = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex)
  return blocks.map((block) =>
    Object.fromEntries(
      [...block.matchAll(/--([\w-]+):(#[0-9a-f]{6}|#[0-9a-f]{3})\b/gi)].map((m) => [m[1]!, full(m[2]!)]),
    ),
  )
}

// Text colour on the background it is drawn on, as the stylesheet pairs them.
const PAIRS = [
  ['fg', 'bg'],
  ['fg', 'card'],
  ['muted', 'bg'],
  ['muted', 'card'],
  ['muted', 'code'],
  ['fg', 'code'],
  ['accent', 'bg'],
  ['accent', 'card'],
  ['accent', 'accent-bg'],
  ['bg', 'accent'],
  ['warn', 'warn-bg'],
  ['add', 'add-bg'],
  ['del', 'del-bg'],
] as const

describe('colour contrast', () => {
  it('meets WCAG AA (4.5:1) for every text/background pair in light and dark mode', () => {
    const [light, dark] = themes()
    expect(Object.keys(light ?? {}).length).toBeGreaterThan(10)
    expect(Object.keys(dark ?? {}).length).toBeGreaterThan(10)
    for (const theme of [light!, dark!]) {
      for (const [text, background] of PAIRS) {
        const ratio = contrast(theme[text]!, theme[background]!)
        expect(ratio, `${text} on ${background}`).toBeGreaterThanOrEqual(4.5)
      }
    }
  })
})
