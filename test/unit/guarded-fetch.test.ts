// Tests for the guarded fetch: redirects re-checked per hop, timeout, byte cap and Retry-After.
import { describe, it, expect } from 'vitest'
import { describeFetchFailure, guardedFetch, parseRetryAfter } from '../../src/net/guarded-fetch'
import type { GuardedFetchFailure, GuardedFetchOptions } from '../../src/net/guarded-fetch'

const OPTIONS: GuardedFetchOptions = {
  headers: { 'User-Agent': 'test-agent' },
  timeoutMs: 2_000,
  maxBytes: 1_000,
  maxRedirects: 5,
  allowLoopback: false,
}

interface Call {
  url: string
  init: RequestInit | undefined
}

/** A fake fetch answering from a route table (unknown URLs get 404) and recording every call. */
function fakeFetch(routes: Record<string, (init: RequestInit | undefined) => Response | Promise<Response>>) {
  const calls: Call[] = []
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input)
    calls.push({ url, init })
    const route = routes[url]
    return route === undefined ? new Response('not found', { status: 404 }) : route(init)
  }
  return { fetch: fn as typeof fetch, calls }
}

const redirect = (location: string, status = 302) => () => new Response(null, { status, headers: { location } })
const ok = (body: string, headers: Record<string, string> = {}) => () => new Response(body, { headers })

