// The one faked boundary: global fetch answered from fixture bytes, with every request recorded.
import { afterEach, beforeEach, vi } from 'vitest'
import { reset } from 'cloudflare:test'

export interface RecordedRequest {
  url: string
  method: string
  headers: Record<string, string>
}

export type Responder = (request: Request) => Response | Promise<Response>

/** Serves registered URLs; anything else is a network error, as it would be offline. */
export class FakeNetwork {
  readonly requests: RecordedRequest[] = []
  private readonly routes = new Map<string, Responder>()

  /** Answers `url` with `responder` from now on (replacing an earlier one). */
  serve(url: string, responder: Responder): this {
    this.routes.set(url, responder)
    return this
  }

  /** Forgets every route and recorded request. */
  clear(): this {
    this.requests.length = 0
    this.routes.clear()
    return this
  }

  requestsTo(url: string): RecordedRequest[] {
    return this.requests.filter((r) => r.url === url)
  }

  /** Replaces globalThis.fetch for the current test; vi.restoreAllMocks() undoes it. */
  install(): this {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const headers: Record<string, string> = {}
      request.headers.forEach((v, k) => (headers[k] = v))
      this.requests.push({ url: request.url, method: request.method, headers })
      const responder = this.routes.get(request.url)
      if (!responder) throw new TypeError(`fake network: no route for ${request.url}`)
      return responder(request)
    })
    return this
  }
}

/**
 * The usual frame of an integration test file: before each test, empty local storage (KV) and a FakeNetwork with no
 * routes in place of fetch (and, with `quietLogs`, console.log silenced: ticks log a line each); after each, every mock
 * restored. Returns the one FakeNetwork the file's tests share; register a file's own beforeEach after calling this.
 */
export function freshWorldEachTest(options: { quietLogs?: boolean } = {}): FakeNetwork {
  const network = new FakeNetwork()
  beforeEach(async () => {
    await reset()
    network.clear().install()
    if (options.quietLogs) vi.spyOn(console, 'log').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })
  return network
}

export interface FeedServerOptions {
  contentType?: string
  /** Send an ETag and honour If-None-Match with 304. */
  etag?: string
  lastModified?: string
}

/** A feed server: serves `body()` (read at request time, so tests can change it) with validators. */
export function feedResponder(body: () => string | Uint8Array, options: FeedServerOptions = {}): Responder {
  return (request) => {
    if (options.etag && request.headers.get('if-none-match') === options.etag) {
      return new Response(null, { status: 304, headers: { etag: options.etag } })
    }
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/rss+xml; charset=utf-8' }
    if (options.etag) headers.etag = options.etag
    if (options.lastModified) headers['last-modified'] = options.lastModified
    return new Response(body(), { status: 200, headers })
  }
}
