// Webhooks end to end inside workerd: real alerts from ticks, a receiver that verifies with `standardwebhooks`, retries.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createExecutionContext, createMessageBatch, getQueueResult, reset } from 'cloudflare:test'
import { Webhook } from 'standardwebhooks'
import { CRON, addFeed, api, env, json, tick } from '../support/worker'
import { crashOnFirstPut } from '../support/kv-faults'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { countingKv } from '../../src/storage/counting-kv'
import { createDeps } from '../../src/pipeline/deps'
import { runTick } from '../../src/pipeline/run-tick'
import worker from '../../src/index'
import type { DeliveryMessage } from '../../src/delivery/webhook-model'
import contentEncoded from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import editedHeadline from '../../fixtures/feeds/rss2-edited-headline.xml?raw'

const FEED = 'https://news.example.com/rss.xml'
const HOOK = 'https://hooks.example.com/storywatch'
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

interface WebhookCreated {
  id: string
  secret: string
  enabled: boolean
  disabledReason: string | null
  previousSecretExpiresAt: string | null
}
interface DeliveryItem {
  id: string
  alertId: string
  type: string
  status: string
  nextAttemptAt: string | null
  failureReason: string | null
  attempts: { at: string; statusCode: number | null; latencyMs: number; error: string | null }[]
}
interface Received {
  headers: Record<string, string>
  body: string
}
interface RevisionEvent {
  type: string
  timestamp: string
  data: {
    version: number
    alertId: string
    alertType: string
    article: { id: string; url: string; historyUrl: string; title: string }
    revision: { changes: { field: string; before: string; after: string; diff: unknown[] | null }[]; significance: number } | null
    truncated: boolean
  }
}

/** A webhook receiver: records every request, verifies it with the reference library, answers as told. */
class Receiver {
  readonly requests: Received[] = []
  /** Secrets a request must verify with (each one on its own); set once the webhook is created. */
  secrets: string[] = []
  /** Verification failures (a test fails if any). */
  readonly invalid: string[] = []

  constructor(private answer: (n: number, request: Request) => Response | Promise<Response> = () => new Response(null, { status: 204 })) {}

  respond(answer: (n: number, request: Request) => Response | Promise<Response>): this {
    this.answer = answer
    return this
  }

  readonly responder = async (request: Request): Promise<Response> => {
    const body = await request.text()
    const headers: Record<string, string> = {}
    request.headers.forEach((v, k) => (headers[k] = v))
    this.requests.push({ headers, body })
    for (const secret of this.secrets) {
      try {
        new Webhook(secret).verify(body, headers)
      } catch (err) {
        this.invalid.push(`${secret.slice(0, 12)}…: ${String(err)}`)
      }
    }
    return this.answer(this.requests.length, request)
  }

  /** Requests whose answer was 2xx (counted by the answer function's contract: `ok(n)`). */
  ids(): string[] {
    return this.requests.map((r) => r.headers['webhook-id'] ?? '')
  }
}

let network: FakeNetwork
let feedBody: string
let receiver: Receiver

