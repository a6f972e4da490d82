import { useHref } from './base.js'
import { Layout } from './layout.js'
import { matchesQuery } from './model.js'
import type { CatalogueRow } from './model.js'

const plural = (n: number) => `${n} ${n === 1 ? 'template' : 'templates'}`

/** Above this many templates the page lists matches only, at most this many (a 10,000-id registry stays small). */
export const FULL_LIST_LIMIT = 300

/**
 * Every template, filtered by `?q=` on the server. In a catalogue of up to FULL_LIST_LIMIT
 * templates, rows that do not match are rendered `hidden` rather than left out, so the inline script
 * can widen the filter again as the user edits it; a larger one lists the first matches only and
 * the search box submits to the server.
 */
export function CataloguePage(props: { rows: CatalogueRow[]; q: string }) {
  const { q } = props
  const href = useHref()
  const matching = props.rows.filter((r) => matchesQuery(r, q))
  const partial = props.rows.length > FULL_LIST_LIMIT
  const rows = partial ? matching.slice(0, FULL_LIST_LIMIT) : props.rows
  const shown = matching.length
  return (
    <Layout
      title="claude-multi registry — provider templates"
      description="Provider templates for Claude Code wrappers"
    >
      <h1>Provider templates</h1>
      <p class="lead">
        Versioned base URL and role → model mappings for running Claude Code against other providers. Pick one and add
        it with <code>claude-multi add</code>; <code>claude-multi sync</code> keeps it current.
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: role=search on the form is the fallback the <search> element still needs in older browsers */}
      <form class="search" method="get" action={href('/')} role="search">
        <label for="q">Search templates</label>
        <input id="q" name="q" type="search" value={q} placeholder="name, id, provider host…" autocomplete="off" />
        <button type="submit">Search</button>
      </form>
      <p id="count" class="count" aria-live="polite" data-partial={partial ? String(props.rows.length) : undefined}>
        {plural(shown)}
        {q.trim() ? ' match' : ''}
        {partial && shown > rows.length ? `; the first ${rows.length} are listed, refine the search to see others` : ''}
      </p>
      <ul class="grid" aria-label="Templates">
        {rows.map((r) => (
          <li class="card" data-search={r.search} hidden={!matchesQuery(r, q)}>
            <h2>
              <a href={href(`/t/${r.id}`)}>{r.name}</a>
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
        <a href={href('/')}>Show all templates</a>
      </p>
    </Layout>
  )
}
