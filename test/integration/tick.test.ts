// One cron tick end to end inside workerd: scheduled handler → fake network → parse → real local KV → alerts API.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, env, json, tick } from '../support/worker'
import { crashOnFirstPut } from '../support/kv-faults'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { countingKv } from '../../src/storage/counting-kv'
import { DEFAULT_HEARTBEAT_MINUTES, parseHeartbeatMinutes } from '../../src/config/settings'
import contentEncodedRaw from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import editedHeadlineRaw from '../../fixtures/feeds/rss2-edited-headline.xml?raw'
import editedSummaryRaw from '../../fixtures/feeds/rss2-edited-summary.xml?raw'
import reserialisedRaw from '../../fixtures/feeds/rss2-reserialised.xml?raw'
import htmlPage from '../../fixtures/feeds/html-page-not-a-feed.html?raw'
import emptyBody from '../../fixtures/feeds/empty-body.xml?raw'
import truncatedXml from '../../fixtures/feeds/truncated-xml.xml?raw'
import atomXmlBase from '../../fixtures/feeds/atom-relative-links-xml-base.xml?raw'
import rss1 from '../../fixtures/feeds/rss1-rdf.xml?raw'
import duplicateGuids from '../../fixtures/feeds/rss2-duplicate-guids.xml?raw'
import withoutGuids from '../../fixtures/feeds/rss2-items-without-guids.xml?raw'

// These tests tick every 5 minutes; the fixtures' <ttl>15</ttl> would make the pipeline wait 15 (scale.test.ts covers that).
const withoutTtl = (xml: string): string => xml.replace(/<ttl>\d+<\/ttl>/g, '')
const contentEncoded = withoutTtl(contentEncodedRaw)
const editedHeadline = withoutTtl(editedHeadlineRaw)
const editedSummary = withoutTtl(editedSummaryRaw)
const reserialised = withoutTtl(reserialisedRaw)

const FEED = 'https://news.example.com/rss.xml'
const OTHER = 'https://other.example.org/atom.xml'
const MIN = 60_000
// After the feeds' addedAt (the real clock), as a tick is in production.
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

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
  heartbeatEveryMinutes: number
  lastTick: { at: string; feedsPolled: number; notModified: number; unchanged: number; updated: number; failed: number; articlesNew: number; articlesRevised: number; alertsRaised: number; backingOff: number } | null
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
    // the registry, one state per due feed, the (absent) webhook registry: nothing per article
    expect(counts.reads).toBe(4)
  })

  it('writes nothing but the heartbeat when a server rotates its ETag and lastBuildDate on an unchanged feed', async () => {
    let n = 0
    network.serve(FEED, () => {
      n++
      const text = body.replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, '').replace('<channel>', `<channel><lastBuildDate>Mon, 02 Nov 2026 09:0${n}:00 GMT</lastBuildDate>`)
      return new Response(text, { headers: { 'content-type': 'application/rss+xml', etag: `"rotating-${n}"`, 'last-modified': `Mon, 02 Nov 2026 09:0${n}:00 GMT` } })
    })
    await addFeed(FEED)
    await tick(T0)
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 5 * MIN, { STORE: kv })
    await tick(T0 + 10 * MIN, { STORE: kv })
    expect(n).toBe(3)
    expect(counts.writes).toBe(2)
    expect((await health()).lastTick).toMatchObject({ unchanged: 1, updated: 0 })
  })

  it('records the heartbeat on the first tick of each window and at once for a tick in which a feed failed', async () => {
    network.serve(FEED, feedResponder(() => body, { etag: '"v1"' }))
    await addFeed(FEED)
    const hourly = { HEARTBEAT_MINUTES: '60' }
    await tick(T0, hourly) // 09:00, the first tick of its hour: recorded
    const { kv, counts } = countingKv(env.STORE)
    for (let m = 5; m < 30; m += 5) await tick(T0 + m * MIN, { ...hourly, STORE: kv })
    // Five 304 ticks: not a single write, and health still shows 09:00.
    expect(counts.writes).toBe(0)
    const quiet = await health()
    expect(quiet.lastTickAt).toBe(new Date(T0).toISOString())
    expect(quiet.heartbeatEveryMinutes).toBe(0) // the test Worker's own setting; the override above is per tick
    // A revision is stored (its writes), but the tick is not the first of its hour: no heartbeat write for it.
    body = editedHeadline
    network.serve(FEED, feedResponder(() => body, { etag: '"v2"' }))
    await tick(T0 + 30 * MIN, { ...hourly, STORE: kv })
    expect((await alerts()).map((a) => a.type)).toEqual(['revision'])
    expect((await health()).lastTickAt).toBe(new Date(T0).toISOString())
    // A failing feed: recorded at once.
    network.serve(FEED, () => new Response('down', { status: 503 }))
    await tick(T0 + 35 * MIN, { ...hourly, STORE: kv })
    expect((await health()).lastTick).toMatchObject({ at: new Date(T0 + 35 * MIN).toISOString(), failed: 1 })
    // The first tick of the next hour is recorded whatever it did.
    network.serve(FEED, feedResponder(() => body, { etag: '"v2"' }))
    await tick(T0 + 60 * MIN, { ...hourly, STORE: kv })
    expect((await health()).lastTickAt).toBe(new Date(T0 + 60 * MIN).toISOString())
  })

  it('rejects a heartbeat window that is not a whole number of minutes, naming the setting and keeping the default', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(parseHeartbeatMinutes('15')).toBe(15)
    expect(parseHeartbeatMinutes(undefined)).toBe(DEFAULT_HEARTBEAT_MINUTES)
    expect(parseHeartbeatMinutes('soon')).toBe(DEFAULT_HEARTBEAT_MINUTES)
    expect(parseHeartbeatMinutes('-5')).toBe(DEFAULT_HEARTBEAT_MINUTES)
    expect(errors).toHaveBeenCalledTimes(2)
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/HEARTBEAT_MINUTES.*"soon"/)
  })

  it('reads the registry, one state per due feed and one record per changed item', async () => {
    for (const feeds of [2, 5]) {
      await reset()
      const urls = Array.from({ length: feeds }, (_, i) => `https://site${i}.example.com/rss.xml`)
      let edited = false
      for (const url of urls) {
        const host = new URL(url).host
        network.serve(url, feedResponder(() => (url === urls[0] && edited ? editedHeadline : body).replace(/news\.example\.com/g, host)))
        await addFeed(url)
      }
      await tick(T0)
      edited = true
      const { kv, counts } = countingKv(env.STORE)
      await tick(T0 + 5 * MIN, { STORE: kv })
      // registry, states, the edited article's record, its alert-id marker, the story and webhook registries (once per tick)
      expect(counts.reads).toBe(1 + feeds + 4)
      expect(counts.lists).toBe(0)
    }
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

})