beforeEach(async () => {
  await reset()
  // Standard Webhooks receivers reject timestamps 5 minutes off their clock: the clock follows the scheduled time.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(T0 - 60 * MIN)
  feedBody = contentEncoded
  network = new FakeNetwork().install()
  network.serve(FEED, feedResponder(() => feedBody))
  receiver = new Receiver()
  network.serve(HOOK, receiver.responder)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** One cron tick at `ms`, with the clock set to it. */
async function tickAt(ms: number, envOverride?: Partial<Env>): Promise<void> {
  vi.setSystemTime(ms)
  await tick(ms, envOverride)
}

async function createWebhook(body: Record<string, unknown>, into: Receiver = receiver): Promise<WebhookCreated> {
  const res = await api('/api/webhooks', { method: 'POST', json: body })
  expect(res.status).toBe(201)
  const created = await json<WebhookCreated>(res)
  into.secrets = [created.secret]
  return created
}

/** Adds the feed and sees it once (no alert), so that the next tick with `editedHeadline` raises one revision. */
async function feedSeen(): Promise<string> {
  const feedId = await addFeed(FEED)
  await tickAt(T0)
  return feedId
}

/** The tick that raises the headline revision (and dispatches it). */
async function reviseHeadline(at: number = T0 + 5 * MIN, envOverride?: Partial<Env>): Promise<void> {
  feedBody = editedHeadline
  await tickAt(at, envOverride)
}

async function deliveries(webhookId: string, query = ''): Promise<DeliveryItem[]> {
  const res = await api(`/api/webhooks/${webhookId}/deliveries${query}`)
  expect(res.status).toBe(200)
  return (await json<{ items: DeliveryItem[] }>(res)).items
}

describe('registration', () => {
  it('returns the secret once on create and never in GET', async () => {
    const created = await createWebhook({ url: HOOK, types: ['revision'] })
    expect(created.id).toMatch(/^wh_[0-9a-f]{16}$/)
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const one = await json<Record<string, unknown>>(await api(`/api/webhooks/${created.id}`))
    expect(one).toMatchObject({ id: created.id, url: HOOK, types: ['revision'], format: 'standard', enabled: true })
    expect(one).not.toHaveProperty('secret')
    const list = await api('/api/webhooks')
    expect(await list.text()).not.toContain(created.secret)
  })

  it.each([
    ['a loopback address', 'http://127.0.0.1:8787/hook', 'forbidden_host'],
    ['a private address', 'http://10.0.0.8/hook', 'forbidden_host'],
    ['credentials in the URL', 'https://user:pw@hooks.example.com/x', 'credentials'],
    ['another scheme', 'ftp://hooks.example.com/x', 'unsupported_scheme'],
  ])('refuses %s with the feeds URL guard', async (_name, url, code) => {
    const res = await api('/api/webhooks', { method: 'POST', json: { url } })
    expect(res.status).toBe(400)
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe(code)
  })

  it('validates the body, changes filters with PATCH, deletes, and answers 404 and 405 in the one error shape', async () => {
    const bad = await api('/api/webhooks', { method: 'POST', json: { url: HOOK, types: ['everything'] } })
    expect(bad.status).toBe(400)
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe('invalid_request')
    const created = await createWebhook({ url: HOOK })
    const patched = await api(`/api/webhooks/${created.id}`, { method: 'PATCH', json: { types: ['follow_up'], minSignificance: 0.5, format: 'slack' } })
    expect(await json<unknown>(patched)).toMatchObject({ types: ['follow_up'], minSignificance: 0.5, format: 'slack' })
    const cleared = await api(`/api/webhooks/${created.id}`, { method: 'PATCH', json: { types: null } })
    expect(await json<unknown>(cleared)).toMatchObject({ types: null })
    expect((await api(`/api/webhooks/${created.id}`, { method: 'PUT' })).status).toBe(405)
    expect((await api(`/api/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    const gone = await api(`/api/webhooks/${created.id}`)
    expect(gone.status).toBe(404)
    expect((await json<{ error: { code: string } }>(gone)).error.code).toBe('webhook_not_found')
  })
})

describe('delivery of real alerts', () => {
  it('posts a revision as a signed Standard Webhooks request that verifies with the reference library', async () => {
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    expect(receiver.requests).toHaveLength(0)
    await reviseHeadline()
    expect(receiver.requests).toHaveLength(1)
    expect(receiver.invalid).toEqual([])
    const [request] = receiver.requests
    expect(request?.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/)
    expect(request?.headers['webhook-timestamp']).toBe(String((T0 + 5 * MIN) / 1000))
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    expect(request?.headers['content-type']).toBe('application/json')
    const event = JSON.parse(request?.body ?? '') as RevisionEvent
    expect(event.type).toBe('alert.revision')
    expect(event.data.version).toBe(1)
    expect(event.data.revision?.changes.map((c) => c.field)).toEqual(['title'])
    expect(event.data.article.historyUrl).toBe(`https://storywatch.test/articles/${event.data.article.id}`)
    const alerts = await json<{ items: { id: string }[] }>(await api('/api/alerts'))
    expect(event.data.alertId).toBe(alerts.items[0]?.id)
    const [delivery] = await deliveries(hook.id)
    expect(delivery).toMatchObject({ id: request?.headers['webhook-id'], status: 'delivered', type: 'alert.revision', alertId: event.data.alertId })
    expect(delivery?.attempts).toEqual([{ at: new Date(T0 + 5 * MIN).toISOString(), statusCode: 204, latencyMs: expect.any(Number), error: null }])
  })

  it('does not send a delivered alert again when the same tick runs twice or later ticks run', async () => {
    await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    await tickAt(T0 + 5 * MIN)
    await tickAt(T0 + 10 * MIN)
    expect(receiver.requests).toHaveLength(1)
  })

  it('delivers exactly once, with the same webhook-id, to a receiver down for the first two attempts', async () => {
    receiver.respond((n) => (n <= 2 ? new Response('down', { status: 503 }) : new Response('ok')))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    await tickAt(T0 + 10 * MIN) // retry 1 was due 5 s after the first attempt
    let [delivery] = await deliveries(hook.id)
    expect(delivery).toMatchObject({ status: 'pending' })
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([503, 503])
    // retry 2 waits 5 min (+ up to 20 % jitter) after the second attempt
    await tickAt(T0 + 20 * MIN)
    await tickAt(T0 + 25 * MIN)
    await tickAt(T0 + 24 * 60 * MIN)
    expect(receiver.requests).toHaveLength(3)
    expect(new Set(receiver.ids()).size).toBe(1)
    expect(receiver.invalid).toEqual([])
    ;[delivery] = await deliveries(hook.id)
    expect(delivery?.status).toBe('delivered')
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200])
    expect(delivery?.attempts[0]?.error).toContain(`503 from ${HOOK}`)
    const endpoint = await json<{ failingSince: string | null; enabled: boolean }>(await api(`/api/webhooks/${hook.id}`))
    expect(endpoint).toMatchObject({ failingSince: null, enabled: true })
  })

  it('disables the endpoint with the reason when the receiver answers 410 Gone', async () => {
    receiver.respond(() => new Response('gone', { status: 410 }))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    const endpoint = await json<WebhookCreated>(await api(`/api/webhooks/${hook.id}`))
    expect(endpoint.enabled).toBe(false)
    expect(endpoint.disabledReason).toContain('410')
    const [delivery] = await deliveries(hook.id)
    expect(delivery).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('410') })
    await tickAt(T0 + 60 * MIN)
    expect(receiver.requests).toHaveLength(1)
    expect((await api(`/api/webhooks/${hook.id}/deliveries/${delivery?.id}/replay`, { method: 'POST' })).status).toBe(409)
  })

  it('honours Retry-After on a 429: the next attempt comes no earlier', async () => {
    receiver.respond((n) => (n === 1 ? new Response('slow down', { status: 429, headers: { 'retry-after': '1800' } }) : new Response('ok')))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    const [first] = await deliveries(hook.id)
    expect(Date.parse(first?.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(T0 + 5 * MIN + 1800_000)
    expect(first?.attempts[0]).toMatchObject({ statusCode: 429, error: expect.stringContaining('retry after 1800 s') })
    for (const m of [10, 15, 20, 25, 30]) await tickAt(T0 + m * MIN)
    expect(receiver.requests).toHaveLength(1)
    await tickAt(T0 + 40 * MIN)
    expect(receiver.requests).toHaveLength(2)
    expect((await deliveries(hook.id))[0]?.status).toBe('delivered')
  })

  it('records a timeout when the receiver hangs, and retries it later', async () => {
    receiver.respond((n) => (n === 1 ? new Promise<Response>(() => undefined) : new Response('ok')))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    feedBody = editedHeadline
    vi.setSystemTime(T0 + 5 * MIN)
    const deps = createDeps(env)
    deps.settings = { ...deps.settings, webhookTimeoutMs: 50 }
    const summary = await runTick(deps, T0 + 5 * MIN, CRON)
    expect(summary.webhooks).toMatchObject({ attempted: 1, delivered: 0, retrying: 1 })
    const [delivery] = await deliveries(hook.id)
    expect(delivery?.status).toBe('pending')
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: `webhooks: ${HOOK} did not answer within 50 ms` })
    await tickAt(T0 + 10 * MIN)
    expect((await deliveries(hook.id))[0]?.status).toBe('delivered')
  })

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const elsewhere = 'https://elsewhere.example.com/hook'
    network.serve(elsewhere, () => new Response('ok'))
    receiver.respond(() => new Response(null, { status: 302, headers: { location: elsewhere } }))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    expect(network.requestsTo(elsewhere)).toHaveLength(0)
    const [delivery] = await deliveries(hook.id)
    expect(delivery?.status).toBe('pending')
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: 302, error: expect.stringContaining('redirects are not followed') })
  })

  it('sends both signatures during a secret rotation, each verifying on its own', async () => {
    const hook = await createWebhook({ url: HOOK })
    const rotated = await json<WebhookCreated>(await api(`/api/webhooks/${hook.id}/rotate-secret`, { method: 'POST' }))
    expect(rotated.secret).not.toBe(hook.secret)
    expect(Date.parse(rotated.previousSecretExpiresAt ?? '')).toBe(T0 - 60 * MIN + 24 * 60 * MIN)
    receiver.secrets = [hook.secret, rotated.secret]
    await feedSeen()
    await reviseHeadline()
    expect(receiver.requests).toHaveLength(1)
    expect(receiver.requests[0]?.headers['webhook-signature']?.split(' ')).toHaveLength(2)
    expect(receiver.invalid).toEqual([])
    // after the window only the new secret signs
    receiver.secrets = [rotated.secret]
    vi.setSystemTime(T0 + 24 * 60 * MIN)
    const test = await json<{ delivered: boolean }>(await api(`/api/webhooks/${hook.id}/test`, { method: 'POST' }))
    expect(test.delivered).toBe(true)
    expect(receiver.requests[1]?.headers['webhook-signature']?.split(' ')).toHaveLength(1)
    expect(receiver.invalid).toEqual([])
  })

  it('sends only what the filters ask for: types, feeds and significance', async () => {
    const hooks = {
      followUpsOnly: { types: ['follow_up'] },
      otherFeed: { feedIds: ['0123456789ab'] },
      tooSignificant: { minSignificance: 1 },
      removalsOnly: { types: ['removed'] },
      revisionsOfThisFeed: { types: ['revision'] },
      significantEnough: { minSignificance: 0 },
      storyFilterDoesNotBlockRevisions: { storyIds: ['some-story'] },
    }
    const receivers = new Map<string, Receiver>()
    const feedId = await addFeed(FEED)
    for (const [name, filters] of Object.entries(hooks)) {
      const r = new Receiver()
      const url = `https://hooks.example.com/${name}`
      network.serve(url, r.responder)
      receivers.set(name, r)
      await createWebhook({ url, ...filters, ...(name === 'revisionsOfThisFeed' ? { feedIds: [feedId] } : {}) }, r)
    }
    await tickAt(T0)
    await reviseHeadline()
    const counts = Object.fromEntries([...receivers].map(([name, r]) => [name, r.requests.length]))
    const event = JSON.parse(receivers.get('significantEnough')?.requests[0]?.body ?? '{}') as RevisionEvent
    expect(event.data.revision?.significance).toBeLessThan(1)
    expect(counts).toEqual({
      followUpsOnly: 0,
      otherFeed: 0,
      tooSignificant: 0,
      removalsOnly: 0,
      revisionsOfThisFeed: 1,
      significantEnough: 1,
      storyFilterDoesNotBlockRevisions: 1,
    })
  })

  it('posts a Slack Block Kit message with the headline before → after and links to the article and its history', async () => {
    const hook = await createWebhook({ url: HOOK, format: 'slack' })
    await feedSeen()
    await reviseHeadline()
    expect(receiver.invalid).toEqual([])
    const message = JSON.parse(receiver.requests[0]?.body ?? '{}') as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] }
    const [delivery] = await deliveries(hook.id)
    const alert = await json<{ articleId: string; url: string; changes: { before: string; after: string }[] }>(await api(`/api/alerts/${delivery?.alertId}`))
    const change = alert.changes[0]
    expect(message.text).toMatch(/^Revision/)
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } })
    expect(message.blocks[1]?.elements?.[0]?.text).toMatch(/^Feed: /)
    const texts = message.blocks.map((b) => b.text?.text ?? '')
    expect(texts).toContain(`*Headline:* ~${change?.before}~ → *${change?.after}*`)
    expect(texts.at(-1)).toBe(`<${alert.url}|Read the article> · <https://storywatch.test/articles/${alert.articleId}|History>`)
  })
})

