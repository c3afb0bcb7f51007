// /api/digests (subscribe, list, read, delete, preview) and the public /digests/unsubscribe link of every digest.
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { currentStories } from '../story-lookup'
import { pageCsp } from '../views/page-style'
import { UnsubscribeConfirmPage, UnsubscribeMessagePage } from '../views/unsubscribe-page'
import { DigestStore, SUBSCRIPTION_ID_PATTERN, type DigestState, type DigestSubscription } from '../../delivery/digest-store'
import { DEFAULT_DAILY_HOUR_UTC, nextDigestAt } from '../../delivery/digest-schedule'
import { readDigestSettings } from '../../delivery/digest-settings'
import { verifyUnsubscribeToken } from '../../delivery/unsubscribe-token'
import { AlertStore } from '../../alerts/alert-store'
import { StoryStore } from '../../stories/story-store'
import { previewDigest, type DigestDeps } from '../../pipeline/send-digests'

/** Subscription bodies are tiny. */
const MAX_BODY_BYTES = 8 * 1024
/** Every hourly run reads each subscription: a newsroom's desks, not a mailing list. */
const MAX_SUBSCRIPTIONS = 100
/** RFC 5321 §4.5.3.1.3: a path (address) is at most 256 octets including the angle brackets. */
const MAX_EMAIL_CHARS = 254

const createSchema = z
  .strictObject({
    email: z.email('a valid email address').max(MAX_EMAIL_CHARS),
    schedule: z.enum(['hourly', 'daily']),
    hourUtc: z.number().int().min(0).max(23).optional(),
    storyIds: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    types: z.array(z.enum(['revision', 'follow_up', 'removed'])).min(1).max(3).optional(),
  })
  .refine((b) => b.schedule === 'daily' || b.hourUtc === undefined, { message: 'only a daily digest has an hour', path: ['hourUtc'] })

const previewSchema = z.strictObject({ format: z.enum(['json', 'eml']).optional() })

const tooLarge = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`)
  },
})

function newSubscriptionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return `ds_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

function toDigestDto(sub: DigestSubscription, state: DigestState | null, nowMs: number) {
  const last = state?.lastDigest ?? null
  return {
    id: sub.id,
    email: sub.email,
    schedule: sub.schedule,
    hourUtc: sub.hourUtc,
    storyIds: [...sub.storyIds],
    types: [...sub.types],
    createdAt: sub.createdAt,
    nextDigestAt: new Date(nextDigestAt(sub, nowMs)).toISOString(),
    delivery: {
      watermark: state?.watermark ?? sub.createdAt,
      lastSentAt: state?.lastSentAt ?? null,
      sentCount: state?.sentCount ?? 0,
      errorCount: state?.errorCount ?? 0,
      lastError: state?.lastError ?? null,
      lastDigest: last && { id: last.id, period: last.period, status: last.status, alertCount: last.alertCount, subject: last.subject, at: last.at, error: last.error },
    },
  }
}

async function findSubscription(store: DigestStore, id: string): Promise<DigestSubscription> {
  const sub = SUBSCRIPTION_ID_PATTERN.test(id) ? await store.getSubscription(id) : null
  if (!sub) throw new ApiError(404, 'digest_not_found', `no digest subscription with id ${id}`)
  return sub
}

function digestDeps(env: Env, baseUrl: string): DigestDeps {
  const settings = readDigestSettings(env)
  return {
    digests: new DigestStore(env.STORE),
    alerts: new AlertStore(env.STORE),
    stories: new StoryStore(env.STORE),
    settings: { from: settings.from, baseUrl: settings.publicBaseUrl ?? baseUrl, apiToken: settings.apiToken },
  }
}

