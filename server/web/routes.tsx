import { Hono } from 'hono'
import type { RegistryIndex, Template } from '../../shared/types.js'

export interface WebDeps {
  getIndex(): Promise<RegistryIndex>
  getVersion(id: string, version: string): Promise<Template | null>
}

/** The HTML catalogue (`/`, `/t/<id>`), mounted by the server app with `app.route('/', ...)`. */
export function createWebRoutes(deps: WebDeps): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const index = await deps.getIndex()
    return c.html(
      <html lang="en">
        <body>
          <h1>claude-multi templates</h1>
          <ul>
            {Object.values(index.templates).map((t) => (
              <li>
                <a href={`/t/${t.id}`}>{t.name}</a>
              </li>
            ))}
          </ul>
        </body>
      </html>,
    )
  })
  return app
}
