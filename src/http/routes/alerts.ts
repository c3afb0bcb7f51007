// /api/alerts: newest-first listing with type and time filters, and one alert by id.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { toAlertDto } from '../dto'
import { DEFAULT_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { AlertStore } from '../../alerts/alert-store'

const listSchema = z.strictObject({
  ...pageQuery,
  type: z.enum(['revision', 'follow_up', 'removed']).optional(),
  story: z.string().regex(/^[0-9a-z-]{1,64}$/, 'a story id').optional(),
  since: z.iso.datetime({ offset: true }).optional(),
})

export const alertRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listSchema), async (c) => {
    const q = c.req.valid('query')
    const kvCursor = await readCursor(q.cursor, 'alerts', c.env.API_TOKEN)
    const page = await new AlertStore(c.env.STORE).list({
      limit: q.limit ?? DEFAULT_PAGE_SIZE,
      kvCursor,
      type: q.type ?? null,
      since: q.since ? new Date(q.since).toISOString() : null,
      storyId: q.story ?? null,
    })
    return c.json({ items: page.alerts.map(toAlertDto), nextCursor: await makeCursor(page.nextKvCursor, 'alerts', c.env.API_TOKEN) })
  })
  .get('/:id', async (c) => {
    const id = c.req.param('id')
    const alert = /^[a-z]{3}_[0-9a-f]{24}$/.test(id) ? await new AlertStore(c.env.STORE).get(id) : null
    if (!alert) throw new ApiError(404, 'alert_not_found', `no alert with id ${id}`)
    return c.json(toAlertDto(alert))
  })
  .all('/', methodNotAllowed('GET'))
  .all('/:id', methodNotAllowed('GET'))
