// Tests for the article page fetch: request headers, gone pages, redirects, non-HTML bodies and charset sniffing.
import { describe, it, expect } from 'vitest'
import { decodeHtml, fetchArticlePage } from '../../src/articles/fetch-page'
import { USER_AGENT } from '../../src/config/settings'
// `?url&inline` hands the file over as a base64 data: URL, so the windows-1252 bytes arrive untouched.
import windows1252Url from '../../fixtures/articles/windows-1252-meta-charset/v1.html?url&inline'

const PAGE_URL = 'https://news.example.com/2025/03/04/story'
const OPTIONS = { timeoutMs: 2_000, maxBytes: 100_000, allowLoopback: false, userAgent: USER_AGENT }
const PAGE = '<!doctype html><html><body><article><p>Text.</p></article></body></html>'

/** A fake fetch that answers by URL (unknown URLs get 599) and records the URLs and request headers it saw. */
function fakeFetch(routes: Record<string, () => Response | Promise<Response>>) {
  const seen: { url: string; headers: Headers }[] = []
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    seen.push({ url, headers: new Headers(init?.headers) })
    return (routes[url] ?? (() => new Response('unexpected', { status: 599 })))()
  }
  return { fetch: fn as typeof fetch, seen }
}

async function fixtureBytes(dataUrl: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(dataUrl)).arrayBuffer())
}

const html = (body: BodyInit | null, contentType: string | null = 'text/html; charset=utf-8', status = 200) =>
  new Response(body, { status, headers: contentType === null ? {} : { 'content-type': contentType } })

