// /api/webhooks: register, list, change, delete, rotate the secret, list deliveries, replay one, send a test event.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { DEFAULT_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { checkOutboundUrl } from '../../net/url-guard'
import { readSettings } from '../../config/settings'
import { createDeps } from '../../pipeline/deps'
import { replayDelivery, sendTestEvent } from '../../pipeline/deliver-webhooks'
import { WebhookStore } from '../../delivery/webhook-store'
import { generateSecret } from '../../delivery/sign-webhook'
import { ROTATION_WINDOW_MS } from '../../delivery/dispatch-deliveries'
import { toHex } from '../../core/hash'
import type { DeliveryRecord, DeliveryStatus, WebhookEndpoint, WebhookFormat } from '../../delivery/webhook-model'
import type { AlertType } from '../../model/alert'

/** Webhook bodies are tiny. */
const MAX_BODY_BYTES = 16 * 1024
/** Every tick reads the whole registry: a newsroom's integrations, not a fan-out service. */
const MAX_WEBHOOKS = 50
const WEBHOOK_ID = /^wh_[0-9a-f]{16}$/
const DELIVERY_ID = /^msg_[0-9a-f]{24}$/

const alertTypes = z.enum(['revision', 'follow_up', 'removed'])
const filterFields = {
  types: z.array(alertTypes).min(1).max(3),
  storyIds: z.array(z.string().regex(/^[0-9a-z-]{1,64}$/, 'a story id')).min(1).max(100),
  feedIds: z.array(z.string().regex(/^[0-9a-z-]{1,64}$/, 'a feed id')).min(1).max(500),
  minSignificance: z.number().min(0).max(1),
}

const createSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  types: filterFields.types.optional(),
  storyIds: filterFields.storyIds.optional(),
  feedIds: filterFields.feedIds.optional(),
  format: z.enum(['standard', 'slack']).optional(),
  minSignificance: filterFields.minSignificance.optional(),
})

const patchSchema = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    // null clears a filter ("all").
    types: filterFields.types.nullable().optional(),
    storyIds: filterFields.storyIds.nullable().optional(),
    feedIds: filterFields.feedIds.nullable().optional(),
    format: z.enum(['standard', 'slack']).optional(),
    minSignificance: filterFields.minSignificance.nullable().optional(),
    /** true re-enables a disabled endpoint (and forgets its failing streak); false pauses it. */
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' })

const deliveriesQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
})

/** The API view of an endpoint (version 1): everything but the secrets. */
export interface WebhookDto {
  id: string
  url: string
  format: WebhookFormat
  types: AlertType[] | null
  storyIds: string[] | null
  feedIds: string[] | null
  minSignificance: number | null
  enabled: boolean
  disabledReason: string | null
  disabledAt: string | null
  failingSince: string | null
  /** While a rotation window lasts, the old secret still signs (until this time). */
  previousSecretExpiresAt: string | null
  createdAt: string
  updatedAt: string
}

export interface DeliveryDto {
  id: string
  webhookId: string
  alertId: string
  type: string
  status: DeliveryStatus
  createdAt: string
  nextAttemptAt: string | null
  failureReason: string | null
  attempts: { at: string; statusCode: number | null; latencyMs: number; error: string | null }[]
}

function toWebhookDto(e: WebhookEndpoint, nowMs: number): WebhookDto {
  const previous = e.previousSecret && Date.parse(e.previousSecret.expiresAt) > nowMs ? e.previousSecret.expiresAt : null
  return {
    id: e.id,
    url: e.url,
    format: e.format,
    types: e.types,
    storyIds: e.storyIds,
    feedIds: e.feedIds,
    minSignificance: e.minSignificance,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt,
    failingSince: e.failingSince,
    previousSecretExpiresAt: previous,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  }
}

