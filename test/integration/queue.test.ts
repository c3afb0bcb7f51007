// The feed queue end to end: the crons enqueue feeds (25 a message), page re-checks and digests; the consumer does the
// work through the same pipeline, acking or retrying each message; dead letters show where a newsroom looks.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test'
import worker from '../../src/index'
import { addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { crashOnFirstPut } from '../support/kv-faults'
import { followUp } from '../support/alerts'
import { AlertStore } from '../../src/alerts/alert-store'
import { DigestStore } from '../../src/delivery/digest-store'
import { DIGEST_CRON } from '../../src/delivery/digest-schedule'
import { TrackedPagesStore, type TrackedPage } from '../../src/articles/tracked-pages-store'
import { countingKv } from '../../src/storage/counting-kv'
import type { FeedQueueMessage } from '../../src/pipeline/queue-messages'

const MIN = 60_000
const HOUR = 60 * MIN
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const FEED_QUEUE = 'storywatch-feeds'
const DEAD_LETTERS = 'storywatch-feeds-dlq'
const EMAIL_API = 'https://email-api.test/emails'
const HTTP_EMAIL = { EMAIL_PROVIDER: 'http', EMAIL_API_KEY: 'test-email-key' }

const PARAGRAPHS = [
  'The Home Office has named the chair of the national inquiry into grooming gangs, ending months of uncertainty.',
  'The inquiry will have statutory powers to compel witnesses and will report within three years.',
  'Campaigners said the appointment was overdue but welcomed the promise of independence.',
]

function rss(host: string, path = '/a/1'): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>
<item><title>Story from ${host}</title><link>https://${host}${path}</link><guid>https://${host}${path}</guid><description>Text from ${host}.</description></item>
</channel></rss>`
}

function page(headline: string, paragraphs: readonly string[]): Response {
  const html = `<!doctype html><html><head><title>${headline}</title></head><body><article><h1>${headline}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
}

interface FeedItem {
  id: string
  url: string
  status: { lastError: { code: string; message: string } | null; extractionProblems: number; lastExtractionProblem: { articleId: string; message: string } | null }
}

const network = freshWorldEachTest()

/** A stand-in FEED_QUEUE for the crons: records every sendBatch call's bodies. */
function recordingQueue(): { calls: FeedQueueMessage[][]; bodies: () => FeedQueueMessage[]; env: Partial<Env> } {
  const calls: FeedQueueMessage[][] = []
  const queue = {
    sendBatch: async (messages: { body: FeedQueueMessage }[]) => void calls.push(messages.map((m) => m.body)),
    send: async () => undefined,
  }
  return { calls, bodies: () => calls.flat(), env: { FEED_QUEUE: queue } as unknown as Partial<Env> }
}

interface Consumed {
  acked: string[]
  /** Retried messages with the delay asked for. */
  retried: { msgId: string; delaySeconds: number | null }[]
}

/** Runs the queue handler on `bodies` (message ids m0, m1, …) and returns which were acked and which retried. */
async function consume(bodies: readonly unknown[], options: { queue?: string; attempts?: number; env?: Record<string, unknown> } = {}): Promise<Consumed> {
  const batch = createMessageBatch(
    options.queue ?? FEED_QUEUE,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(T0), attempts: options.attempts ?? 1, body })),
  )
  // getQueueResult reports which messages were retried, not their delay: watch the call itself.
  const delays = new Map<string, number | null>()
  for (const message of batch.messages) {
    const retry = message.retry.bind(message)
    message.retry = (retryOptions) => {
      delays.set(message.id, retryOptions?.delaySeconds ?? null)
      retry(retryOptions)
    }
  }
  const ctx = createExecutionContext()
  await worker.queue(batch, { ...env, ...options.env } as Env)
  const result = await getQueueResult(batch, ctx)
  const retried = result.retryMessages.map((m: { msgId: string }) => ({ msgId: m.msgId, delaySeconds: delays.get(m.msgId) ?? null }))
  return { acked: [...result.explicitAcks].sort(), retried }
}