describe('operations', () => {
  it('sends a signed webhook.test event on POST /test', async () => {
    const hook = await createWebhook({ url: HOOK })
    vi.setSystemTime(T0)
    const res = await api(`/api/webhooks/${hook.id}/test`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await json<unknown>(res)).toMatchObject({ delivered: true, statusCode: 204, error: null, messageId: expect.stringMatching(/^msg_/) })
    expect(receiver.invalid).toEqual([])
    expect(JSON.parse(receiver.requests[0]?.body ?? '{}')).toMatchObject({ type: 'webhook.test', data: { version: 1, webhookId: hook.id } })
  })

  it('replays a delivery with the same webhook-id and lists deliveries by status with a signed cursor', async () => {
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    const [delivery] = await deliveries(hook.id, '?status=delivered')
    expect(await deliveries(hook.id, '?status=failed')).toEqual([])
    vi.setSystemTime(T0 + 30 * MIN)
    const replayed = await api(`/api/webhooks/${hook.id}/deliveries/${delivery?.id}/replay`, { method: 'POST' })
    expect(replayed.status).toBe(200)
    expect(await json<DeliveryItem>(replayed)).toMatchObject({ status: 'delivered', attempts: [{ statusCode: 204 }, { statusCode: 204 }] })
    expect(receiver.ids()).toEqual([delivery?.id, delivery?.id])
    expect(receiver.invalid).toEqual([])
    const forged = await api(`/api/webhooks/${hook.id}/deliveries?cursor=abc.def`)
    expect(forged.status).toBe(400)
    expect((await api(`/api/webhooks/${hook.id}/deliveries/msg_000000000000000000000000/replay`, { method: 'POST' })).status).toBe(404)
  })

  it('loses nothing when a tick dies after the alert is stored but before its delivery exists', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline(T0 + 5 * MIN, { STORE: crashOnFirstPut(env.STORE, 'webhook-outbox:') })
    expect(receiver.requests).toHaveLength(0)
    expect((await json<{ items: unknown[] }>(await api('/api/alerts'))).items).toHaveLength(1)
    await tickAt(T0 + 10 * MIN)
    await tickAt(T0 + 15 * MIN)
    expect(receiver.requests).toHaveLength(1)
    expect(receiver.invalid).toEqual([])
  })

  it('writes nothing but the heartbeat on a tick with webhooks and nothing new or due', async () => {
    await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline()
    const { kv, counts } = countingKv(env.STORE)
    await tickAt(T0 + 10 * MIN, { STORE: kv })
    expect(counts.writes).toBe(1)
    expect(counts.deletes).toBe(0)
  })
})