/** A body that never ends: every pull enqueues another chunk. */
function endlessStream(chunkSize: number) {
  const state = { pulls: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls += 1
      controller.enqueue(new Uint8Array(chunkSize).fill(0x61))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

describe('guardedFetch', () => {
  it('returns the body, status, headers and final URL of a 200', async () => {
    const { fetch } = fakeFetch({ 'https://news.example.com/rss': ok('<rss/>', { 'content-type': 'application/rss+xml' }) })
    const outcome = await guardedFetch(fetch, 'https://news.example.com/rss', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok', status: 200, finalUrl: 'https://news.example.com/rss' })
    if (outcome.kind !== 'ok') return
    expect(new TextDecoder().decode(outcome.body)).toBe('<rss/>')
    expect(outcome.headers.get('content-type')).toBe('application/rss+xml')
  })

  it('sends the given headers with redirect: manual and an abort signal', async () => {
    const { fetch, calls } = fakeFetch({ 'https://news.example.com/rss': ok('x') })
    await guardedFetch(fetch, 'https://news.example.com/rss', OPTIONS)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.init).toMatchObject({ method: 'GET', redirect: 'manual', headers: { 'User-Agent': 'test-agent' } })
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal)
  })

  it('refuses a blocked URL without fetching it', async () => {
    const { fetch, calls } = fakeFetch({})
    const outcome = await guardedFetch(fetch, 'http://169.254.169.254/latest/meta-data/', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'blocked_url', code: 'forbidden_host' })
    expect(calls).toHaveLength(0)
  })

  it.each([301, 302, 303, 307, 308])('follows a %i redirect', async (status) => {
    const { fetch } = fakeFetch({
      'https://old.example.com/feed': redirect('https://new.example.com/feed.xml', status),
      'https://new.example.com/feed.xml': ok('moved'),
    })
    const outcome = await guardedFetch(fetch, 'https://old.example.com/feed', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok', finalUrl: 'https://new.example.com/feed.xml' })
  })

  it.each([
    ['a path-relative Location', 'https://news.example.com/a/b/feed', '../rss.xml', 'https://news.example.com/a/rss.xml'],
    ['a root-relative Location', 'https://news.example.com/a/feed', '/feeds/all', 'https://news.example.com/feeds/all'],
    ['a scheme-relative Location', 'http://news.example.com/feed', '//cdn.example.net/feed', 'http://cdn.example.net/feed'],
    ['a query-only Location', 'https://news.example.com/feed', '?format=rss', 'https://news.example.com/feed?format=rss'],
  ])('resolves %s against the current URL', async (_name, start, location, resolved) => {
    const { fetch, calls } = fakeFetch({ [start]: redirect(location), [resolved]: ok('feed') })
    const outcome = await guardedFetch(fetch, start, OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok', finalUrl: resolved })
    expect(calls.map((c) => c.url)).toEqual([start, resolved])
  })

  it('sends the same headers on every hop', async () => {
    const { fetch, calls } = fakeFetch({
      'https://a.example.com/': redirect('https://b.example.com/'),
      'https://b.example.com/': ok('x'),
    })
    await guardedFetch(fetch, 'https://a.example.com/', OPTIONS)
    expect(calls.map((c) => c.init?.headers)).toEqual([OPTIONS.headers, OPTIONS.headers])
  })

  it.each([
    ['a private IPv4 address', 'http://10.0.0.5/admin'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['localhost', 'http://localhost:8080/'],
    ['a decimal loopback spelling', 'http://2130706433/'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['a file: URL', 'file:///etc/passwd'],
  ])('refuses a redirect to %s in the middle of a chain', async (_name, target) => {
    const { fetch, calls } = fakeFetch({
      'https://news.example.com/feed': redirect('https://cdn.example.com/feed'),
      'https://cdn.example.com/feed': redirect(target),
    })
    const outcome = await guardedFetch(fetch, 'https://news.example.com/feed', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'blocked_url' })
    expect(calls).toHaveLength(2)
  })

  it('follows a redirect to loopback when loopback is allowed', async () => {
    const { fetch } = fakeFetch({
      'http://localhost:8787/feed': redirect('http://127.0.0.1:8787/feed.xml'),
      'http://127.0.0.1:8787/feed.xml': ok('local'),
    })
    const outcome = await guardedFetch(fetch, 'http://localhost:8787/feed', { ...OPTIONS, allowLoopback: true })
    expect(outcome).toMatchObject({ kind: 'ok', finalUrl: 'http://127.0.0.1:8787/feed.xml' })
  })

  it('reports a redirect loop when a URL comes round again', async () => {
    const { fetch, calls } = fakeFetch({
      'https://a.example.com/': redirect('https://b.example.com/'),
      'https://b.example.com/': redirect('https://c.example.com/'),
      'https://c.example.com/': redirect('/', 301),
    })
    const outcome = await guardedFetch(fetch, 'https://a.example.com/', OPTIONS)
    expect(outcome).toEqual({ kind: 'redirect_loop', url: 'https://c.example.com/' })
    expect(calls).toHaveLength(3)
  })

  it('reports a redirect loop when a URL redirects to itself', async () => {
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': redirect('/feed') })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toEqual({
      kind: 'redirect_loop',
      url: 'https://a.example.com/feed',
    })
  })

  const chain = (hops: number) => {
    const routes: Record<string, () => Response> = {}
    for (let i = 0; i < hops; i++) routes[`https://hop${i}.example.com/`] = redirect(`https://hop${i + 1}.example.com/`)
    routes[`https://hop${hops}.example.com/`] = ok('end')
    return routes
  }

  it('follows exactly maxRedirects hops', async () => {
    const { fetch } = fakeFetch(chain(5))
    expect(await guardedFetch(fetch, 'https://hop0.example.com/', OPTIONS)).toMatchObject({
      kind: 'ok',
      finalUrl: 'https://hop5.example.com/',
    })
  })

  it('gives up after more than maxRedirects hops', async () => {
    const { fetch, calls } = fakeFetch(chain(6))
    expect(await guardedFetch(fetch, 'https://hop0.example.com/', OPTIONS)).toEqual({
      kind: 'too_many_redirects',
      url: 'https://hop0.example.com/',
      maxRedirects: 5,
    })
    expect(calls).toHaveLength(6)
  })

  it('refuses every redirect when maxRedirects is 0', async () => {
    const { fetch } = fakeFetch(chain(1))
    expect(await guardedFetch(fetch, 'https://hop0.example.com/', { ...OPTIONS, maxRedirects: 0 })).toMatchObject({
      kind: 'too_many_redirects',
    })
  })

  it('treats a redirect without a Location as an HTTP error', async () => {
    const { fetch } = fakeFetch({ 'https://a.example.com/': () => new Response(null, { status: 301 }) })
    expect(await guardedFetch(fetch, 'https://a.example.com/', OPTIONS)).toMatchObject({ kind: 'http_error', status: 301 })
  })

  it('returns not_modified with the headers of a 304', async () => {
    const { fetch } = fakeFetch({
      'https://a.example.com/feed': () => new Response(null, { status: 304, headers: { etag: '"v2"' } }),
    })
    const outcome = await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'not_modified', finalUrl: 'https://a.example.com/feed' })
    if (outcome.kind === 'not_modified') expect(outcome.headers.get('etag')).toBe('"v2"')
  })

  it('returns not_modified for a 304 at the end of a redirect chain', async () => {
    const { fetch } = fakeFetch({
      'https://a.example.com/feed': redirect('https://b.example.com/feed'),
      'https://b.example.com/feed': () => new Response(null, { status: 304 }),
    })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toMatchObject({
      kind: 'not_modified',
      finalUrl: 'https://b.example.com/feed',
    })
  })

  it.each([
    [404, {}, null],
    [500, {}, null],
    [300, {}, null],
    [429, { 'retry-after': '120' }, 120],
    [503, { 'retry-after': 'Wed, 21 Oct 2015 07:30:00 GMT' }, 90],
    [503, { 'retry-after': 'soon' }, null],
  ])('returns an HTTP error for a %i with its Retry-After', async (status, headers, retryAfterSeconds) => {
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': () => new Response('err', { status, headers }) })
    const now = Date.parse('Wed, 21 Oct 2015 07:28:30 GMT')
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', { ...OPTIONS, now })).toEqual({
      kind: 'http_error',
      status,
      finalUrl: 'https://a.example.com/feed',
      retryAfterSeconds,
    })
  })

  it('stops reading and cancels a body that never ends once it passes maxBytes', async () => {
    const { stream, state } = endlessStream(300)
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': () => new Response(stream) })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toEqual({
      kind: 'too_large',
      url: 'https://a.example.com/feed',
      maxBytes: 1_000,
    })
    expect(state.cancelled).toBe(true)
    expect(state.pulls).toBeLessThan(10)
  })

  it('does not trust a Content-Length smaller than the body', async () => {
    const { stream, state } = endlessStream(300)
    const { fetch } = fakeFetch({
      'https://a.example.com/feed': () => new Response(stream, { headers: { 'content-length': '10' } }),
    })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toMatchObject({ kind: 'too_large' })
    expect(state.pulls).toBeGreaterThan(1)
    expect(state.cancelled).toBe(true)
  })

  it('refuses early when Content-Length says the body is too large, without reading it', async () => {
    const { stream, state } = endlessStream(10)
    const { fetch } = fakeFetch({
      'https://a.example.com/feed': () => new Response(stream, { headers: { 'content-length': '1000000' } }),
    })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toMatchObject({ kind: 'too_large' })
    expect(state.cancelled).toBe(true)
  })

  it('accepts a body of exactly maxBytes', async () => {
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': () => new Response(new Uint8Array(1_000)) })
    const outcome = await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok' })
    if (outcome.kind === 'ok') expect(outcome.body.byteLength).toBe(1_000)
  })

  it('returns an empty body for a 204', async () => {
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': () => new Response(null, { status: 204 }) })
    const outcome = await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)
    expect(outcome).toMatchObject({ kind: 'ok', status: 204 })
    if (outcome.kind === 'ok') expect(outcome.body.byteLength).toBe(0)
  })

  it('times out a fetch that never answers, aborting its signal', async () => {
    let abortedWith: unknown = null
    const { fetch } = fakeFetch({
      'https://slow.example.com/feed': (init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            abortedWith = init.signal?.reason
            reject(init.signal?.reason)
          })
        }),
    })
    const outcome = await guardedFetch(fetch, 'https://slow.example.com/feed', { ...OPTIONS, timeoutMs: 50 })
    expect(outcome).toEqual({ kind: 'timeout', url: 'https://slow.example.com/feed', timeoutMs: 50 })
    expect(abortedWith).not.toBeNull()
  })

  it('times out even when the fetch implementation ignores the signal', async () => {
    const { fetch } = fakeFetch({ 'https://slow.example.com/feed': () => new Promise<Response>(() => undefined) })
    expect(await guardedFetch(fetch, 'https://slow.example.com/feed', { ...OPTIONS, timeoutMs: 50 })).toMatchObject({
      kind: 'timeout',
    })
  })

  it('times out a body that stops arriving, and cancels it', async () => {
    let cancelled = false
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10))
      },
      cancel() {
        cancelled = true
      },
    })
    const { fetch } = fakeFetch({ 'https://slow.example.com/feed': () => new Response(stalled) })
    expect(await guardedFetch(fetch, 'https://slow.example.com/feed', { ...OPTIONS, timeoutMs: 50 })).toMatchObject({
      kind: 'timeout',
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(cancelled).toBe(true)
  })

  it('returns a network error when fetch rejects', async () => {
    const { fetch } = fakeFetch({
      'https://down.example.com/feed': () => Promise.reject(new TypeError('Network connection lost.')),
    })
    expect(await guardedFetch(fetch, 'https://down.example.com/feed', OPTIONS)).toEqual({
      kind: 'network_error',
      url: 'https://down.example.com/feed',
      message: 'Network connection lost.',
    })
  })

  it('returns a network error when the body stream fails', async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'))
      },
    })
    const { fetch } = fakeFetch({ 'https://a.example.com/feed': () => new Response(broken) })
    expect(await guardedFetch(fetch, 'https://a.example.com/feed', OPTIONS)).toMatchObject({ kind: 'network_error' })
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-04T12:00:00Z')
  // RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds
  it.each([
    ['delay-seconds', '120', 120],
    ['zero', '0', 0],
    ['padded delay-seconds', ' 30 ', 30],
    ['an IMF-fixdate in the future', 'Tue, 04 Mar 2025 12:05:00 GMT', 300],
    ['an HTTP-date in the past', 'Tue, 04 Mar 2025 11:00:00 GMT', 0],
    ['a fractional second count', '1.5', null],
    ['a negative number', '-3', null],
    ['garbage', 'later please', null],
    ['an empty value', '', null],
    ['no header', null, null],
  ])('reads %s', (_name, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe('describeFetchFailure', () => {
  it.each<[GuardedFetchFailure, string, string]>([
    [
      { kind: 'http_error', status: 404, finalUrl: 'https://a.example.com/feed', retryAfterSeconds: null },
      'http_404',
      'feeds: 404 from https://a.example.com/feed',
    ],
    [
      { kind: 'http_error', status: 429, finalUrl: 'https://a.example.com/feed', retryAfterSeconds: 120 },
      'http_429',
      'feeds: 429 from https://a.example.com/feed (retry after 120 s)',
    ],
    [
      { kind: 'network_error', url: 'https://a.example.com/feed', message: 'Network connection lost.' },
      'network_error',
      'feeds: network error fetching https://a.example.com/feed: Network connection lost.',
    ],
    [
      { kind: 'timeout', url: 'https://a.example.com/feed', timeoutMs: 10_000 },
      'timeout',
      'feeds: https://a.example.com/feed did not answer within 10000 ms',
    ],
    [
      { kind: 'too_large', url: 'https://a.example.com/feed', maxBytes: 5_000_000 },
      'too_large',
      'feeds: https://a.example.com/feed is larger than 5000000 bytes',
    ],
    [
      {
        kind: 'blocked_url',
        url: 'http://10.0.0.1/',
        code: 'forbidden_host',
        message: 'url: private address 10.0.0.1 is not allowed',
      },
      'blocked_url',
      'feeds: refused to fetch http://10.0.0.1/: private address 10.0.0.1 is not allowed',
    ],
    [
      { kind: 'too_many_redirects', url: 'https://a.example.com/feed', maxRedirects: 5 },
      'too_many_redirects',
      'feeds: more than 5 redirects starting from https://a.example.com/feed',
    ],
    [
      { kind: 'redirect_loop', url: 'https://a.example.com/feed' },
      'redirect_loop',
      'feeds: redirect loop through https://a.example.com/feed',
    ],
  ])('describes %o', (outcome, code, message) => {
    expect(describeFetchFailure(outcome, 'feeds')).toEqual({ code, message })
  })

  it('prefixes messages with net: by default', () => {
    expect(describeFetchFailure({ kind: 'redirect_loop', url: 'https://a.example.com/' }).message).toMatch(/^net: /)
  })
})
