import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { META_CSP, SCRIPT, STYLE } from './assets.js'
import { useBase, useHref } from './base.js'

export interface LayoutProps {
  title: string
  description?: string
  children?: Child
}

/** The page shell; every page is one `<main>` with exactly one `<h1>`. */
export function Layout(props: LayoutProps) {
  const href = useHref()
  return (
    <>
      {raw('<!DOCTYPE html>')}
      {/* data-base: where the script finds search.json and the template pages (build --base). */}
      <html lang="en" data-base={useBase()}>
        <head>
          <meta charset="utf-8" />
          <meta http-equiv="Content-Security-Policy" content={META_CSP} />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {props.description ? <meta name="description" content={props.description} /> : null}
          {/* An empty icon stops the browser asking for /favicon.ico, which only JSON routes answer. */}
          <link rel="icon" href="data:," />
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <header class="top">
            <div class="wrap">
              <a class="brand" href={href('/')}>
                claude-multi <span>registry</span>
              </a>
            </div>
          </header>
          <main id="content" class="wrap">
            {props.children}
          </main>
          <footer>
            <div class="wrap">
              Provider templates for Claude Code wrappers. Machine-readable:{' '}
              <a href={href('/v1/index.json')}>/v1/index.json</a> · <a href={href('/v1/schema.json')}>schema</a>
            </div>
          </footer>
          <script>{raw(SCRIPT)}</script>
        </body>
      </html>
    </>
  )
}
