// Conditional GET of one feed: validators in, decoded text (or "nothing new") and new validators out.
import { sha256Hex } from '../core/hash'
import type { FeedValidators } from '../model/feed'
import { describeFetchFailure, guardedFetch } from '../net/guarded-fetch'
import { decodeBody } from '../net/decode-body'

/** Feed types first; the catch-all keeps servers that mislabel feeds as text/html from answering 406. */
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1'

/** Feeds that need more hops than this are misconfigured; browsers allow 20 but a poller should not chase chains. */
const MAX_FEED_REDIRECTS = 5

export interface FetchFeedOptions {
  timeoutMs: number
  maxBytes: number
  allowLoopback: boolean
  userAgent: string
}

export type FetchFeedOutcome =
  | { kind: 'not_modified'; finalUrl: string; hints: CacheHints }
  /** 200, but the bytes hash to the previous bodyHash: nothing to parse. */
  | { kind: 'unchanged_body'; finalUrl: string; validators: FeedValidators; hints: CacheHints }
  | { kind: 'ok'; finalUrl: string; text: string; validators: FeedValidators; hints: CacheHints }
  | { kind: 'failed'; code: string; message: string; retryAfterSeconds: number | null }

/**
 * Fetches a feed with a conditional GET (If-None-Match / If-Modified-Since from `previous`) through the guarded
 * fetch, and reports whether there is anything new to parse. Failures come back as `failed` with a stored-error code.
 */
export async function fetchFeed(
  fetchFn: typeof fetch,
  url: string,
  previous: FeedValidators,
  options: FetchFeedOptions,
): Promise<FetchFeedOutcome> {
  const headers: Record<string, string> = { 'User-Agent': options.userAgent, Accept: FEED_ACCEPT }
  if (previous.etag !== null) headers['If-None-Match'] = previous.etag
  if (previous.lastModified !== null) headers['If-Modified-Since'] = previous.lastModified

  const outcome = await guardedFetch(fetchFn, url, {
    headers,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    maxRedirects: MAX_FEED_REDIRECTS,
    allowLoopback: options.allowLoopback,
  })

  switch (outcome.kind) {
    case 'ok': {
      const validators: FeedValidators = {
        etag: outcome.headers.get('etag'),
        lastModified: outcome.headers.get('last-modified'),
        bodyHash: await sha256Hex(outcome.body),
      }
      // Many feeds send no validators or change them on every request; the body hash still spares a parse.
      if (previous.bodyHash !== null && validators.bodyHash === previous.bodyHash) {
        return { kind: 'unchanged_body', finalUrl: outcome.finalUrl, validators, hints: cacheHints(outcome.headers) }
      }
      return {
        kind: 'ok',
        finalUrl: outcome.finalUrl,
        text: decodeBody(outcome.body, outcome.headers.get('content-type')),
        validators,
        hints: cacheHints(outcome.headers),
      }
    }
    case 'not_modified':
      return { kind: 'not_modified', finalUrl: outcome.finalUrl, hints: cacheHints(outcome.headers) }
    case 'http_error':
    case 'network_error':
    case 'timeout':
    case 'too_large':
    case 'blocked_url':
    case 'too_many_redirects':
    case 'redirect_loop': {
      const { code, message } = describeFetchFailure(outcome, 'feeds')
      const retryAfterSeconds = outcome.kind === 'http_error' ? outcome.retryAfterSeconds : null
      return { kind: 'failed', code, message, retryAfterSeconds }
    }
    default: {
      const unhandled: never = outcome
      throw new Error(`feeds: unhandled fetch outcome ${JSON.stringify(unhandled)}`)
    }
  }
}

/** How long the server says its response stays fresh: `Cache-Control: max-age` and `Expires` − `Date` (RFC 9111 §4.2.1). */
export interface CacheHints {
  maxAgeSeconds: number | null
  expiresSeconds: number | null
}

function cacheHints(headers: Headers): CacheHints {
  const expires = Date.parse(headers.get('expires') ?? '')
  const date = Date.parse(headers.get('date') ?? '')
  // Expires is read against the server's own Date, so a skewed clock on either side does not matter.
  const expiresSeconds = Number.isFinite(expires) && Number.isFinite(date) && expires > date ? Math.round((expires - date) / 1000) : null
  return { maxAgeSeconds: maxAgeSeconds(headers.get('cache-control')), expiresSeconds }
}

/** `max-age` from a Cache-Control header (RFC 9111 §5.2.2.1), or null when absent or malformed. */
function maxAgeSeconds(cacheControl: string | null): number | null {
  if (cacheControl === null) return null
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl)
  return m?.[1] === undefined ? null : Number(m[1])
}