describe('crash safety', () => {
  it('raises the alert exactly once when a tick dies between the alert and the new version', async () => {
    network.serve(FEED, feedResponder(() => body))
    const id = await addFeed(FEED)
    await tick(T0)
    body = editedHeadline
    await tick(T0 + 5 * MIN, { STORE: crashOnFirstPut(env.STORE, 'article-version:') })
    expect((await feedStatus(id)).lastError?.code).toBe('internal')
    const afterCrash = await alerts()
    expect(afterCrash).toHaveLength(1)
    // the retry, after the backoff, finds the same change and the same alert id
    await tick(T0 + 10 * MIN)
    const list = await alerts()
    expect(list).toHaveLength(1)
    expect(list[0]?.id).toBe(afterCrash[0]?.id)
    const article = await json<{ versionCount: number }>(await api(`/api/articles/${list[0]?.articleId}`))
    expect(article.versionCount).toBe(2)
    expect((await feedStatus(id)).consecutiveFailures).toBe(0)
  })

  it('lists the alert once when a tick dies after the id marker but before the listing key', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0)
    body = editedHeadline
    await tick(T0 + 5 * MIN, { STORE: crashOnFirstPut(env.STORE, 'alerts:') })
    expect(await alerts()).toHaveLength(0)
    await tick(T0 + 10 * MIN)
    expect(await alerts()).toHaveLength(1)
  })

  it('lists an article whose index key was lost to a crash once the feed is polled again', async () => {
    network.serve(FEED, feedResponder(() => body))
    await addFeed(FEED)
    await tick(T0, { STORE: crashOnFirstPut(env.STORE, 'articles:') })
    // the crash hit the index write of the first article, after its record was stored
    expect((await json<{ items: unknown[] }>(await api('/api/articles?limit=100'))).items).toHaveLength(0)
    await tick(T0 + 10 * MIN)
    const relisted = (await json<{ items: unknown[] }>(await api('/api/articles?limit=100'))).items.length
    const inFeed = (contentEncoded.match(/<item[\s>]/g) ?? []).length
    expect(relisted).toBe(inFeed)
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
    ['an HTML page instead of a feed', htmlPage, 'html_page'],
    ['an empty body', emptyBody, 'empty_body'],
    ['truncated XML', truncatedXml, 'malformed_xml'],
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

describe('feed formats through the whole pipeline', () => {
  it.each([
    ['Atom with relative links and xml:base', atomXmlBase],
    ['RSS 1.0 (RDF)', rss1],
    ['RSS 2.0 with duplicate guids', duplicateGuids],
    ['RSS 2.0 items without guids', withoutGuids],
  ])('stores %s with absolute, unique article URLs and is stable on the next tick', async (_name, text) => {
    network.serve(FEED, feedResponder(() => text))
    await addFeed(FEED)
    await tick(T0)
    const h = await health()
    expect(h.lastTick).toMatchObject({ failed: 0, updated: 1 })
    const items = (await json<{ items: { url: string; title: string }[] }>(await api('/api/articles?limit=100'))).items
    expect(items.length).toBe(h.lastTick?.articlesNew)
    expect(items.length).toBeGreaterThan(1)
    for (const item of items) expect(item.url).toMatch(/^https?:\/\/[^/]+\//)
    expect(new Set(items.map((i) => i.url)).size).toBe(items.length)
    // the same bytes again: nothing new, nothing revised
    body = text
    await tick(T0 + 5 * MIN)
    expect((await health()).lastTick).toMatchObject({ articlesNew: 0, articlesRevised: 0 })
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

  it('does not call a second feed\'s different summary a revision, but does alert when that feed edits the item', async () => {
    let other = editedSummary
    network.serve(FEED, feedResponder(() => body))
    network.serve(OTHER, feedResponder(() => other))
    await addFeed(FEED)
    await tick(T0)
    await addFeed(OTHER)
    await tick(T0 + 5 * MIN)
    expect(await alerts()).toEqual([])
    // the second feed now edits the headline too: its own view changed, so this is a revision
    other = mergeEdits(editedHeadline, editedSummary)
    await tick(T0 + 10 * MIN)
    const list = await alerts()
    expect(list).toHaveLength(1)
    expect(list[0]?.changes?.map((c) => c.field)).toContain('title')
  })
})

/** A feed with both the headline edit and the summary edit (the fixtures differ from the base in one item each). */
function mergeEdits(headline: string, summary: string): string {
  const base = contentEncoded.split('\n')
  const h = headline.split('\n')
  const s = summary.split('\n')
  if (h.length !== base.length || s.length !== base.length) throw new Error('edit fixtures must keep the line structure')
  return base.map((line, i) => (h[i] !== line ? h[i] : s[i])).join('\n')
}