async function feedList(): Promise<FeedItem[]> {
  return (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items
}

async function articles(): Promise<{ id: string; url: string; firstSeenAt: string }[]> {
  return (await json<{ items: { id: string; url: string; firstSeenAt: string }[] }>(await api('/api/articles'))).items
}

async function serveFeeds(n: number, host = (i: number) => `q${i}.example.com`): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const url = `https://${host(i)}/rss-${i}.xml`
    network.serve(url, feedResponder(() => rss(host(i), `/a/${i}`)))
    ids.push(await addFeed(url))
  }
  return ids
}

describe('feed fan-out, 25 feeds a message', () => {
  it('enqueues every due feed exactly once, 25 to a message, in one sendBatch call, the same messages on a retried tick', async () => {
    const ids = await serveFeeds(150, (i) => `host${i % 7}.example.com`)
    const queue = recordingQueue()
    await tick(T0, queue.env)
    expect(queue.calls.map((c) => c.length)).toEqual([6])
    const messages = queue.bodies()
    for (const m of messages) {
      expect(m).toMatchObject({ v: 2, kind: 'feeds', tick: T0 })
      if (m.kind === 'feeds') expect(m.feedIds.length).toBeLessThanOrEqual(25)
    }
    const carried = messages.flatMap((m) => (m.kind === 'feeds' ? m.feedIds : []))
    expect([...carried].sort()).toEqual([...ids].sort())
    expect(network.requests).toHaveLength(0)
    const health = await json<{ lastTick: { feedsEnqueued: number; queueMessages: number; feedsPolled: number } }>(await api('/api/health'))
    expect(health.lastTick).toMatchObject({ feedsEnqueued: 150, queueMessages: 6, feedsPolled: 0 })

    const retried = recordingQueue()
    await tick(T0, retried.env)
    expect(retried.bodies()).toEqual(messages)
  })

  it('polls every feed of a message and acknowledges the message once', async () => {
    const ids = await serveFeeds(3)
    const consumed = await consume([{ v: 2, kind: 'feeds', feedIds: [...ids, 'ffffffffffff'], tick: T0 }])
    expect(consumed).toEqual({ acked: ['m0'], retried: [] })
    expect(network.requests.map((r) => new URL(r.url).host).sort()).toEqual(['q0.example.com', 'q1.example.com', 'q2.example.com'])
    expect(await articles()).toHaveLength(3)
  })

  it('still polls a single-feed message enqueued before the deploy', async () => {
    const [id] = await serveFeeds(1)
    const consumed = await consume([{ feedId: id, tick: T0 }])
    expect(consumed).toEqual({ acked: ['m0'], retried: [] })
    expect(await articles()).toHaveLength(1)
  })

  it('logs and acknowledges malformed messages, and still does the work of the good one next to them', async () => {
    const [id] = await serveFeeds(1)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const consumed = await consume(['not json at all', { v: 2, kind: 'feeds', feedIds: 7, tick: T0 }, { v: 9, kind: 'feeds', feedIds: [id], tick: T0 }, { v: 2, kind: 'gossip', tick: T0 }, { v: 2, kind: 'feeds', feedIds: [id], tick: T0 }])
    expect(consumed).toEqual({ acked: ['m0', 'm1', 'm2', 'm3', 'm4'], retried: [] })
    const logged = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('malformed message'))
    expect(logged).toHaveLength(4)
    expect(logged.join('\n')).toContain('unknown version 9')
    expect(await articles()).toHaveLength(1)
  })

  it('records a failing feed on that feed and acknowledges the message: the feed backs off by itself', async () => {
    const [good] = await serveFeeds(1)
    const badUrl = 'https://broken.example.com/rss.xml'
    network.serve(badUrl, () => new Response('down', { status: 500 }))
    const bad = await addFeed(badUrl)
    const consumed = await consume([{ v: 2, kind: 'feeds', feedIds: [good, bad], tick: T0 }])
    expect(consumed).toEqual({ acked: ['m0'], retried: [] })
    const feeds = await feedList()
    expect(feeds.find((f) => f.id === bad)?.status.lastError?.code).toBe('http_500')
    expect(feeds.find((f) => f.id === good)?.status.lastError).toBeNull()
  })

  it('retries a message whose feed crashed unexpectedly, with a delay from its attempts, and acks the others', async () => {
    const [first, second] = await serveFeeds(2)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const crashing = { STORE: crashOnFirstPut(env.STORE, 'article:') }
    const consumed = await consume(
      [
        { v: 2, kind: 'feeds', feedIds: [first], tick: T0 },
        { v: 2, kind: 'feeds', feedIds: [second], tick: T0 },
      ],
      { attempts: 3, env: crashing },
    )
    expect(consumed.retried).toHaveLength(1)
    expect(consumed.retried[0]?.delaySeconds).toBe(600)
    expect(consumed.acked).toHaveLength(1)
    const crashed = (await feedList()).find((f) => f.status.lastError?.code === 'internal')
    expect(crashed).toBeDefined()
  })

  it('marks every feed of a dead message, including a single-feed one from before the deploy', async () => {
    const [a, b, c] = await serveFeeds(3)
    const consumed = await consume(
      [
        { v: 2, kind: 'feeds', feedIds: [a, b], tick: T0 },
        { feedId: c, tick: T0 },
      ],
      { queue: DEAD_LETTERS, attempts: 6 },
    )
    expect(consumed.acked).toEqual(['m0', 'm1'])
    const feeds = await feedList()
    expect(feeds.map((f) => f.status.lastError?.code)).toEqual(['dead_letter', 'dead_letter', 'dead_letter'])
    expect(feeds[0]?.status.lastError?.message).toContain('failed 6 times')
  })
})

