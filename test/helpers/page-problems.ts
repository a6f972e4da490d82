import type { Page } from 'playwright-core'

/**
 * Records what must never happen on our pages: a dialog (an injected `alert`), a script error, or a
 * console error (a CSP refusal is one). A 404 console line is the browser's own report of a missing
 * resource, which the tests check separately. Dialogs are dismissed so the page does not hang.
 */
export function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/404/.test(m.text())) problems.push(`console: ${m.text()}`)
  })
  return problems
}
