// Tests for the feed fetch: request headers, conditional GET, unchanged bodies and failure reporting.
import { describe, it, expect } from 'vitest'
import { sha256Hex } from '../../src/core/hash'
import { fetchFeed } from '../../src/feeds/fetch-feed'
import { USER_AGENT } from '../../src/config/settings'
import type { FeedValidators } from '../../src/model/feed'
import windows1252Url from '../../fixtures/feeds/rss2-windows-1252.xml?url&inline'

const FEED_URL = 'https://news.example.com/rss.xml'
const OPTIONS = { timeoutMs: 2_000, maxBytes: 100_000, allowLoopback: false, userAgent: USER_AGENT }
const NO_VALIDATORS: FeedValidators = { etag: null, lastModified: null, bodyHash: null }
const BODY = '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>'

/** A fake fetch that answers every request with `respond()` and records the request headers it saw. */
function fakeFetch(respond: () => Response | Promise<Response>) {
  const seen: Headers[] = []
  const fn = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    seen.push(new Headers(init?.headers))
    return respond()
  }
  return { fetch: fn as typeof fetch, seen }
}

describe('fetchFeed', () => {
  it('sends the user agent and a feed-first Accept header', async () => {
    const { fetch, seen } = fakeFetch(() => new Response(BODY))
    await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)
    expect(seen[0]?.get('user-agent')).toBe('Storywatch/0.1 (+https://github.com/storywatch/storywatch; newsroom feed monitor)')
    expect(seen[0]?.get('accept')).toBe(
      'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    )
  })

  it('sends no conditional headers on the first fetch', async () => {
    const { fetch, seen } = fakeFetch(() => new Response(BODY))
    await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)
    expect(seen[0]?.has('if-none-match')).toBe(false)
    expect(seen[0]?.has('if-modified-since')).toBe(false)
  })

  it.each([
    ['both validators', { etag: '"abc"', lastModified: 'Tue, 04 Mar 2025 09:00:00 GMT' }, '"abc"', 'Tue, 04 Mar 2025 09:00:00 GMT'],
    ['only an ETag', { etag: 'W/"weak-1"', lastModified: null }, 'W/"weak-1"', null],
    ['only a Last-Modified', { etag: null, lastModified: 'Mon, 03 Mar 2025 22:10:00 GMT' }, null, 'Mon, 03 Mar 2025 22:10:00 GMT'],
  ])('sends the previous validators as conditional headers (RFC 9110 §13.1): %s', async (_name, v, ifNoneMatch, ifModifiedSince) => {
    const { fetch, seen } = fakeFetch(() => new Response(null, { status: 304 }))
    await fetchFeed(fetch, FEED_URL, { ...v, bodyHash: null }, OPTIONS)
    expect(seen[0]?.get('if-none-match')).toBe(ifNoneMatch)
    expect(seen[0]?.get('if-modified-since')).toBe(ifModifiedSince)
  })

  it('reports not_modified for a 304', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 304 }))
    const previous = { etag: '"abc"', lastModified: null, bodyHash: 'ff' }
    expect(await fetchFeed(fetch, FEED_URL, previous, OPTIONS)).toEqual({ kind: 'not_modified', finalUrl: FEED_URL, hints: { maxAgeSeconds: null, expiresSeconds: null } })
  })

  it('returns decoded text, new validators and the max-age hint for a new body', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response(BODY, {
          headers: { etag: '"v2"', 'last-modified': 'Tue, 04 Mar 2025 10:00:00 GMT', 'cache-control': 'public, max-age=300' },
        }),
    )
    const outcome = await fetchFeed(fetch, FEED_URL, { etag: '"v1"', lastModified: null, bodyHash: 'old' }, OPTIONS)
    expect(outcome).toEqual({
      kind: 'ok',
      finalUrl: FEED_URL,
      text: BODY,
      validators: { etag: '"v2"', lastModified: 'Tue, 04 Mar 2025 10:00:00 GMT', bodyHash: await sha256Hex(BODY) },
      hints: { maxAgeSeconds: 300, expiresSeconds: null },
    })
  })

  it('skips parsing when the body is byte-identical to the last one, but still takes the new validators', async () => {
    const { fetch } = fakeFetch(() => new Response(BODY, { headers: { etag: '"changes-every-time-2"' } }))
    const previous = { etag: '"changes-every-time-1"', lastModified: null, bodyHash: await sha256Hex(BODY) }
    expect(await fetchFeed(fetch, FEED_URL, previous, OPTIONS)).toEqual({
      kind: 'unchanged_body',
      finalUrl: FEED_URL,
      validators: { etag: '"changes-every-time-2"', lastModified: null, bodyHash: previous.bodyHash },
      hints: { maxAgeSeconds: null, expiresSeconds: null },
    })
  })

  it('decodes a windows-1252 feed served without a charset', async () => {
    const bytes = new Uint8Array(await (await fetch(windows1252Url)).arrayBuffer())
    const { fetch: fake } = fakeFetch(() => new Response(bytes, { headers: { 'content-type': 'application/rss+xml' } }))
    const outcome = await fetchFeed(fake, FEED_URL, NO_VALIDATORS, OPTIONS)
    expect(outcome.kind).toBe('ok')
    if (outcome.kind !== 'ok') return
    expect(outcome.text).toContain('Café chain’s profits fall to £4.2m after “difficult” winter')
    // The hash is over the raw bytes, not the decoded text.
    expect(outcome.validators.bodyHash).toBe(await sha256Hex(bytes))
  })

  it.each([
    ['no Cache-Control', {}, null],
    ['no-cache only', { 'cache-control': 'no-cache' }, null],
    ['s-maxage without max-age', { 'cache-control': 's-maxage=600' }, null],
    ['max-age first', { 'cache-control': 'max-age=60, must-revalidate' }, 60],
  ])('reads the max-age hint with %s', async (_name, headers, maxAgeSeconds) => {
    const { fetch } = fakeFetch(() => new Response(BODY, { headers }))
    expect(await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)).toMatchObject({ hints: { maxAgeSeconds } })
  })

  it('reports the final URL after a redirect', async () => {
    const fn = async (input: RequestInfo | URL): Promise<Response> =>
      String(input) === FEED_URL
        ? new Response(null, { status: 301, headers: { location: '/feeds/all.xml' } })
        : new Response(BODY)
    expect(await fetchFeed(fn as typeof fetch, FEED_URL, NO_VALIDATORS, OPTIONS)).toMatchObject({
      kind: 'ok',
      finalUrl: 'https://news.example.com/feeds/all.xml',
    })
  })

  it('fails with the status code and Retry-After of an HTTP error', async () => {
    const { fetch } = fakeFetch(() => new Response('slow down', { status: 429, headers: { 'retry-after': '120' } }))
    expect(await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)).toEqual({
      kind: 'failed',
      code: 'http_429',
      message: `feeds: 429 from ${FEED_URL} (retry after 120 s)`,
      retryAfterSeconds: 120,
    })
  })

  it('fails without fetching a URL the guard refuses', async () => {
    const { fetch, seen } = fakeFetch(() => new Response(BODY))
    const outcome = await fetchFeed(fetch, 'http://192.168.1.10/rss', NO_VALIDATORS, OPTIONS)
    expect(outcome).toMatchObject({ kind: 'failed', code: 'blocked_url', retryAfterSeconds: null })
    expect(seen).toHaveLength(0)
  })

  it('fails when the body is larger than maxBytes', async () => {
    const { fetch } = fakeFetch(() => new Response('x'.repeat(200)))
    expect(await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, { ...OPTIONS, maxBytes: 100 })).toEqual({
      kind: 'failed',
      code: 'too_large',
      message: `feeds: ${FEED_URL} is larger than 100 bytes`,
      retryAfterSeconds: null,
    })
  })

  it('fails on a network error', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('fetch failed')))
    expect(await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)).toMatchObject({ kind: 'failed', code: 'network_error' })
  })

  it('reads Expires against the server\'s own Date header as a freshness hint', async () => {
    const { fetch } = fakeFetch(
      () => new Response(BODY, { headers: { date: 'Mon, 07 Jan 2030 09:00:00 GMT', expires: 'Mon, 07 Jan 2030 09:30:00 GMT', 'cache-control': 'max-age=600' } }),
    )
    expect(await fetchFeed(fetch, FEED_URL, NO_VALIDATORS, OPTIONS)).toMatchObject({ kind: 'ok', hints: { maxAgeSeconds: 600, expiresSeconds: 1800 } })
  })
})