describe('page re-checks on the queue', () => {
  const FEED = 'https://news.example.com/rss.xml'
  const ARTICLE = 'https://news.example.com/uk/inquiry-chair-named'
  let pageHtml: () => Response

  beforeEach(() => {
    pageHtml = () => page('Inquiry chair named', PARAGRAPHS)
    network.serve(FEED, feedResponder(() => rss('news.example.com', '/uk/inquiry-chair-named')))
    network.serve(ARTICLE, () => pageHtml())
  })

  /** The feed polled by the consumer (its page fetched and staged for tracking); returns the article and its first sight. */
  async function firstPoll(): Promise<{ feedId: string; articleId: string; firstSeenMs: number }> {
    const feedId = await addFeed(FEED, { fetchArticles: true })
    expect(await consume([{ v: 2, kind: 'feeds', feedIds: [feedId], tick: T0 }])).toEqual({ acked: ['m0'], retried: [] })
    const [article] = await articles()
    if (!article) throw new Error('no article stored')
    return { feedId, articleId: article.id, firstSeenMs: Date.parse(article.firstSeenAt) }
  }

  it('enqueues the due pages from the cron without fetching them, and the consumer records a stealth edit', async () => {
    const { articleId, firstSeenMs } = await firstPoll()
    const pageFetches = network.requestsTo(ARTICLE).length
    const queue = recordingQueue()
    // The first re-check slot: 15 minutes after first sight falls inside this tick's 5-minute period.
    const slot = firstSeenMs + 16 * MIN
    await tick(slot, queue.env)
    const pageMessages = queue.bodies().filter((m) => m.kind === 'pages')
    expect(pageMessages).toHaveLength(1)
    expect(pageMessages[0]).toMatchObject({ v: 2, kind: 'pages', tick: slot, pages: [{ articleId, url: ARTICLE }] })
    expect(network.requestsTo(ARTICLE)).toHaveLength(pageFetches)
    const health = await json<{ lastTick: { pages: { due: number; enqueued: number; checked: number; tracked: number } } }>(await api('/api/health'))
    expect(health.lastTick.pages).toMatchObject({ due: 1, enqueued: 1, checked: 0, tracked: 1 })

    pageHtml = () => page('Inquiry chair named', [PARAGRAPHS[0] ?? '', 'The inquiry will have statutory powers and will report within five years.'])
    expect(await consume(pageMessages)).toEqual({ acked: ['m0'], retried: [] })
    const revisions = await json<{ items: { n: number; source: string; changedFields: string[] }[] }>(await api(`/api/articles/${articleId}/revisions`))
    expect(revisions.items.map((r) => [r.n, r.source])).toEqual([
      [1, 'page'],
      [2, 'page'],
    ])
    const alerts = await json<{ items: { type: string; articleId: string }[] }>(await api('/api/alerts?type=revision'))
    expect(alerts.items.map((a) => a.articleId)).toEqual([articleId])
  })

  it('retries a pages message whose re-check crashed, and records the edit once on the retry', async () => {
    const { articleId, feedId, firstSeenMs } = await firstPoll()
    const tracked: TrackedPage = { articleId, url: ARTICLE, feedId, firstSeenAt: new Date(firstSeenMs).toISOString() }
    const message = { v: 2, kind: 'pages', pages: [tracked], tick: firstSeenMs + 16 * MIN }
    pageHtml = () => page('Inquiry chair named', [PARAGRAPHS[0] ?? '', 'The chair will report within five years.'])
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const crashed = await consume([message], { attempts: 2, env: { STORE: crashOnFirstPut(env.STORE, 'article-version:') } })
    expect(crashed).toEqual({ acked: [], retried: [{ msgId: 'm0', delaySeconds: 120 }] })
    expect(await consume([message], { attempts: 3 })).toEqual({ acked: ['m0'], retried: [] })
    expect(await consume([message], { attempts: 4 })).toEqual({ acked: ['m0'], retried: [] })
    const revisions = await json<{ items: { n: number }[] }>(await api(`/api/articles/${articleId}/revisions`))
    expect(revisions.items.map((r) => r.n)).toEqual([1, 2])
  })

  it('stages a gone page and the next cron drops it from the tracked list', async () => {
    const { articleId, feedId, firstSeenMs } = await firstPoll()
    await tick(firstSeenMs + 6 * MIN, recordingQueue().env) // folds the staged addition in
    expect((await new TrackedPagesStore(env.STORE).list()).map((p) => p.articleId)).toEqual([articleId])
    pageHtml = () => new Response('gone', { status: 410 })
    const message = { v: 2, kind: 'pages', pages: [{ articleId, url: ARTICLE, feedId, firstSeenAt: new Date(firstSeenMs).toISOString() }], tick: firstSeenMs + 16 * MIN }
    expect(await consume([message])).toEqual({ acked: ['m0'], retried: [] })
    const removed = await json<{ items: unknown[] }>(await api('/api/alerts?type=removed'))
    expect(removed.items).toHaveLength(1)
    const queue = recordingQueue()
    await tick(firstSeenMs + 31 * MIN, queue.env)
    expect(await new TrackedPagesStore(env.STORE).list()).toEqual([])
    expect(queue.bodies().filter((m) => m.kind === 'pages')).toEqual([])
  })

  it('shows the pages of a dead pages message as extraction problems of their feed', async () => {
    const { articleId, feedId, firstSeenMs } = await firstPoll()
    const message = { v: 2, kind: 'pages', pages: [{ articleId, url: ARTICLE, feedId, firstSeenAt: new Date(firstSeenMs).toISOString() }], tick: T0 }
    expect(await consume([message], { queue: DEAD_LETTERS, attempts: 6 })).toEqual({ acked: ['m0'], retried: [] })
    const status = (await feedList()).find((f) => f.id === feedId)?.status
    expect(status?.extractionProblems).toBe(1)
    expect(status?.lastExtractionProblem).toMatchObject({ articleId })
    expect(status?.lastExtractionProblem?.message).toContain('dead-letter queue')
  })
})

