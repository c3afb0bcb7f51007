// The HTTP API through the Worker's real fetch handler: auth, validation, feeds CRUD, OPML, errors.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, json } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'

interface ErrorBody {
  error: { code: string; message: string }
}

const RSS = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://news.example.com/</link>${items}</channel></rss>`
const ITEM = (n: number, title: string) =>
  `<item><title>${title}</title><link>https://news.example.com/a/${n}</link><guid>https://news.example.com/a/${n}</guid><description>Summary ${n}</description><pubDate>Mon, 02 Nov 2026 09:0${n}:00 GMT</pubDate></item>`

beforeEach(async () => {
  await reset()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('authentication', () => {
  it('answers /api/health without a token', async () => {
    const res = await api('/api/health', { token: null })
    expect(res.status).toBe(200)
    expect(await json<{ ok: boolean; lastTickAt: string | null }>(res)).toMatchObject({ ok: true, lastTickAt: null })
  })

  it.each([
    ['no Authorization header', 'GET', '/api/feeds', null],
    ['a wrong token', 'GET', '/api/feeds', 'wrong-token'],
    ['an empty token', 'GET', '/api/alerts', ''],
    ['a token that is a prefix of the real one', 'GET', '/api/articles', 'test-tok'],
    ['no token on a write', 'POST', '/api/feeds', null],
    ['no token on a delete', 'DELETE', '/api/feeds/0123456789ab', null],
  ])('refuses %s with 401 in the error shape', async (_name, method, path, token) => {
    const res = await api(path, { method, token, ...(method === 'POST' ? { json: { url: 'https://news.example.com/x.xml' } } : {}) })
    expect(res.status).toBe(401)
    const body = await json<ErrorBody>(res)
    expect(body.error.code).toBe('unauthorized')
    expect(body.error.message).not.toContain('test-token')
    if (method === 'POST') expect((await json<{ items: unknown[] }>(await api('/api/feeds'))).items).toHaveLength(0)
  })
})

describe('read-only tokens (API_READ_TOKENS)', () => {
  it('read the API but cannot write to it', async () => {
    const read = await api('/api/feeds', { token: 'viewer-token-0123456789' })
    expect(read.status).toBe(200)
    const second = await api('/api/alerts', { token: 'second-viewer-token-abcdef' })
    expect(second.status).toBe(200)
    const write = await api('/api/feeds', { method: 'POST', token: 'viewer-token-0123456789', json: { url: 'https://news.example.com/rss.xml' } })
    expect(write.status).toBe(403)
    expect((await json<ErrorBody>(write)).error.code).toBe('forbidden')
    expect((await json<{ items: unknown[] }>(await api('/api/feeds'))).items).toHaveLength(0)
  })

  it.each(['/api/webhooks', '/api/digests'])('cannot read %s, whose contents are credentials', async (path) => {
    const res = await api(path, { token: 'viewer-token-0123456789' })
    expect(res.status).toBe(403)
    expect((await api(path)).status).toBe(200)
  })

  it('open the history pages and Atom feeds', async () => {
    expect((await api('/alerts.atom?token=viewer-token-0123456789', { token: null })).status).toBe(200)
    expect((await api('/?token=viewer-token-0123456789', { token: null })).status).toBe(200)
  })
})

describe('POST /api/feeds', () => {
  it('adds a feed and lists it with an empty status', async () => {
    const res = await api('/api/feeds', { method: 'POST', json: { url: 'https://news.example.com/rss.xml', title: 'Desk', intervalMinutes: 15 } })
    expect(res.status).toBe(201)
    const feed = await json<{ id: string; url: string; title: string; intervalMinutes: number }>(res)
    expect(feed).toMatchObject({ url: 'https://news.example.com/rss.xml', title: 'Desk', intervalMinutes: 15 })
    expect(feed.id).toMatch(/^[0-9a-f]{12}$/)
    const list = await json<{ items: { id: string; status: { lastCheckedAt: string | null; errorCount: number } }[] }>(await api('/api/feeds'))
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({ id: feed.id, status: { lastCheckedAt: null, errorCount: 0 } })
  })

  it('refuses a duplicate URL with 409', async () => {
    await addFeed('https://news.example.com/rss.xml')
    const res = await api('/api/feeds', { method: 'POST', json: { url: 'https://news.example.com/rss.xml#top' } })
    expect(res.status).toBe(409)
    expect((await json<ErrorBody>(res)).error.code).toBe('duplicate_feed')
  })

  it.each([
    ['a URL that does not parse', { url: 'not a url' }, 'invalid_url'],
    ['an ftp URL', { url: 'ftp://news.example.com/rss.xml' }, 'unsupported_scheme'],
    ['a URL with credentials', { url: 'https://user:pw@news.example.com/rss.xml' }, 'credentials'],
    ['a loopback URL while ALLOW_LOOPBACK_FEEDS is off', { url: 'http://127.0.0.1:8080/feed.xml' }, 'forbidden_host'],
    ['localhost while ALLOW_LOOPBACK_FEEDS is off', { url: 'http://localhost/feed.xml' }, 'forbidden_host'],
    ['a private address', { url: 'http://10.0.0.5/feed.xml' }, 'forbidden_host'],
  ])('refuses %s with 400', async (_name, body, code) => {
    const res = await api('/api/feeds', { method: 'POST', json: body })
    expect(res.status).toBe(400)
    const err = await json<ErrorBody>(res)
    expect(err.error.code).toBe(code)
    expect(err.error.message.length).toBeGreaterThan(10)
    const list = await json<{ items: unknown[] }>(await api('/api/feeds'))
    expect(list.items).toHaveLength(0)
  })

  it.each([
    ['a missing url', {}, 'url'],
    ['a url of the wrong type', { url: 42 }, 'url'],
    ['an interval of the wrong type', { url: 'https://news.example.com/a.xml', intervalMinutes: 'often' }, 'intervalMinutes'],
    ['an interval below the cron period', { url: 'https://news.example.com/a.xml', intervalMinutes: 1 }, 'intervalMinutes'],
    ['an unknown field', { url: 'https://news.example.com/a.xml', intervall: 5 }, 'intervall'],
    ['a JSON array instead of an object', [{ url: 'https://news.example.com/a.xml' }], '(body)'],
    ['a JSON string instead of an object', 'https://news.example.com/a.xml', '(body)'],
  ])('answers %s with 400 naming the field', async (_name, body, field) => {
    const res = await api('/api/feeds', { method: 'POST', json: body })
    expect(res.status).toBe(400)
    const err = await json<ErrorBody>(res)
    expect(err.error.code).toBe('invalid_request')
    expect(err.error.message).toContain(field)
  })

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await api('/api/feeds', { method: 'POST', body: '{"url": ', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(400)
    expect((await json<ErrorBody>(res)).error.code).toBe('invalid_json')
  })

  it('answers an oversized body with 413', async () => {
    const res = await api('/api/feeds', { method: 'POST', json: { url: 'https://news.example.com/a.xml', title: 'x'.repeat(40_000) } })
    expect(res.status).toBe(413)
    expect((await json<ErrorBody>(res)).error.code).toBe('payload_too_large')
  })
})

describe('DELETE /api/feeds/:id', () => {
  it('removes a feed with 204 and then answers 404 for it', async () => {
    const id = await addFeed('https://news.example.com/rss.xml')
    expect((await api(`/api/feeds/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await json<{ items: unknown[] }>(await api('/api/feeds'))).items).toHaveLength(0)
    const again = await api(`/api/feeds/${id}`, { method: 'DELETE' })
    expect(again.status).toBe(404)
    expect((await json<ErrorBody>(again)).error.code).toBe('feed_not_found')
  })
})

describe('OPML', () => {
  it('exports the feed list and imports it back, reporting duplicates and refusals', async () => {
    await addFeed('https://news.example.com/rss.xml', { title: 'Desk & "Co"' })
    const exported = await api('/api/feeds.opml')
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-type')).toContain('opml')
    const opml = await exported.text()
    expect(opml).toContain('xmlUrl="https://news.example.com/rss.xml"')

    const extra = opml.replace(
      '</body>',
      '<outline text="Politics" xmlUrl="https://politics.example.org/atom.xml"/><outline text="Bad" xmlUrl="javascript:alert(1)"/></body>',
    )
    const res = await api('/api/feeds/import', { method: 'POST', body: extra, headers: { 'content-type': 'text/x-opml' } })
    expect(res.status).toBe(200)
    const report = await json<{ added: { url: string }[]; duplicates: { url: string }[]; refused: { url: string; code: string }[] }>(res)
    expect(report.added.map((f) => f.url)).toEqual(['https://politics.example.org/atom.xml'])
    expect(report.duplicates.map((f) => f.url)).toEqual(['https://news.example.com/rss.xml'])
    expect(report.refused).toEqual([expect.objectContaining({ url: 'javascript:alert(1)', code: 'unsupported_scheme' })])
    expect((await json<{ items: unknown[] }>(await api('/api/feeds'))).items).toHaveLength(2)
  })

  it('answers a document that is not OPML with 400', async () => {
    const res = await api('/api/feeds/import', { method: 'POST', body: '<html><body>hi</body></html>' })
    expect(res.status).toBe(400)
    expect((await json<ErrorBody>(res)).error.code).toBe('invalid_opml')
  })
})

describe('POST /api/feeds/:id/check', () => {
  it('answers an unknown feed id with 404', async () => {
    const res = await api('/api/feeds/0123456789ab/check', { method: 'POST' })
    expect(res.status).toBe(404)
    expect((await json<ErrorBody>(res)).error.code).toBe('feed_not_found')
  })

  it('polls a feed now through the pipeline and reports new articles', async () => {
    new FakeNetwork().serve('https://news.example.com/rss.xml', feedResponder(() => RSS(ITEM(1, 'First') + ITEM(2, 'Second')))).install()
    const id = await addFeed('https://news.example.com/rss.xml')
    const res = await api(`/api/feeds/${id}/check`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ feedId: id, outcome: 'updated', newArticles: 2, revisedArticles: 0 })
    const again = await json(await api(`/api/feeds/${id}/check`, { method: 'POST' }))
    expect(again).toEqual({ feedId: id, outcome: 'unchanged', newArticles: 0, revisedArticles: 0 })
  })

  it('reports a failing feed as an error outcome with a readable message', async () => {
    new FakeNetwork().serve('https://news.example.com/rss.xml', () => new Response('<html><body>Sign in</body></html>', { headers: { 'content-type': 'text/html' } })).install()
    const id = await addFeed('https://news.example.com/rss.xml')
    const body = await json<{ outcome: string; error: { code: string; message: string } }>(await api(`/api/feeds/${id}/check`, { method: 'POST' }))
    expect(body.outcome).toBe('error')
    expect(body.error.code).toBe('html_page')
    const feeds = await json<{ items: { status: { errorCount: number; lastError: { code: string } } }[] }>(await api('/api/feeds'))
    expect(feeds.items[0]?.status).toMatchObject({ errorCount: 1, lastError: { code: 'html_page' } })
  })
})

describe('articles and alerts', () => {
  it('lists articles newest first with a signed cursor that pages through them', async () => {
    let count = 1
    new FakeNetwork().serve('https://news.example.com/rss.xml', feedResponder(() => RSS([1, 2, 3].slice(0, count).map((n) => ITEM(n, `Story ${n}`)).join('')))).install()
    const id = await addFeed('https://news.example.com/rss.xml')
    for (; count <= 3; count++) {
      vi.setSystemTime(Date.UTC(2026, 10, 2, 9, count))
      await api(`/api/feeds/${id}/check`, { method: 'POST' })
    }
    vi.useRealTimers()
    const order = await json<{ items: { title: string }[] }>(await api('/api/articles'))
    expect(order.items.map((a) => a.title)).toEqual(['Story 3', 'Story 2', 'Story 1'])
    const first = await json<{ items: { id: string; title: string; versionCount: number; feedIds: string[] }[]; nextCursor: string | null }>(
      await api('/api/articles?limit=2'),
    )
    expect(first.items).toHaveLength(2)
    expect(first.items[0]).toMatchObject({ versionCount: 1, feedIds: [id] })
    expect(first.nextCursor).not.toBeNull()
    const second = await json<{ items: { id: string }[]; nextCursor: string | null }>(
      await api(`/api/articles?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`),
    )
    expect(second.items).toHaveLength(1)
    expect(second.nextCursor).toBeNull()
    const all = new Set([...first.items, ...second.items].map((a) => a.id))
    expect(all.size).toBe(3)

    const one = await api(`/api/articles/${first.items[0]?.id}`)
    expect(one.status).toBe(200)
    expect(await json(one)).toMatchObject({ id: first.items[0]?.id, versionCount: 1, latest: { title: expect.stringMatching(/^Story /) } })
  })

  it('lists alerts newest first, filters by type and since, and pages with a cursor', async () => {
    let title = 'Version 0'
    new FakeNetwork().serve('https://news.example.com/rss.xml', feedResponder(() => RSS(ITEM(1, title)))).install()
    const id = await addFeed('https://news.example.com/rss.xml')
    const times = [Date.UTC(2026, 10, 2, 9, 0), Date.UTC(2026, 10, 2, 9, 5), Date.UTC(2026, 10, 2, 9, 10), Date.UTC(2026, 10, 2, 9, 15)]
    for (const [i, t] of times.entries()) {
      title = `Version ${i}`
      vi.setSystemTime(t)
      await api(`/api/feeds/${id}/check`, { method: 'POST' })
    }
    vi.useRealTimers()
    const all = await json<{ items: { title: string; createdAt: string; type: string }[] }>(await api('/api/alerts?limit=100'))
    expect(all.items.map((a) => a.title)).toEqual(['Version 3', 'Version 2', 'Version 1'])
    expect(all.items.every((a) => a.type === 'revision')).toBe(true)

    const since = await json<{ items: { title: string }[] }>(await api(`/api/alerts?since=${new Date(times[2] ?? 0).toISOString()}`))
    expect(since.items.map((a) => a.title)).toEqual(['Version 3', 'Version 2'])
    const before1970 = await json<{ items: unknown[] }>(await api('/api/alerts?since=1969-12-31T00:00:00Z'))
    expect(before1970.items).toHaveLength(3)
    expect((await json<{ items: unknown[] }>(await api('/api/alerts?type=follow_up'))).items).toEqual([])

    const page1 = await json<{ items: { title: string }[]; nextCursor: string | null }>(await api('/api/alerts?limit=2'))
    expect(page1.items.map((a) => a.title)).toEqual(['Version 3', 'Version 2'])
    const page2 = await json<{ items: { title: string }[]; nextCursor: string | null }>(
      await api(`/api/alerts?limit=2&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`),
    )
    expect(page2.items.map((a) => a.title)).toEqual(['Version 1'])
    expect(page2.nextCursor).toBeNull()

    // a cursor from the alerts listing is refused by the articles listing
    const foreign = await api(`/api/articles?cursor=${encodeURIComponent(page1.nextCursor ?? '')}`)
    expect(foreign.status).toBe(400)
    expect((await json<ErrorBody>(foreign)).error.code).toBe('invalid_cursor')
  })

  it.each([
    ['a forged cursor', '/api/articles?cursor=eyJyIjoiYXJ0aWNsZXMiLCJrIjoieCJ9.AAAAAAAAAAAAAAAAAAAAAA', 400, 'invalid_cursor'],
    ['a limit above the maximum', '/api/articles?limit=1000', 400, 'invalid_request'],
    ['an unknown alert type', '/api/alerts?type=gossip', 400, 'invalid_request'],
    ['a since that is not a timestamp', '/api/alerts?since=yesterday', 400, 'invalid_request'],
    ['an unknown article id', '/api/articles/0123456789abcdef0123', 404, 'article_not_found'],
    ['an unknown alert id', '/api/alerts/rev_0123456789abcdef01234567', 404, 'alert_not_found'],
    ['an unknown route', '/api/nothing-here', 404, 'not_found'],
  ])('answers %s in the one error shape', async (_name, path, status, code) => {
    const res = await api(path)
    expect(res.status).toBe(status)
    expect((await json<ErrorBody>(res)).error.code).toBe(code)
  })

  it.each([
    ['PUT', '/api/articles', 'GET'],
    ['DELETE', '/api/alerts', 'GET'],
    ['PATCH', '/api/feeds', 'GET, POST'],
    ['GET', '/api/feeds/import', 'POST'],
    ['POST', '/api/health', 'GET'],
  ])('answers %s %s with 405 naming the allowed methods', async (method, path, allow) => {
    const res = await api(path, method === 'GET' ? { method } : { method, json: {} })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe(allow)
    expect((await json<ErrorBody>(res)).error.code).toBe('method_not_allowed')
  })
})
