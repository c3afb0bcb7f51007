// The Hono app: routes under /api (token-protected except /api/health) and the one error funnel.
import { Hono } from 'hono'
import type { AppEnv } from './app-env'
import { requireAdmin, requireToken } from './auth'
import { renderError, renderNotFound } from './errors'
import { healthRoutes } from './routes/health'
import { feedRoutes, opmlExportRoute } from './routes/feeds'
import { articleRoutes } from './routes/articles'
import { alertRoutes, alertsAtomRoute } from './routes/alerts'
import { changeRoutes, changesAtomRoute } from './routes/changes'
import { pageRoutes } from './routes/pages'
import { storyRoutes } from './routes/stories'
import { webhookRoutes } from './routes/webhooks'
import { digestRoutes, unsubscribeRoutes } from './routes/digests'

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.route('/api/health', healthRoutes)
  app.use('/api/*', async (c, next) => {
    if (new URL(c.req.url).pathname === '/api/health') return next()
    return requireToken(c, next)
  })
  app.route('/api/feeds.opml', opmlExportRoute)
  app.route('/api/feeds', feedRoutes)
  app.route('/api/articles', articleRoutes)
  app.route('/api/alerts', alertRoutes)
  app.route('/api/changes', changeRoutes)
  app.route('/api/stories', storyRoutes)
  app.use('/api/webhooks/*', requireAdmin)
  app.use('/api/webhooks', requireAdmin)
  app.use('/api/digests/*', requireAdmin)
  app.use('/api/digests', requireAdmin)
  app.route('/api/webhooks', webhookRoutes)
  app.route('/api/digests', digestRoutes)
  app.route('/changes.atom', changesAtomRoute)
  // Public: the signed token in the link is the authority, so a recipient unsubscribes without the API token.
  app.route('/digests/unsubscribe', unsubscribeRoutes)
  app.route('/alerts.atom', alertsAtomRoute)
  app.route('/', pageRoutes)
  app.onError(renderError)
  app.notFound(renderNotFound)
  return app
}
