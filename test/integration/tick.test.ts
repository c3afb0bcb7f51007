// One cron tick end to end inside workerd: scheduled handler → fake network → parse → real local KV → alerts API.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, env, json, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { countingKv } from '../../src/storage/counting-kv'
import contentEncoded from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import editedHeadline from '../../fixtures/feeds/rss2-edited-headline.xml?raw'
import editedSummary from '../../fixtures/feeds/rss2-edited-summary.xml?raw'
import reserialised from '../../fixtures/feeds/rss2-reserialised.xml?raw'

const FEED = 'https://news.example.com/rss.xml'
const OTHER = 'https://other.example.org/atom.xml'
const MIN = 60_000
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0)

interface AlertItem {
  id: string
  type: string
  articleId: string
  title: string
  summary: string
  changes?: { field: string; before: string; after: string; ops: { op: string; text: string }[] | null }[]
}
interface Health {
  lastTickAt: string | null
  lastTick: { feedsPolled: number; notModified: number; unchanged: number; updated: number; failed: number; articlesNew: number; articlesRevised: number; alertsRaised: number; backingOff: number } | null
}
interface FeedItem {
  id: string
  status: { lastCheckedAt: string | null; errorCount: number; consecutiveFailures: number; lastError: { code: string; message: string } | null; retryAt: string | null }
}

async function alerts(): Promise<AlertItem[]> {
  return (await json<{ items: AlertItem[] }>(await api('/api/alerts?limit=100'))).items
}
async function health(): Promise<Health> {
  return json<Health>(await api('/api/health'))
}
async function feedStatus(id: string): Promise<FeedItem['status']> {
  const items = (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items
  const found = items.find((f) => f.id === id)
  if (!found) throw new Error(`feed ${id} not listed`)
  return found.status
}

let network: FakeNetwork
let body: string
beforeEach(async () => {
  await reset()
  body = contentEncoded
  network = new FakeNetwork().install()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('first sight', () => {
  it('stores every item of a new feed as version 1 and raises no alert', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    const h = await health()
    expect(h.lastTickAt).toBe(new Date(T0).toISOString())
    expect(h.lastTick).toMatchObject({ feedsPolled: 1, updated: 1, failed: 0, alertsRaised: 0 })
    expect(h.lastTick?.articlesNew).toBeGreaterThanOrEqual(3)
    const articles = await json<{ items: { versionCount: number }[] }>(await api('/api/articles?limit=100'))
    expect(articles.items).toHaveLength(h.lastTick?.articlesNew ?? -1)
    expect(articles.items.every((a) => a.versionCount === 1)).toBe(true)
    expect(await alerts()).toEqual([])
  })
})

describe('conditional GET', () => {
  it('sends If-None-Match and If-Modified-Since from the last response and treats 304 as success', async () => {
    network.serve(FEED, feedResponder(() => body, { etag: '"v1"', lastModified: 'Mon, 02 Nov 2026 08:55:00 GMT' }))
    const id = await addFeed(FEED)
    await tick(T0)
    await tick(T0 + 5 * MIN)
    const [first, second] = network.requestsTo(FEED)
    expect(first?.headers['if-none-match']).toBeUndefined()
    expect(first?.headers['user-agent']).toMatch(/Storywatch/)
    expect(first?.headers.accept).toMatch(/application\/rss\+xml/)
    expect(first?.headers.accept).toMatch(/application\/atom\+xml/)
    expect(second?.headers['if-none-match']).toBe('"v1"')
    expect(second?.headers['if-modified-since']).toBe('Mon, 02 Nov 2026 08:55:00 GMT')
    expect((await health()).lastTick).toMatchObject({ feedsPolled: 1, notModified: 1, failed: 0 })
    expect((await feedStatus(id)).lastCheckedAt).toBe(new Date(T0 + 5 * MIN).toISOString())
  })

  it('skips parsing when the body bytes are identical to the last fetch', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    await tick(T0 + 5 * MIN)
    expect((await health()).lastTick).toMatchObject({ feedsPolled: 1, unchanged: 1, updated: 0, articlesNew: 0 })
  })
})

describe('KV budget', () => {
  it('writes nothing but the heartbeat on a tick in which no feed changed', async () => {
    network.serve(FEED, feedResponder(() => body, { etag: '"v1"' }))
    network.serve(OTHER, feedResponder(() => body.replace(/news\.example\.com/g, 'other.example.org')))
    await addFeed(FEED)
    await addFeed(OTHER)
    await tick(T0)
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 5 * MIN, { STORE: kv })
    expect(counts.writes).toBe(1)
    expect(counts.lists).toBe(0)
    expect(counts.deletes).toBe(0)
    // the registry, one state per due feed: nothing per article
    expect(counts.reads).toBe(3)
  })

  it('reads at most linearly in the number of due feeds', async () => {
    const urls = Array.from({ length: 6 }, (_, i) => `https://site${i}.example.com/rss.xml`)
    for (const url of urls) {
      network.serve(url, feedResponder(() => body.replace(/news\.example\.com/g, new URL(url).host), { etag: '"same"' }))
      await addFeed(url)
    }
    await tick(T0)
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 5 * MIN, { STORE: kv })
    expect(counts.reads).toBeLessThanOrEqual(1 + urls.length)
    expect(counts.lists).toBe(0)
  })
})

