// /api/alerts: newest-first listing with type and time filters, and one alert by id.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { toAlertDto } from '../dto'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { requireReader } from '../reader-auth'
import { buildAtom } from '../../delivery/atom-feed'
import type { Alert } from '../../model/alert'
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

const atomSchema = z.strictObject({
  type: z.enum(['revision', 'follow_up', 'removed']).optional(),
  story: z.string().regex(/^[0-9a-z-]{1,64}$/, 'a story id').optional(),
  token: z.string().max(500).optional(),
})

/** One entry's summary: the diff of a revision, the explanation of a follow-up, the status of a removal. */
function atomSummary(alert: Alert): string {
  const lines = [alert.summary]
  for (const change of alert.changes ?? []) {
    const ops = change.ops ?? []
    const diff = ops.length
      ? ops.map((o) => (o.op === 'insert' ? `[+${o.text}+]` : o.op === 'delete' ? `[-${o.text}-]` : o.text)).join('')
      : `${change.before} → ${change.after}`
    lines.push(`${change.field}: ${diff.slice(0, 2000)}`)
  }
  if (alert.explanation) {
    const e = alert.explanation
    lines.push(`Why: ${[...e.phrases, ...e.terms, ...e.entities].join(', ')}`)
  }
  if (alert.alsoReportedBy?.length) lines.push(`Also reported by: ${alert.alsoReportedBy.map((m) => m.url).join(', ')}`)
  return lines.join('\n')
}

/** GET /alerts.atom: every alert its own entry (its id is the alert's id), for feed readers (token as ?token=). */
export const alertsAtomRoute = new Hono<AppEnv>()
  .get('/', requireReader, validate('query', atomSchema), async (c) => {
    const q = c.req.valid('query')
    const page = await new AlertStore(c.env.STORE).list({ limit: MAX_PAGE_SIZE, kvCursor: null, type: q.type ?? null, since: null, storyId: q.story ?? null })
    const base = c.env.PUBLIC_BASE_URL.trim().replace(/\/+$/, '') || new URL(c.req.url).origin
    const xml = buildAtom({
      id: `${base}/alerts.atom${q.type ? `?type=${q.type}` : ''}${q.story ? `${q.type ? '&' : '?'}story=${q.story}` : ''}`,
      title: `Storywatch alerts${q.type ? `: ${q.type}` : ''}${q.story ? ` (${q.story})` : ''}`,
      selfLink: `${base}/alerts.atom`,
      alternateLink: `${base}/`,
      updated: page.alerts[0]?.createdAt ?? new Date(0).toISOString(),
      entries: page.alerts.map((a) => ({
        id: `urn:storywatch:alert:${a.id}`,
        title: `${a.type === 'follow_up' ? `Follow-up${a.storyTitle ? ` (${a.storyTitle})` : ''}` : a.type === 'removed' ? 'Removed' : `Revision${a.classification ? ` (${a.classification})` : ''}`}: ${a.title}`,
        link: a.type === 'follow_up' || !a.articleId ? a.url : `${base}/articles/${a.articleId}`,
        updated: a.createdAt,
        summary: atomSummary(a),
        categories: [a.type],
      })),
    })
    return c.body(xml, 200, { 'content-type': 'application/atom+xml; charset=utf-8' })
  })
  .all('/', methodNotAllowed('GET'))
