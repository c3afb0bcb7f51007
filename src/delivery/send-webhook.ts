// Sends one webhook request: POST with a timeout, redirects not followed, only 2xx counts; outcomes are values.
import { checkOutboundUrl } from '../net/url-guard'
import { parseRetryAfter } from '../net/guarded-fetch'

export interface WebhookRequest {
  url: string
  body: string
  headers: Record<string, string>
}

export interface SendOptions {
  /** Covers connecting and waiting for the response headers (the spec's 15 s). */
  timeoutMs: number
  allowLoopback: boolean
  userAgent: string
  /** Clock for Retry-After HTTP dates and latency (ms since epoch). */
  now: () => number
}

export type SendOutcome =
  | { kind: 'delivered'; status: number; latencyMs: number }
  /** Any non-2xx answer, 3xx included: redirects are never followed (a receiver that moved must be re-registered). */
  | { kind: 'http_error'; status: number; retryAfterSeconds: number | null; location: string | null; latencyMs: number }
  | { kind: 'timeout'; timeoutMs: number; latencyMs: number }
  | { kind: 'network_error'; message: string; latencyMs: number }
  | { kind: 'blocked_url'; message: string; latencyMs: 0 }

/** Receivers' answers are never read: a webhook response body carries nothing we use. */
export async function sendWebhook(fetchFn: typeof fetch, request: WebhookRequest, options: SendOptions): Promise<SendOutcome> {
  // Checked again at send time: the setting or the guard may have changed since the endpoint was registered.
  const check = checkOutboundUrl(request.url, { allowLoopback: options.allowLoopback })
  if (!check.ok) return { kind: 'blocked_url', message: check.message, latencyMs: 0 }

  const started = options.now()
  const signal = AbortSignal.timeout(options.timeoutMs)
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    if (signal.aborted) resolve(ABORTED)
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true })
  })
  let response: Response
  try {
    const pending = fetchFn(check.url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': options.userAgent, ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal,
    })
    // Race the abort too, so a fetch that ignores the signal cannot hang the tick.
    const raced = await Promise.race([pending, aborted])
    if (raced === ABORTED) {
      pending.then((r) => r.body?.cancel().catch(() => undefined), () => undefined)
      return { kind: 'timeout', timeoutMs: options.timeoutMs, latencyMs: options.now() - started }
    }
    response = raced
  } catch (err) {
    const latencyMs = options.now() - started
    if (signal.aborted) return { kind: 'timeout', timeoutMs: options.timeoutMs, latencyMs }
    return { kind: 'network_error', message: err instanceof Error ? err.message : String(err), latencyMs }
  }
  const latencyMs = options.now() - started
  // Unread bodies hold the connection open in workerd until garbage collection.
  await response.body?.cancel().catch(() => undefined)
  if (response.status >= 200 && response.status <= 299) return { kind: 'delivered', status: response.status, latencyMs }
  return {
    kind: 'http_error',
    status: response.status,
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), options.now()),
    location: response.headers.get('location'),
    latencyMs,
  }
}

/** What the abort promise resolves to, so a race can tell "timed out" from a response. */
const ABORTED = Symbol('aborted')

/** One line for the attempt log: names the module and the receiver. */
export function describeSendOutcome(outcome: SendOutcome, url: string): string | null {
  switch (outcome.kind) {
    case 'delivered':
      return null
    case 'http_error': {
      if (outcome.status >= 300 && outcome.status <= 399) {
        return `webhooks: ${outcome.status} redirect from ${url}${outcome.location ? ` to ${outcome.location.slice(0, 200)}` : ''} (redirects are not followed)`
      }
      const retry = outcome.retryAfterSeconds === null ? '' : ` (retry after ${outcome.retryAfterSeconds} s)`
      return `webhooks: ${outcome.status} from ${url}${retry}`
    }
    case 'timeout':
      return `webhooks: ${url} did not answer within ${outcome.timeoutMs} ms`
    case 'network_error':
      return `webhooks: network error posting to ${url}: ${outcome.message}`
    case 'blocked_url':
      return `webhooks: refused to post to ${url}: ${outcome.message.replace(/^url: /, '')}`
    default:
      return assertNever(outcome)
  }
}

function assertNever(value: never): never {
  throw new Error(`webhooks: unhandled outcome ${JSON.stringify(value)}`)
}