function toDeliveryDto(r: DeliveryRecord): DeliveryDto {
  return {
    id: r.id,
    webhookId: r.endpointId,
    alertId: r.alertId,
    type: r.eventType,
    status: r.status,
    createdAt: r.createdAt,
    nextAttemptAt: r.nextAttemptAt,
    failureReason: r.failureReason,
    attempts: r.attempts.map((a) => ({ at: a.at, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
  }
}

const tooLarge = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`)
  },
})

/** The same guard as feeds: http(s), no credentials, no private or loopback hosts (unless ALLOW_LOOPBACK_FEEDS). */
function guardUrl(env: Env, url: string): string {
  const check = checkOutboundUrl(url, { allowLoopback: readSettings(env).allowLoopback })
  if (!check.ok) throw new ApiError(400, check.code, check.message)
  return check.url.href
}

async function findWebhook(store: WebhookStore, id: string): Promise<{ endpoints: WebhookEndpoint[]; endpoint: WebhookEndpoint }> {
  const endpoints = WEBHOOK_ID.test(id) ? await store.listEndpoints() : []
  const endpoint = endpoints.find((e) => e.id === id)
  if (!endpoint) throw new ApiError(404, 'webhook_not_found', `no webhook with id ${id}`)
  return { endpoints, endpoint }
}

async function findDelivery(store: WebhookStore, endpoint: WebhookEndpoint, deliveryId: string): Promise<DeliveryRecord> {
  const record = DELIVERY_ID.test(deliveryId) ? await store.getDelivery(deliveryId) : null
  if (!record || record.endpointId !== endpoint.id) throw new ApiError(404, 'delivery_not_found', `no delivery ${deliveryId} for webhook ${endpoint.id}`)
  return record
}

export const webhookRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const now = Date.now()
    const endpoints = await new WebhookStore(c.env.STORE).listEndpoints()
    return c.json({ items: endpoints.map((e) => toWebhookDto(e, now)) })
  })
  .post('/', tooLarge, validate('json', createSchema), async (c) => {
    const body = c.req.valid('json')
    const url = guardUrl(c.env, body.url)
    const store = new WebhookStore(c.env.STORE)
    const endpoints = await store.listEndpoints()
    if (endpoints.length >= MAX_WEBHOOKS) throw new ApiError(409, 'too_many_webhooks', `at most ${MAX_WEBHOOKS} webhooks can be registered`)
    const nowIso = new Date().toISOString()
    const endpoint: WebhookEndpoint = {
      id: `wh_${toHex(crypto.getRandomValues(new Uint8Array(8)))}`,
      url,
      format: body.format ?? 'standard',
      types: body.types ? [...new Set(body.types)] : null,
      storyIds: body.storyIds ? [...new Set(body.storyIds)] : null,
      feedIds: body.feedIds ? [...new Set(body.feedIds)] : null,
      minSignificance: body.minSignificance ?? null,
      secret: generateSecret(),
      previousSecret: null,
      createdAt: nowIso,
      updatedAt: nowIso,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
    }
    await store.saveEndpoints([...endpoints, endpoint])
    // The only response that carries the secret (with rotate-secret's).
    return c.json({ ...toWebhookDto(endpoint, Date.now()), secret: endpoint.secret }, 201)
  })
  .get('/:id', async (c) => {
    const { endpoint } = await findWebhook(new WebhookStore(c.env.STORE), c.req.param('id'))
    return c.json(toWebhookDto(endpoint, Date.now()))
  })
  .patch('/:id', tooLarge, validate('json', patchSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new WebhookStore(c.env.STORE)
    const { endpoints, endpoint } = await findWebhook(store, c.req.param('id'))
    const nowIso = new Date().toISOString()
    const updated: WebhookEndpoint = {
      ...endpoint,
      ...(body.url !== undefined ? { url: guardUrl(c.env, body.url) } : {}),
      ...(body.types !== undefined ? { types: body.types && [...new Set(body.types)] } : {}),
      ...(body.storyIds !== undefined ? { storyIds: body.storyIds && [...new Set(body.storyIds)] } : {}),
      ...(body.feedIds !== undefined ? { feedIds: body.feedIds && [...new Set(body.feedIds)] } : {}),
      ...(body.format !== undefined ? { format: body.format } : {}),
      ...(body.minSignificance !== undefined ? { minSignificance: body.minSignificance } : {}),
      ...(body.enabled === true && !endpoint.enabled ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null } : {}),
      ...(body.enabled === false && endpoint.enabled ? { enabled: false, disabledReason: 'webhooks: disabled by request', disabledAt: nowIso } : {}),
      updatedAt: nowIso,
    }
    await store.saveEndpoints(endpoints.map((e) => (e.id === endpoint.id ? updated : e)))
    return c.json(toWebhookDto(updated, Date.now()))
  })
  .delete('/:id', async (c) => {
    const store = new WebhookStore(c.env.STORE)
    const { endpoints, endpoint } = await findWebhook(store, c.req.param('id'))
    // Its deliveries expire with their TTL; outbox keys of a deleted endpoint are dropped by the next drain.
    await store.saveEndpoints(endpoints.filter((e) => e.id !== endpoint.id))
    return c.body(null, 204)
  })
  .post('/:id/rotate-secret', async (c) => {
    const store = new WebhookStore(c.env.STORE)
    const { endpoints, endpoint } = await findWebhook(store, c.req.param('id'))
    const now = Date.now()
    const updated: WebhookEndpoint = {
      ...endpoint,
      secret: generateSecret(),
      // Receivers get both signatures for a day, so they can switch to the new secret without missing a request.
      previousSecret: { secret: endpoint.secret, expiresAt: new Date(now + ROTATION_WINDOW_MS).toISOString() },
      updatedAt: new Date(now).toISOString(),
    }
    await store.saveEndpoints(endpoints.map((e) => (e.id === endpoint.id ? updated : e)))
    return c.json({ ...toWebhookDto(updated, now), secret: updated.secret })
  })
  .get('/:id/deliveries', validate('query', deliveriesQuery), async (c) => {
    const q = c.req.valid('query')
    const store = new WebhookStore(c.env.STORE)
    const { endpoint } = await findWebhook(store, c.req.param('id'))
    const route = `webhook-deliveries:${endpoint.id}`
    const kvCursor = await readCursor(q.cursor, route, c.env.API_TOKEN)
    const page = await store.listDeliveries(endpoint.id, { limit: q.limit ?? DEFAULT_PAGE_SIZE, kvCursor, status: q.status ?? null })
    return c.json({ items: page.deliveries.map(toDeliveryDto), nextCursor: await makeCursor(page.nextKvCursor, route, c.env.API_TOKEN) })
  })
  .post('/:id/deliveries/:deliveryId/replay', async (c) => {
    const deps = createDeps(c.env)
    const { endpoint } = await findWebhook(deps.webhooks, c.req.param('id'))
    if (!endpoint.enabled) throw new ApiError(409, 'webhook_disabled', `webhook ${endpoint.id} is disabled (${endpoint.disabledReason ?? 'no reason'}); PATCH it with {"enabled": true} first`)
    const record = await findDelivery(deps.webhooks, endpoint, c.req.param('deliveryId'))
    return c.json(toDeliveryDto(await replayDelivery(deps, endpoint, record, Date.now())))
  })
  .post('/:id/test', async (c) => {
    const deps = createDeps(c.env)
    const { endpoint } = await findWebhook(deps.webhooks, c.req.param('id'))
    return c.json(await sendTestEvent(deps, endpoint, Date.now()))
  })
  .all('/', methodNotAllowed('GET, POST'))
  .all('/:id', methodNotAllowed('GET, PATCH, DELETE'))
  .all('/:id/rotate-secret', methodNotAllowed('POST'))
  .all('/:id/deliveries', methodNotAllowed('GET'))
  .all('/:id/deliveries/:deliveryId/replay', methodNotAllowed('POST'))
  .all('/:id/test', methodNotAllowed('POST'))
