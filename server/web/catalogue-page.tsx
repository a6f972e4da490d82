import { Layout } from './layout.js'
import { matchesQuery } from './model.js'
import type { CatalogueRow } from './model.js'

const plural = (n: number) => `${n} ${n === 1 ? 'template' : 'templates'}`

/**
 * Every template, filtered by `?q=` on the server; rows that do not match are rendered `hidden`
 * rather than left out, so the inline script can widen the filter again as the user edits it.
 */
export function CataloguePage(props: { rows: CatalogueRow[]; q: string }) {
  const { rows, q } = props
  const shown = rows.filter((r) => matchesQuery(r, q)).length
  return (
    <Layout title="claude-multi registry — provider templates" description="Provider templates for Claude Code wrappers">
      <h1>Provider templates</h1>
      <p class="lead">
        Versioned base URL and role → model mappings for running Claude Code against other providers. Pick one and
        add it with <code>claude-multi add</code>; <code>claude-multi sync</code> keeps it current.
      </p>
      <form class="search" method="get" action="/" role="search">
        <label for="q">Search templates</label>
        <input id="q" name="q" type="search" value={q} placeholder="name, id, provider host…" autocomplete="off" />
        <button type="submit">Search</button>
      </form>
      <p id="count" class="count" aria-live="polite">
        {plural(shown)}
        {q.trim() ? ' match' : ''}
      </p>
      <ul class="grid" aria-label="Templates">
        {rows.map((r) => (
          <li class="card" data-search={r.search} hidden={!matchesQuery(r, q)}>
            <h2>
              <a href={`/t/${r.id}`}>{r.name}</a>
            </h2>
            <p>{r.description}</p>
            <div class="meta">
              <span class="tag" title="template id">
                {r.id}
              </span>
              {r.latest ? (
                <span class="tag v" title="latest version">
                  v{r.latest}
                </span>
              ) : null}
              {r.host ? (
                <span class="tag" title="provider base URL host">
                  {r.host}
                </span>
              ) : null}
              {r.deprecated ? (
                <span class="tag dep" title={r.deprecated}>
                  deprecated
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <p id="empty" class="notice" hidden={shown > 0}>
        {rows.length ? 'No template matches this search. ' : 'No templates are published yet. '}
        <a href="/">Show all templates</a>
      </p>
    </Layout>
  )
}
