// The network boundary for feed benchmarks: a fake `fetch` that serves one feed's bytes, conditionally or not.

export interface FeedResponse {
  body: Uint8Array
  /** Sent as ETag; null sends none (as many feeds do). */
  etag: string | null
}

/**
 * A `fetch` serving `current()` for every URL. With `honourConditional`, a request whose If-None-Match equals the
 * current ETag gets 304 and no body; otherwise 200 with the bytes (a server that ignores validators).
 */
export function fakeFeedFetch(current: () => FeedResponse, options: { honourConditional: boolean }): typeof fetch {
  return async (_input, init) => {
    const response = current()
    const headers = new Headers(init?.headers)
    if (options.honourConditional && response.etag !== null && headers.get('if-none-match') === response.etag) {
      return new Response(null, { status: 304, headers: { etag: response.etag } })
    }
    const out: Record<string, string> = { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': String(response.body.byteLength) }
    if (response.etag !== null) out.etag = response.etag
    return new Response(response.body, { status: 200, headers: out })
  }
}
