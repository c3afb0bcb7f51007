// The login form of the history pages, and the plain message page used for every page error.
import type { FC } from 'hono/jsx'
import { Layout } from './layout'

/** The token form; `next` is the page to return to (already checked to be a local path). */
export const LoginPage: FC<{ next: string; failed: boolean }> = ({ next, failed }) => (
  <Layout title="Log in" ctx={null}>
    <h1>Storywatch history</h1>
    <p>These pages need the Storywatch API token.</p>
    {failed && <p class="error">That token is not valid.</p>}
    <form class="login" method="post" action="/login">
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required />
      <input type="hidden" name="next" value={next} />
      <button type="submit">Log in</button>
    </form>
  </Layout>
)

/** An error or notice as a page: a heading and one sentence. */
export const MessagePage: FC<{ title: string; message: string }> = ({ title, message }) => (
  <Layout title={title} ctx={null}>
    <h1>{title}</h1>
    <p>{message}</p>
    <p class="meta">
      <a href="/">Recent changes</a>
    </p>
  </Layout>
)
