// The public unsubscribe pages of email digests: confirm (a one-button form), done, or a bad link.
import type { FC } from 'hono/jsx'
import { Layout } from './layout'

/**
 * Asks before unsubscribing: mail scanners follow every link in an email with GET, so the GET only shows this form and
 * the POST (or a mail client's RFC 8058 one-click POST) unsubscribes.
 */
export const UnsubscribeConfirmPage: FC<{ email: string; schedule: string; token: string }> = ({ email, schedule, token }) => (
  <Layout title="Unsubscribe" ctx={null}>
    <h1>Unsubscribe from Storywatch digests</h1>
    <p>
      Stop sending the {schedule} Storywatch digest to <strong>{email}</strong>?
    </p>
    <form method="post" action="/digests/unsubscribe">
      <input type="hidden" name="token" value={token} />
      <button type="submit">Unsubscribe</button>
    </form>
  </Layout>
)

/** A notice (unsubscribed, already unsubscribed, not a valid link). */
export const UnsubscribeMessagePage: FC<{ title: string; message: string }> = ({ title, message }) => (
  <Layout title={title} ctx={null}>
    <h1>{title}</h1>
    <p>{message}</p>
  </Layout>
)
