/**
 * Where the pages live. `serve` answers at the domain root (`/`); a static build for a GitHub Pages
 * project site lives under `/<repo>/` (`build --base /<repo>/`, as Vite and Docusaurus call it), so
 * every link, form and script fetch the pages make starts with the base instead of `/`. The routes
 * themselves do not move: the static build asks the app for `/t/glm` and writes it under the tree.
 */
import { createContext, useContext } from 'hono/jsx'
import { UsageError } from '../../shared/errors.js'

export const BasePath = createContext('/')

/** A site path (`/t/glm`) under the base of the page being rendered: `/my-repo/t/glm`. */
export function useHref(): (path: string) => string {
  const base = useContext(BasePath)
  return (path) => base + path.replace(/^\/+/, '')
}

export const useBase = (): string => useContext(BasePath)

/** URL path segments a repository or folder name uses; nothing to escape, nothing to resolve. */
const SEGMENT_RE = /^[A-Za-z0-9._~-]{1,100}$/

/**
 * `--base`: `/my-repo/`, `/my-repo` or `my-repo/a` → `/my-repo/`, `/my-repo/a/`; `/` or '' → `/`.
 * The value lands in every page's links, so only plain segments are taken.
 */
export function normalizeBase(input: string): string {
  const segments = input.split('/').filter(Boolean)
  const bad = segments.some((s) => !SEGMENT_RE.test(s) || s === '.' || s === '..')
  // `a//b` would be a different path on most hosts: refused rather than collapsed.
  if (bad || input.length > 300 || input.replace(/^\/+|\/+$/g, '').includes('//'))
    throw new UsageError(
      `--base ${JSON.stringify(input.slice(0, 120))} is not a URL path of plain segments`,
      'e.g. --base /my-repo/ (letters, digits, "-", "_", "~" and "." between slashes, no "..")',
    )
  return segments.length ? `/${segments.join('/')}/` : '/'
}
