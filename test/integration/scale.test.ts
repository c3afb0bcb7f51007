// Scale and politeness: bounded ticks with a rotation, per-host limits, publisher hints, disabling, queue fan-out.
import { describe, expect, it } from 'vitest'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import worker from '../../src/index'
import { addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'

const MIN = 60_000
const DAY = 24 * 60 * MIN
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

function rss(host: string, extra = ''): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>${extra}
<item><title>Story from ${host}</title><link>https://${host}/a/1</link><guid>https://${host}/a/1</guid><description>Text from ${host}.</description></item>
</channel></rss>`
}

interface Health {
  lastTick: { feedsDue: number; feedsPolled: number; feedsDeferred: number; feedsEnqueued: number; feedsDisabled: number; feedsWaitingForHint: number; subrequests: number; queueMessages: number } | null
}
interface FeedItem {
  id: string
  url: string
  status: { disabled: { reason: string } | null; minIntervalMinutes: number | null; lastError: { code: string } | null; consecutiveFailures: number }
}

const network = freshWorldEachTest()

async function lastTick(): Promise<NonNullable<Health['lastTick']>> {
  const h = await json<Health>(await api('/api/health'))
  if (!h.lastTick) throw new Error('no tick yet')
  return h.lastTick
}
async function feedList(): Promise<FeedItem[]> {
  return (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items
}

describe('bounded ticks without a queue', () => {
  it('polls at most 30 feeds a tick and gives the others their turn on the next ticks', async () => {
    const urls = Array.from({ length: 40 }, (_, i) => `https://site${i}.example.com/rss.xml`)
    for (const url of urls) {
      network.serve(url, feedResponder(() => rss(new URL(url).host)))
      await addFeed(url)
    }
    await tick(T0)
    expect(await lastTick()).toMatchObject({ feedsDue: 40, feedsPolled: 30, feedsDeferred: 10, subrequests: 30, queueMessages: 0 })
    await tick(T0 + 5 * MIN)
    const polled = new Set(network.requests.map((r) => r.url))
    expect(polled.size).toBe(40)
    expect(network.requests).toHaveLength(60)
  })

  it('polls at most 5 feeds of one host per tick', async () => {
    for (let i = 0; i < 12; i++) {
      const url = `https://bigpublisher.example.com/feeds/${i}.xml`
      network.serve(url, feedResponder(() => rss(`bigpublisher.example.com`).replace('/a/1', `/a/${i}`)))
      await addFeed(url)
    }
    await tick(T0)
    expect(await lastTick()).toMatchObject({ feedsDue: 12, feedsPolled: 5, feedsDeferred: 7 })
    await tick(T0 + 5 * MIN)
    await tick(T0 + 10 * MIN)
    // three ticks of five: every one of the twelve feeds has had its turn
    expect(new Set(network.requests.map((r) => r.url)).size).toBe(12)
  })
})

describe('publisher hints and failures', () => {
  it('honours the largest of <ttl>, max-age and Expires before polling again', async () => {
    const url = 'https://slow.example.com/rss.xml'
    network.serve(url, (req) => {
      const res = feedResponder(() => rss('slow.example.com', '<ttl>30</ttl>'))(req)
      return res instanceof Response ? new Response(res.body, { headers: { ...Object.fromEntries(res.headers), 'cache-control': 'max-age=3600' } }) : res
    })
    await addFeed(url)
    await tick(T0)
    expect((await feedList())[0]?.status.minIntervalMinutes).toBe(60)
    for (let i = 1; i < 12; i++) await tick(T0 + i * 5 * MIN)
    // one poll at T0, then exactly one more within the next hour of ticks
    expect(network.requestsTo(url).length).toBe(2)
  })

  it('disables a feed that failed for 3 days, shows why, and re-enables it on request', async () => {
    const url = 'https://broken.example.com/rss.xml'
    let up = false
    network.serve(url, (req) => (up ? feedResponder(() => rss('broken.example.com'))(req) : new Response('gone wrong', { status: 500 })))
    const id = await addFeed(url)
    for (let t = 0; t <= 3 * DAY + 60 * MIN; t += 60 * MIN) await tick(T0 + t)
    const disabled = (await feedList())[0]?.status
    expect(disabled?.disabled?.reason).toContain('500')
    const before = network.requestsTo(url).length
    await tick(T0 + 4 * DAY)
    expect(network.requestsTo(url).length).toBe(before)
    expect(await lastTick()).toMatchObject({ feedsDisabled: 1, feedsPolled: 0 })
    up = true
    const res = await api(`/api/feeds/${id}`, { method: 'PATCH', json: { enabled: true } })
    expect(res.status).toBe(200)
    await tick(T0 + 4 * DAY + 5 * MIN)
    const healed = (await feedList())[0]?.status
    expect(healed).toMatchObject({ disabled: null, consecutiveFailures: 0 })
  })
})

describe('fan-out on a queue', () => {
  it('enqueues the due feeds 25 to a message instead of polling them', async () => {
    const sent: { body: { feedIds: string[] } }[][] = []
    const queue = { sendBatch: async (msgs: { body: { feedIds: string[] } }[]) => void sent.push(msgs), send: async () => undefined }
    for (let i = 0; i < 150; i++) {
      const url = `https://q${i}.example.com/rss.xml`
      await addFeed(url)
    }
    await tick(T0, { FEED_QUEUE: queue } as unknown as Partial<Env>)
    expect(sent.map((b) => b.length)).toEqual([6])
    expect(sent.flat().map((m) => m.body.feedIds.length)).toEqual([25, 25, 25, 25, 25, 25])
    expect(network.requests).toHaveLength(0)
    expect(await lastTick()).toMatchObject({ feedsDue: 150, feedsEnqueued: 150, feedsPolled: 0, subrequests: 0, queueMessages: 6 })
  })

  it('polls each feed of single-feed messages (the first release\'s format) and acknowledges each message', async () => {
    const urls = ['https://qa.example.com/rss.xml', 'https://qb.example.com/rss.xml']
    const ids: string[] = []
    for (const url of urls) {
      network.serve(url, feedResponder(() => rss(new URL(url).host)))
      ids.push(await addFeed(url))
    }
    ids.push('ffffffffffff') // a feed deleted since the tick
    const batch = createMessageBatch('storywatch-feeds', ids.map((feedId, i) => ({ id: `m${i}`, timestamp: new Date(T0), attempts: 1, body: { feedId, tick: T0 } })))
    const ctx = createExecutionContext()
    await worker.queue(batch, env)
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1', 'm2'])
    expect(result.retryMessages).toEqual([])
    expect((await json<{ items: unknown[] }>(await api('/api/articles'))).items).toHaveLength(2)
  })

  it('marks a feed whose message reached the dead-letter queue', async () => {
    const id = await addFeed('https://dead.example.com/rss.xml')
    const batch = createMessageBatch('storywatch-feeds-dlq', [{ id: 'd1', timestamp: new Date(T0), attempts: 6, body: { feedId: id, tick: T0 } }])
    const ctx = createExecutionContext()
    await worker.queue(batch, env)
    await getQueueResult(batch, ctx)
    expect((await feedList())[0]?.status.lastError?.code).toBe('dead_letter')
  })
})
