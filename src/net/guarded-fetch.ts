// GET with the outbound URL guard on every redirect hop, one overall timeout and a byte cap on the body.
import { checkOutboundUrl } from './url-guard'

export interface GuardedFetchOptions {
  headers: Record<string, string>
  /** Covers every hop and the body read. */
  timeoutMs: number
  /** The body may be at most this many bytes. */
  maxBytes: number
  /** Redirects followed before giving up; 0 refuses every redirect. */
  maxRedirects: number
  allowLoopback: boolean
  /** Clock for Retry-After HTTP dates (ms since epoch); defaults to Date.now(). */
  now?: number
}

export type GuardedFetchOutcome =
  | { kind: 'ok'; status: number; finalUrl: string; headers: Headers; body: Uint8Array }
  | { kind: 'not_modified'; finalUrl: string; headers: Headers }
  | { kind: 'http_error'; status: number; finalUrl: string; retryAfterSeconds: number | null }
  /** `url` is the hop being fetched; `message` is the underlying error's own text. */
  | { kind: 'network_error'; url: string; message: string }
  | { kind: 'timeout'; url: string; timeoutMs: number }
  | { kind: 'too_large'; url: string; maxBytes: number }
  /** `url` is the refused URL as written (a Location header, or the input); `message` is the guard's. */
  | { kind: 'blocked_url'; url: string; code: string; message: string }
  /** `url` is the URL the chain started from. */
  | { kind: 'too_many_redirects'; url: string; maxRedirects: number }
  /** `url` is the URL that came round a second time. */
  | { kind: 'redirect_loop'; url: string }

export type GuardedFetchFailure = Exclude<GuardedFetchOutcome, { kind: 'ok' } | { kind: 'not_modified' }>

/** Statuses whose Location we follow (RFC 9110 §15.4); 300 and 305 are left to the caller as errors. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/**
 * Fetches `url` with GET, following redirects by hand so that every hop passes `checkOutboundUrl`, and reads the
 * body as a stream that is cancelled once it exceeds `maxBytes`. Expected failures come back as outcomes.
 */
export async function guardedFetch(
  fetchFn: typeof fetch,
  url: string,
  options: GuardedFetchOptions,
): Promise<GuardedFetchOutcome> {
  const first = checkOutboundUrl(url, { allowLoopback: options.allowLoopback })
  if (!first.ok) return { kind: 'blocked_url', url, code: first.code, message: first.message }

  const signal = AbortSignal.timeout(options.timeoutMs)
  const aborted = abortPromise(signal)

  let current = first.url
  const seen = new Set<string>([current.href])
  let redirects = 0

  for (;;) {
    let response: Response
    try {
      const pending = fetchFn(current.href, { method: 'GET', headers: options.headers, redirect: 'manual', signal })
      // Race the abort too, so a fetch implementation that ignores the signal still cannot hang the caller.
      const raced = await Promise.race([pending, aborted])
      if (raced === ABORTED) {
        pending.then((r) => cancelBody(r), () => undefined)
        return { kind: 'timeout', url: current.href, timeoutMs: options.timeoutMs }
      }
      response = raced
    } catch (err) {
      if (signal.aborted) return { kind: 'timeout', url: current.href, timeoutMs: options.timeoutMs }
      return { kind: 'network_error', url: current.href, message: errorMessage(err) }
    }

    if (REDIRECT_STATUSES.has(response.status)) {
      const location = response.headers.get('location')
      await cancelBody(response)
      if (location === null || location.trim() === '') {
        return { kind: 'http_error', status: response.status, finalUrl: current.href, retryAfterSeconds: null }
      }
      let next: URL
      try {
        next = new URL(location, current)
      } catch {
        return {
          kind: 'blocked_url',
          url: location,
          code: 'invalid_url',
          message: `url: redirect from ${current.href} to ${JSON.stringify(location.slice(0, 200))} is not a valid URL`,
        }
      }
      const check = checkOutboundUrl(next.href, { allowLoopback: options.allowLoopback })
      if (!check.ok) return { kind: 'blocked_url', url: next.href, code: check.code, message: check.message }
      if (seen.has(check.url.href)) return { kind: 'redirect_loop', url: check.url.href }
      if (redirects >= options.maxRedirects) {
        return { kind: 'too_many_redirects', url: first.url.href, maxRedirects: options.maxRedirects }
      }
      redirects += 1
      seen.add(check.url.href)
      current = check.url
      continue
    }

    const finalUrl = current.href
    if (response.status === 304) {
      await cancelBody(response)
      return { kind: 'not_modified', finalUrl, headers: response.headers }
    }
    if (response.status < 200 || response.status > 299) {
      await cancelBody(response)
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), options.now ?? Date.now())
      return { kind: 'http_error', status: response.status, finalUrl, retryAfterSeconds }
    }

    const body = await readCapped(response, options.maxBytes, signal, aborted)
    switch (body.kind) {
      case 'ok':
        return { kind: 'ok', status: response.status, finalUrl, headers: response.headers, body: body.bytes }
      case 'too_large':
        return { kind: 'too_large', url: finalUrl, maxBytes: options.maxBytes }
      case 'timeout':
        return { kind: 'timeout', url: finalUrl, timeoutMs: options.timeoutMs }
      case 'network_error':
        return { kind: 'network_error', url: finalUrl, message: body.message }
      default:
        return assertNever(body)
    }
  }
}