describe('fetchArticlePage', () => {
  it('sends the user agent and an HTML-first Accept header', async () => {
    const { fetch, seen } = fakeFetch({ [PAGE_URL]: () => html(PAGE) })
    await fetchArticlePage(fetch, PAGE_URL, OPTIONS)
    expect(seen[0]?.headers.get('user-agent')).toBe(USER_AGENT)
    expect(seen[0]?.headers.get('accept')).toBe('text/html, application/xhtml+xml;q=0.9, */*;q=0.1')
  })

  it.each([
    ['text/html', 'text/html; charset=utf-8'],
    ['application/xhtml+xml', 'application/xhtml+xml'],
    ['an upper-case media type', 'TEXT/HTML'],
    ['no Content-Type at all', null],
  ])('returns the page for %s', async (_name, contentType) => {
    // Bytes, not a string: a string body would get an implicit text/plain Content-Type.
    const { fetch } = fakeFetch({ [PAGE_URL]: () => html(new TextEncoder().encode(PAGE), contentType) })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({ kind: 'ok', finalUrl: PAGE_URL, html: PAGE })
  })

  it.each([404, 410] as const)('reports a %i as gone', async (status) => {
    const { fetch } = fakeFetch({ [PAGE_URL]: () => html('<h1>Not found</h1>', 'text/html', status) })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({ kind: 'gone', status, finalUrl: PAGE_URL })
  })

  it('reports gone with the final URL when a redirect leads to a 410', async () => {
    const moved = 'https://news.example.com/archive/story'
    const { fetch } = fakeFetch({
      [PAGE_URL]: () => new Response(null, { status: 301, headers: { location: '/archive/story' } }),
      [moved]: () => html(null, 'text/html', 410),
    })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({ kind: 'gone', status: 410, finalUrl: moved })
  })

  it('follows redirects and returns the final URL', async () => {
    const tracker = 'https://trk.example.net/c/123'
    const canonical = 'https://www.news.example.com/2025/03/04/story'
    const { fetch, seen } = fakeFetch({
      [tracker]: () => new Response(null, { status: 302, headers: { location: PAGE_URL } }),
      [PAGE_URL]: () => new Response(null, { status: 308, headers: { location: canonical } }),
      [canonical]: () => html(PAGE),
    })
    expect(await fetchArticlePage(fetch, tracker, OPTIONS)).toEqual({ kind: 'ok', finalUrl: canonical, html: PAGE })
    expect(seen.map((s) => s.url)).toEqual([tracker, PAGE_URL, canonical])
  })

  it('refuses a redirect to a loopback address', async () => {
    const { fetch } = fakeFetch({
      [PAGE_URL]: () => new Response(null, { status: 302, headers: { location: 'http://127.0.0.1/admin' } }),
    })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toMatchObject({ kind: 'failed', code: 'blocked_url' })
  })

  it.each([
    ['a PDF', 'application/pdf', 'application/pdf'],
    ['an image', 'image/jpeg', 'image/jpeg'],
    ['JSON', 'application/json; charset=utf-8', 'application/json'],
    ['a feed', 'application/rss+xml', 'application/rss+xml'],
  ])('fails with not_html for %s', async (_name, contentType, mediaType) => {
    const { fetch } = fakeFetch({ [PAGE_URL]: () => html('%PDF-1.7', contentType) })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({
      kind: 'failed',
      code: 'not_html',
      message: `articles: ${PAGE_URL} is ${mediaType}, not an HTML page`,
    })
  })

  it.each([
    [500, 'http_500', `articles: 500 from ${PAGE_URL}`],
    [429, 'http_429', `articles: 429 from ${PAGE_URL} (retry after 120 s)`],
    [403, 'http_403', `articles: 403 from ${PAGE_URL}`],
  ])('fails with the status for a %i', async (status, code, message) => {
    const { fetch } = fakeFetch({
      [PAGE_URL]: () => new Response('no', { status, headers: { 'retry-after': status === 429 ? '120' : '' } }),
    })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({ kind: 'failed', code, message })
  })

  it('fails with too_large for a page over the byte cap', async () => {
    const { fetch } = fakeFetch({ [PAGE_URL]: () => html('x'.repeat(OPTIONS.maxBytes + 1)) })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toMatchObject({ kind: 'failed', code: 'too_large' })
  })

  it('fails with network_error when the fetch throws', async () => {
    const { fetch } = fakeFetch({ [PAGE_URL]: () => Promise.reject(new Error('connection reset')) })
    expect(await fetchArticlePage(fetch, PAGE_URL, OPTIONS)).toEqual({
      kind: 'failed',
      code: 'network_error',
      message: `articles: network error fetching ${PAGE_URL}: connection reset`,
    })
  })

  it('decodes a windows-1252 page named by its meta charset', async () => {
    const bytes = await fixtureBytes(windows1252Url)
    const { fetch } = fakeFetch({ [PAGE_URL]: () => html(bytes, 'text/html') })
    const result = await fetchArticlePage(fetch, PAGE_URL, OPTIONS)
    if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}`)
    expect(result.html).toContain('Café chain’s profits fall to £4.2m after “difficult” winter')
    expect(result.html).toContain('The chain — which runs 140 cafés — blamed energy costs… and a €3m write-down.')
    expect(result.html).toContain('‘We got it wrong,’ said the chief executive, Zoë Brontë.')
    expect(result.html).not.toContain('\uFFFD')
  })
})

describe('decodeHtml', () => {
  const latin1Page = (meta: string, text: string): Uint8Array =>
    Uint8Array.from([...`<html><head>${meta}</head><body>`].map((c) => c.charCodeAt(0)).concat([...text].map((c) => c.charCodeAt(0))))

  it.each([
    ['<meta charset>', '<meta charset="windows-1252">', null, 'caf\u00e9 \u20ac'],
    ['an unquoted <meta charset> (iso-8859-1 means windows-1252 in WHATWG Encoding)', '<meta charset=iso-8859-1>', null, 'caf\u00e9 \u20ac'],
    ['<meta http-equiv> content', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', 'text/html', 'caf\u00e9 \u20ac'],
    ['the header over <meta>', '<meta charset="utf-8">', 'text/html; charset=windows-1252', 'caf\u00e9 \u20ac'],
    ['<meta> when the header label is unknown', '<meta charset="windows-1252">', 'text/html; charset=bogus-8', 'caf\u00e9 \u20ac'],
    ['UTF-8 when <meta> claims UTF-16', '<meta charset="utf-16le">', null, 'caf\uFFFD \uFFFD'],
    ['UTF-8 without any charset', '', null, 'caf\uFFFD \uFFFD'],
  ])('decodes by %s', (_name, meta, contentType, expected) => {
    // "café €" in windows-1252 bytes: é is 0xE9, € is 0x80.
    expect(decodeHtml(latin1Page(meta, 'caf\u00e9 \u0080'), contentType)).toContain(expected)
  })

  it('ignores a <meta charset> past the first 2 KB', () => {
    const page = latin1Page(`${' '.repeat(2_100)}<meta charset="windows-1252">`, 'caf\u00e9')
    expect(decodeHtml(page, 'text/html')).toContain('caf\uFFFD')
  })
})