describe('tracked pages under concurrent consumers', () => {
  it('keeps the pages of two overlapping consumer batches', async () => {
    const hosts = ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com']
    const ids: string[] = []
    for (const host of hosts) {
      const url = `https://${host}/rss.xml`
      network.serve(url, feedResponder(() => rss(host)))
      network.serve(`https://${host}/a/1`, () => page(`Story from ${host}`, PARAGRAPHS))
      ids.push(await addFeed(url, { fetchArticles: true }))
    }
    // Two consumer invocations at once, as with max_concurrency > 1: each starts tracking its feeds' pages.
    const [first, second] = await Promise.all([
      consume([{ v: 2, kind: 'feeds', feedIds: ids.slice(0, 2), tick: T0 }]),
      consume([{ v: 2, kind: 'feeds', feedIds: ids.slice(2), tick: T0 }]),
    ])
    expect([first, second]).toEqual([
      { acked: ['m0'], retried: [] },
      { acked: ['m0'], retried: [] },
    ])
    const stored = await articles()
    expect(stored).toHaveLength(4)

    const latest = Math.max(...stored.map((a) => Date.parse(a.firstSeenAt)))
    const { kv, counts } = countingKv(env.STORE)
    await tick(latest + 6 * MIN, { ...recordingQueue().env, STORE: kv })
    const tracked = await new TrackedPagesStore(env.STORE).list()
    expect(tracked.map((p) => p.articleId).sort()).toEqual(stored.map((a) => a.id).sort())
    expect((await env.STORE.list({ prefix: 'pages:staged:' })).keys).toEqual([])
    // One list of the staged keys, one write of the list, one delete per staged key (and the heartbeat).
    expect(counts).toMatchObject({ lists: 1, deletes: 4, writes: 2 })

    // Nothing staged since: the next tick writes nothing for the tracked pages.
    const next = countingKv(env.STORE)
    await tick(latest + 11 * MIN, { ...recordingQueue().env, STORE: next.kv })
    expect(next.counts).toMatchObject({ lists: 1, deletes: 0, writes: 1 })
  })
})