describe('revisions', () => {
  it('raises one revision alert with a word diff when a headline is edited', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = editedHeadline
    await tick(T0 + 5 * MIN)
    const list = await alerts()
    expect(list).toHaveLength(1)
    const alert = list[0]
    expect(alert?.type).toBe('revision')
    expect(alert?.changes?.map((c) => c.field)).toEqual(['title'])
    const change = alert?.changes?.[0]
    expect(change?.before).not.toBe(change?.after)
    expect(change?.ops?.some((o) => o.op === 'insert')).toBe(true)
    expect(change?.ops?.some((o) => o.op === 'delete')).toBe(true)
    const article = await json<{ versionCount: number; latest: { title: string } }>(await api(`/api/articles/${alert?.articleId}`))
    expect(article.versionCount).toBe(2)
    expect(article.latest.title).toBe(change?.after)
    expect((await health()).lastTick).toMatchObject({ articlesRevised: 1, alertsRaised: 1 })
  })

  it('raises a revision alert naming the summary when only the summary is edited', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = editedSummary
    await tick(T0 + 5 * MIN)
    const list = await alerts()
    expect(list).toHaveLength(1)
    expect(list[0]?.changes?.map((c) => c.field)).toContain('summary')
    expect(list[0]?.changes?.map((c) => c.field)).not.toContain('title')
  })

  it('does not treat a re-serialised but identical feed as a revision', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = reserialised
    await tick(T0 + 5 * MIN)
    expect(await alerts()).toEqual([])
    expect((await health()).lastTick).toMatchObject({ feedsPolled: 1, articlesRevised: 0, articlesNew: 0 })
  })

  it('raises the alert once when the same tick runs twice (a retried cron)', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = editedHeadline
    await tick(T0 + 5 * MIN)
    await tick(T0 + 5 * MIN)
    await tick(T0 + 10 * MIN)
    expect(await alerts()).toHaveLength(1)
  })

  it('raises the alert once when two ticks run at the same time', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = editedHeadline
    await Promise.all([tick(T0 + 5 * MIN), tick(T0 + 5 * MIN)])
    expect(await alerts()).toHaveLength(1)
  })
})

describe('failures', () => {
  it('records a failing feed without stopping the other feeds of the tick', async () => {
    network.serve(FEED, () => new Response('upstream broke', { status: 500 }))
    network.serve(OTHER, feedResponder(() => body.replace(/news\.example\.com/g, 'other.example.org')))
    const bad = await addFeed(FEED)
    await addFeed(OTHER)
    await tick(T0)
    expect((await health()).lastTick).toMatchObject({ feedsPolled: 2, failed: 1, updated: 1 })
    const status = await feedStatus(bad)
    expect(status).toMatchObject({ errorCount: 1, consecutiveFailures: 1, lastError: { code: 'http_500' } })
    expect(status.lastError?.message).toContain(FEED)
  })

  it.each([
    ['an HTML page instead of a feed', '<!DOCTYPE html><html><head><title>News</title></head><body><p>Hi</p></body></html>', 'html_page'],
    ['an empty body', '', 'empty_body'],
    ['truncated XML', '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Half', 'malformed_xml'],
  ])('records %s as a per-feed error', async (_name, text, code) => {
    network.serve(FEED, feedResponder(() => text))
    const id = await addFeed(FEED)
    await tick(T0)
    expect((await feedStatus(id)).lastError?.code).toBe(code)
    expect((await health()).lastTick).toMatchObject({ failed: 1 })
  })

  it('backs off after repeated failures and resets the count on success', async () => {
    let up = false
    network.serve(FEED, (req) => (up ? feedResponder(() => body)(req) : new Response('down', { status: 503 })))
    const id = await addFeed(FEED)
    await tick(T0)
    expect((await feedStatus(id)).retryAt).toBe(new Date(T0 + 5 * MIN).toISOString())
    await tick(T0 + 5 * MIN)
    const second = await feedStatus(id)
    expect(second.consecutiveFailures).toBe(2)
    expect(second.retryAt).toBe(new Date(T0 + 15 * MIN).toISOString())
    // still backing off: not polled
    await tick(T0 + 10 * MIN)
    expect(network.requestsTo(FEED)).toHaveLength(2)
    expect((await health()).lastTick).toMatchObject({ backingOff: 1, feedsPolled: 0 })
    up = true
    await tick(T0 + 15 * MIN)
    const healed = await feedStatus(id)
    expect(healed).toMatchObject({ consecutiveFailures: 0, retryAt: null, errorCount: 2 })
  })
})

describe('the same article in two feeds', () => {
  it('is one article listing both feeds', async () => {
    network.serve(FEED, feedResponder(() => body))
    network.serve(OTHER, feedResponder(() => body))
    const a = await addFeed(FEED)
    const b = await addFeed(OTHER)
    await tick(T0)
    const articles = await json<{ items: { feedIds: string[] }[] }>(await api('/api/articles?limit=100'))
    expect(articles.items.length).toBeGreaterThan(0)
    for (const item of articles.items) expect(item.feedIds.sort()).toEqual([a, b].sort())
    expect(await alerts()).toEqual([])
  })
})