export const digestRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const store = new DigestStore(c.env.STORE)
    const subs = await store.listSubscriptions()
    const states = await Promise.all(subs.map((s) => store.getState(s.id)))
    const now = Date.now()
    return c.json({ items: subs.map((s, i) => toDigestDto(s, states[i] ?? null, now)) })
  })
  .post('/', tooLarge, validate('json', createSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new DigestStore(c.env.STORE)
    const storyIds = [...new Set(body.storyIds ?? [])]
    if (storyIds.length > 0) {
      const known = new Set((await currentStories(c.env, new StoryStore(c.env.STORE))).map((s) => s.id))
      const unknown = storyIds.filter((id) => !known.has(id))
      if (unknown.length > 0) throw new ApiError(400, 'unknown_story', `storyIds: no tracked story with id ${unknown.join(', ')}`)
    }
    const existing = await store.listSubscriptions()
    if (existing.length >= MAX_SUBSCRIPTIONS) throw new ApiError(409, 'too_many_digests', `digests: at most ${MAX_SUBSCRIPTIONS} subscriptions`)
    const email = body.email.trim()
    const duplicate = existing.find((s) => s.email.toLowerCase() === email.toLowerCase() && s.schedule === body.schedule)
    if (duplicate) throw new ApiError(409, 'duplicate_digest', `${email} already receives the ${body.schedule} digest (subscription ${duplicate.id})`)
    const sub: DigestSubscription = {
      id: newSubscriptionId(),
      email,
      schedule: body.schedule,
      hourUtc: body.schedule === 'daily' ? (body.hourUtc ?? DEFAULT_DAILY_HOUR_UTC) : null,
      storyIds,
      types: [...new Set(body.types ?? [])],
      createdAt: new Date().toISOString(),
    }
    await store.putSubscription(sub)
    return c.json(toDigestDto(sub, null, Date.now()), 201)
  })
  .get('/:id', async (c) => {
    const store = new DigestStore(c.env.STORE)
    const sub = await findSubscription(store, c.req.param('id'))
    return c.json(toDigestDto(sub, await store.getState(sub.id), Date.now()))
  })
  .delete('/:id', async (c) => {
    const store = new DigestStore(c.env.STORE)
    const sub = await findSubscription(store, c.req.param('id'))
    await store.deleteSubscription(sub.id)
    return c.body(null, 204)
  })
  .get('/:id/preview', validate('query', previewSchema), async (c) => {
    const format = c.req.valid('query').format ?? 'json'
    const deps = digestDeps(c.env, new URL(c.req.url).origin)
    const sub = await findSubscription(deps.digests, c.req.param('id'))
    const digest = await previewDigest(deps, sub, Date.now())
    if (!digest) throw new ApiError(404, 'digest_empty', `no alerts for subscription ${sub.id} since its last digest: the next digest is not sent unless there are`)
    if (format === 'eml') {
      return c.body(digest.raw, 200, { 'content-type': 'message/rfc822', 'content-disposition': `inline; filename="${digest.model.id}.eml"` })
    }
    return c.json({
      id: digest.model.id,
      subject: digest.rendered.subject,
      text: digest.rendered.text,
      html: digest.rendered.html,
      window: digest.model.window,
      counts: digest.model.counts,
    })
  })
  .all('/', methodNotAllowed('GET, POST'))
  .all('/:id', methodNotAllowed('GET, DELETE'))
  .all('/:id/preview', methodNotAllowed('GET'))

const secure = secureHeaders({ xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: true })

async function page(c: Context<AppEnv>, node: ReturnType<typeof UnsubscribeMessagePage>, status: ContentfulStatusCode = 200): Promise<Response> {
  const res = await c.html(`<!DOCTYPE html>${await node}`, status)
  res.headers.set('content-security-policy', await pageCsp())
  res.headers.set('cache-control', 'private, no-store')
  return res
}

const badLink = (c: Context<AppEnv>) =>
  page(c, UnsubscribeMessagePage({ title: 'Not a valid unsubscribe link', message: 'This unsubscribe link is not valid. Use the link from a recent digest.' }), 400)

/** The token of an unsubscribe request: `?token=` (links, RFC 8058 one-click POSTs) or the confirm form's field. */
async function tokenOf(c: Context<AppEnv>): Promise<string> {
  const query = c.req.query('token')
  if (query) return query
  if (c.req.method !== 'POST') return ''
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
  return typeof form.token === 'string' ? form.token : ''
}

/** GET /digests/unsubscribe?token=: confirm; POST: unsubscribe. No login: the signed token is the authority. */
export const unsubscribeRoutes = new Hono<AppEnv>()
  .use('*', secure)
  .get('/', async (c) => {
    const token = await tokenOf(c)
    const id = await verifyUnsubscribeToken(token, c.env.API_TOKEN)
    if (!id) return badLink(c)
    const sub = await new DigestStore(c.env.STORE).getSubscription(id)
    if (!sub) return page(c, UnsubscribeMessagePage({ title: 'Already unsubscribed', message: 'This address no longer receives this Storywatch digest.' }))
    return page(c, UnsubscribeConfirmPage({ email: sub.email, schedule: sub.schedule, token }))
  })
  .post('/', bodyLimit({ maxSize: 4096, onError: (c) => badLink(c as Context<AppEnv>) }), async (c) => {
    const id = await verifyUnsubscribeToken(await tokenOf(c), c.env.API_TOKEN)
    if (!id) return badLink(c)
    const store = new DigestStore(c.env.STORE)
    const sub = await store.getSubscription(id)
    if (sub) await store.deleteSubscription(id)
    const message = sub ? `${sub.email} will receive no more ${sub.schedule} Storywatch digests.` : 'This address no longer receives this Storywatch digest.'
    return page(c, UnsubscribeMessagePage({ title: sub ? 'Unsubscribed' : 'Already unsubscribed', message }))
  })
  .all('/', (c) => {
    c.header('allow', 'GET, HEAD, POST')
    return page(c, UnsubscribeMessagePage({ title: 'Method not allowed', message: `${c.req.method} is not allowed here.` }), 405)
  })