describe('check now with a queue bound', () => {
  it('stages the pages a checked feed starts tracking, so the cron stays the one writer of the tracked list', async () => {
    const host = 'checked.example.com'
    network.serve(`https://${host}/rss.xml`, feedResponder(() => rss(host)))
    network.serve(`https://${host}/a/1`, () => page(`Story from ${host}`, PARAGRAPHS))
    const id = await addFeed(`https://${host}/rss.xml`, { fetchArticles: true })
    const request = new Request(`https://storywatch.test/api/feeds/${id}/check`, { method: 'POST', headers: { authorization: 'Bearer test-token' } })
    const res = await worker.fetch(request, { ...env, ...recordingQueue().env } as Env, createExecutionContext())
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ outcome: 'updated', newArticles: 1 })
    expect(await new TrackedPagesStore(env.STORE).list()).toEqual([])
    const staged = (await env.STORE.list({ prefix: 'pages:staged:add:' })).keys
    expect(staged).toHaveLength(1)
    // The next cron folds it in.
    const [stored] = await articles()
    await tick(Date.parse(stored?.firstSeenAt ?? '') + 6 * MIN, recordingQueue().env)
    expect((await new TrackedPagesStore(env.STORE).list()).map((p) => p.articleId)).toEqual([stored?.id])
  })
})