describe('with DELIVERY_QUEUE bound', () => {
  it('enqueues deliveries instead of sending them, and the consumer sends, retries with delaySeconds and acks', async () => {
    const sent: MessageSendRequest<DeliveryMessage>[] = []
    const queue = {
      send: async (body: DeliveryMessage, options?: QueueSendOptions) => void sent.push({ body, ...options }),
      sendBatch: async (messages: Iterable<MessageSendRequest<DeliveryMessage>>) => void sent.push(...messages),
    }
    const withQueue = { DELIVERY_QUEUE: queue } as unknown as Partial<Env>
    receiver.respond((n) => (n === 1 ? new Response('down', { status: 500 }) : new Response('ok')))
    const hook = await createWebhook({ url: HOOK })
    await feedSeen()
    await reviseHeadline(T0 + 5 * MIN, withQueue)
    expect(receiver.requests).toHaveLength(0)
    const [delivery] = await deliveries(hook.id)
    expect(sent).toEqual([{ body: { deliveryId: delivery?.id } }])

    const retryOptions: (QueueRetryOptions | undefined)[] = []
    const consume = async (attempts: number) => {
      const batch = createMessageBatch<DeliveryMessage>('storywatch-deliveries', [{ id: `m${attempts}`, timestamp: new Date(), attempts, body: { deliveryId: delivery?.id ?? '' } }])
      // getQueueResult reports which messages were retried, not their delay: watch the call itself.
      for (const message of batch.messages) {
        const retry = message.retry.bind(message)
        message.retry = (options) => {
          retryOptions.push(options)
          retry(options)
        }
      }
      const ctx = createExecutionContext()
      await worker.queue(batch, { ...env, ...withQueue })
      return getQueueResult(batch, ctx)
    }
    const first = await consume(1)
    expect(first.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['m1'])
    const delay = retryOptions[0]?.delaySeconds ?? 0
    expect(delay).toBeGreaterThanOrEqual(5)
    expect(delay).toBeLessThanOrEqual(6)
    vi.setSystemTime(T0 + 5 * MIN + delay * 1000)
    const second = await consume(2)
    expect(second.explicitAcks).toEqual(['m2'])
    // a duplicate message for a delivered delivery is acknowledged without sending
    const third = await consume(3)
    expect(third.explicitAcks).toEqual(['m3'])
    expect(receiver.requests).toHaveLength(2)
    expect(new Set(receiver.ids()).size).toBe(1)
    expect(receiver.invalid).toEqual([])
    expect((await deliveries(hook.id))[0]?.status).toBe('delivered')
  })

  it('sends a malformed message back for retry, so max_retries dead-letters it', async () => {
    const batch = createMessageBatch('storywatch-deliveries', [{ id: 'bad', timestamp: new Date(), attempts: 1, body: { nope: true } }])
    const ctx = createExecutionContext()
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, ctx)
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['bad'])
  })
})

