// The page shell shared by every history page: head, inline stylesheet, site header.
import type { Child, FC } from 'hono/jsx'
import { PAGE_CSS } from './page-style'
import { pageHref, type PageContext } from './page-links'

/** Wraps a page body in the document; `title` is text (escaped like every child). */
export const Layout: FC<{ title: string; ctx: PageContext | null; children?: Child }> = ({ title, ctx, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · Storywatch`}</title>
      <style>{PAGE_CSS}</style>
    </head>
    <body>
      <header class="site">
        <a class="brand" href={ctx ? pageHref(ctx, '/') : '/'}>
          Storywatch
        </a>
        {ctx && (
          <nav>
            <a href={pageHref(ctx, '/')}>Recent changes</a>
            {' · '}
            <a href={pageHref(ctx, '/stories')}>Stories</a>
          </nav>
        )}
        {ctx?.cookieLogin && (
          <form method="post" action="/logout">
            <button type="submit">Log out</button>
          </form>
        )}
      </header>
      <main>{children}</main>
    </body>
  </html>
)

/** "2030-01-07 09:05 UTC" inside a <time> element. */
export const Time: FC<{ iso: string }> = ({ iso }) => {
  const d = new Date(iso)
  const text = Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  return <time datetime={iso}>{text}</time>
}