describe('digests on the queue', () => {
  /** The first top of the hour at least two hours from now: runs in the future of every subscription. */
  const BASE = Math.ceil(Date.now() / HOUR) * HOUR + 2 * HOUR
  const iso = (ms: number): string => new Date(ms).toISOString()
  let sent: { to: string[]; subject: string; idempotencyKey: string | null }[]

  beforeEach(() => {
    sent = []
    network.serve(EMAIL_API, async (request) => {
      const body = (await request.json()) as { to: string[]; subject: string }
      sent.push({ to: body.to, subject: body.subject, idempotencyKey: request.headers.get('idempotency-key') })
      return Response.json({ id: `email_${sent.length}` })
    })
  })

  async function subscribe(email: string): Promise<string> {
    const res = await api('/api/digests', { method: 'POST', json: { email, schedule: 'hourly' } })
    if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`)
    return (await json<{ id: string }>(res)).id
  }

  async function digestCron(scheduledTime: number, override: Record<string, unknown>): Promise<void> {
    const controller = createScheduledController({ scheduledTime, cron: DIGEST_CRON })
    await worker.scheduled(controller, { ...env, ...HTTP_EMAIL, ...override } as Env)
  }

  it('enqueues one message per due subscription, and the consumer sends each digest once however often it is delivered', async () => {
    const subs = [await subscribe('desk@newsroom.example'), await subscribe('night@newsroom.example')]
    await new AlertStore(env.STORE).raise(followUp(iso(BASE - 30 * MIN), { title: 'Queued follow-up' }))
    const queue = recordingQueue()
    await digestCron(BASE, queue.env)
    expect(sent).toHaveLength(0)
    const messages = queue.bodies()
    expect(messages.map((m) => (m.kind === 'digest' ? m.subscriptionId : null)).sort()).toEqual([...subs].sort())
    expect(messages.every((m) => m.kind === 'digest' && m.tick === BASE)).toBe(true)

    // Delivered an hour late: the period (and so the digest id) still comes from the cron run.
    expect(await consume(messages, { env: HTTP_EMAIL })).toEqual({ acked: ['m0', 'm1'], retried: [] })
    expect(sent.map((s) => s.to[0]).sort()).toEqual(['desk@newsroom.example', 'night@newsroom.example'])
    expect(sent.map((s) => s.idempotencyKey).sort()).toEqual(subs.map((id) => `${id}.h${iso(BASE).slice(0, 13)}`).sort())
    expect(sent[0]?.subject).toContain('1 follow-up')

    // A redelivered message, and a retried cron run, send nothing more.
    expect(await consume(messages, { env: HTTP_EMAIL })).toEqual({ acked: ['m0', 'm1'], retried: [] })
    const again = recordingQueue()
    await digestCron(BASE, again.env)
    expect(again.bodies()).toEqual([])
    expect(sent).toHaveLength(2)
  })

  it('retries a digest that failed before its claim and sends it on the retry', async () => {
    const sub = await subscribe('desk@newsroom.example')
    await new AlertStore(env.STORE).raise(followUp(iso(BASE - 30 * MIN)))
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const message = { v: 2, kind: 'digest', subscriptionId: sub, tick: BASE }
    const crashed = await consume([message], { env: { ...HTTP_EMAIL, STORE: crashOnFirstPut(env.STORE, 'digest-sent:') } })
    expect(crashed).toEqual({ acked: [], retried: [{ msgId: 'm0', delaySeconds: 30 }] })
    expect(sent).toHaveLength(0)
    expect(await consume([message], { attempts: 2, env: HTTP_EMAIL })).toEqual({ acked: ['m0'], retried: [] })
    expect(sent).toHaveLength(1)
  })

  it('never sends a digest twice when its message is retried after the claim was written', async () => {
    const sub = await subscribe('desk@newsroom.example')
    await new AlertStore(env.STORE).raise(followUp(iso(BASE - 30 * MIN)))
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const message = { v: 2, kind: 'digest', subscriptionId: sub, tick: BASE }
    // The claim is two writes: the digest-sent marker, then the state; a crash between them.
    const crashed = await consume([message], { env: { ...HTTP_EMAIL, STORE: crashOnFirstPut(env.STORE, 'digest-state:') } })
    expect(crashed.retried).toHaveLength(1)
    expect(await consume([message], { attempts: 2, env: HTTP_EMAIL })).toEqual({ acked: ['m0'], retried: [] })
    expect(sent).toHaveLength(0)
    const marker = await new DigestStore(env.STORE).getMarker(`${sub}.h${iso(BASE).slice(0, 13)}`)
    expect(marker?.status).toBe('sending')
  })

  it('acknowledges digest messages without claiming anything when email is not configured, so the next digest carries the alerts', async () => {
    const sub = await subscribe('desk@newsroom.example')
    await new AlertStore(env.STORE).raise(followUp(iso(BASE - 30 * MIN), { title: 'Carried follow-up' }))
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const message = { v: 2, kind: 'digest', subscriptionId: sub, tick: BASE }
    expect(await consume([message], { env: { EMAIL_PROVIDER: 'http' } })).toEqual({ acked: ['m0'], retried: [] })
    expect(errors.mock.calls.some(([line]) => String(line).includes('EMAIL_API_KEY'))).toBe(true)
    expect(await new DigestStore(env.STORE).getState(sub)).toBeNull()
    expect(await consume([{ ...message, tick: BASE + HOUR }], { env: HTTP_EMAIL })).toEqual({ acked: ['m0'], retried: [] })
    expect(sent).toHaveLength(1)
  })

  it('shows a dead digest message as the subscription\'s last error', async () => {
    const sub = await subscribe('desk@newsroom.example')
    const consumed = await consume([{ v: 2, kind: 'digest', subscriptionId: sub, tick: BASE }], { queue: DEAD_LETTERS, attempts: 6 })
    expect(consumed).toEqual({ acked: ['m0'], retried: [] })
    const digest = await json<{ delivery: { errorCount: number; lastError: string | null; lastDigest: unknown } }>(await api(`/api/digests/${sub}`))
    expect(digest.delivery).toMatchObject({ errorCount: 1, lastDigest: null })
    expect(digest.delivery.lastError).toContain('dead_letter')
  })
})