/**
 * Turns a failed outcome into the `{ code, message }` stored as a feed or article error. `module` prefixes the
 * message (`feeds: 404 from https://…`).
 */
export function describeFetchFailure(outcome: GuardedFetchFailure, module = 'net'): { code: string; message: string } {
  switch (outcome.kind) {
    case 'http_error': {
      const retry = outcome.retryAfterSeconds === null ? '' : ` (retry after ${outcome.retryAfterSeconds} s)`
      return { code: `http_${outcome.status}`, message: `${module}: ${outcome.status} from ${outcome.finalUrl}${retry}` }
    }
    case 'network_error':
      return { code: 'network_error', message: `${module}: network error fetching ${outcome.url}: ${outcome.message}` }
    case 'timeout':
      return { code: 'timeout', message: `${module}: ${outcome.url} did not answer within ${outcome.timeoutMs} ms` }
    case 'too_large':
      return { code: 'too_large', message: `${module}: ${outcome.url} is larger than ${outcome.maxBytes} bytes` }
    case 'blocked_url':
      return {
        code: 'blocked_url',
        message: `${module}: refused to fetch ${outcome.url}: ${outcome.message.replace(/^url: /, '')}`,
      }
    case 'too_many_redirects':
      return {
        code: 'too_many_redirects',
        message: `${module}: more than ${outcome.maxRedirects} redirects starting from ${outcome.url}`,
      }
    case 'redirect_loop':
      return { code: 'redirect_loop', message: `${module}: redirect loop through ${outcome.url}` }
    default:
      return assertNever(outcome)
  }
}

/**
 * Retry-After as seconds from `now` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date); null when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text)
  // Date.parse accepts far more than IMF-fixdate; require a weekday or month name so "1.5" or "-3" are not dates.
  if (!/[a-z]{3}/i.test(text)) return null
  const at = Date.parse(text)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

type BodyRead =
  | { kind: 'ok'; bytes: Uint8Array }
  | { kind: 'too_large' }
  | { kind: 'timeout' }
  | { kind: 'network_error'; message: string }

async function readCapped(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  aborted: Promise<typeof ABORTED>,
): Promise<BodyRead> {
  // Content-Length may only shorten the work: a small or missing value is never trusted, the stream count decides.
  const declared = Number(response.headers.get('content-length') ?? '')
  if (Number.isFinite(declared) && declared > maxBytes) {
    await cancelBody(response)
    return { kind: 'too_large' }
  }
  if (response.body === null) return { kind: 'ok', bytes: new Uint8Array(0) }

  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), aborted])
      if (next === ABORTED) {
        reader.cancel().catch(() => undefined)
        return { kind: 'timeout' }
      }
      if (next.done) break
      const chunk: unknown = next.value
      if (!(chunk instanceof Uint8Array)) throw new TypeError('response body chunk is not bytes')
      total += chunk.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        return { kind: 'too_large' }
      }
      chunks.push(chunk)
    }
  } catch (err) {
    reader.cancel().catch(() => undefined)
    if (signal.aborted) return { kind: 'timeout' }
    return { kind: 'network_error', message: errorMessage(err) }
  }
  return { kind: 'ok', bytes: concat(chunks, total) }
}

/** What `abortPromise` resolves to, so a race can tell "timed out" from a value without a rejection. */
const ABORTED = Symbol('aborted')

/** Resolves (never rejects, so nothing goes unhandled) when the signal aborts. */
function abortPromise(signal: AbortSignal): Promise<typeof ABORTED> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED)
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true })
  })
}

async function cancelBody(response: Response): Promise<void> {
  // Unread bodies hold the connection open in workerd until garbage collection.
  await response.body?.cancel().catch(() => undefined)
}

/** The body's bytes: a body read in one chunk is that chunk (no copy of a whole feed); more are copied into one array. */
function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const [only] = chunks
  if (chunks.length === 1 && only !== undefined) return only
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function assertNever(value: never): never {
  throw new Error(`net: unhandled case ${JSON.stringify(value)}`)
}
