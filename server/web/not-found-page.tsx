import { useHref } from './base.js'
import { Layout } from './layout.js'

export function NotFoundPage(props: { id: string }) {
  const href = useHref()
  return (
    <Layout title="Template not found — claude-multi registry">
      <h1>Template not found</h1>
      <p class="lead">
        {props.id ? (
          <>
            There is no template <code>{props.id}</code> in this registry.
          </>
        ) : (
          'That is not a template id this registry knows.'
        )}
      </p>
      <p>
        <a href={href('/')}>Browse all templates</a>
      </p>
    </Layout>
  )
}
