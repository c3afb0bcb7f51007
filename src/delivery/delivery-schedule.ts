// Retry policy (pure): what happens after an attempt, and how an endpoint's health changes with its attempts.
import type { SendOutcome } from './send-webhook'
import type { WebhookEndpoint } from './webhook-model'

/** Waits before retries 1..8: about a day and a half in all, then the delivery is failed and kept for replay. */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 24 * 3600] as const
/** Jitter adds up to this fraction of the delay, so endpoints that failed together do not retry in lockstep. */
export const JITTER_FRACTION = 0.2
/** A Retry-After beyond this is treated as this (a receiver cannot park a delivery for a week). */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600
/** An endpoint whose every attempt failed for this long is disabled. */
export const FAILING_DISABLE_AFTER_MS = 5 * 24 * 3600_000

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; delaySeconds: number }
  /** 410 Gone: the receiver asks never to be called again; the endpoint is disabled. */
  | { kind: 'gone' }
  | { kind: 'give_up'; reason: string }

/**
 * The verdict on an attempt, given how many attempts of this delivery failed before it. `random` is in [0, 1).
 * 429 and 5xx honour Retry-After (never earlier than it); every other failure (3xx, 4xx, timeout, network) backs off.
 */
export function decideAfterAttempt(outcome: SendOutcome, failedBefore: number, random: number): AttemptVerdict {
  if (outcome.kind === 'delivered') return { kind: 'delivered' }
  if (outcome.kind === 'http_error' && outcome.status === 410) return { kind: 'gone' }
  const base = RETRY_DELAYS_SECONDS[failedBefore]
  if (base === undefined) return { kind: 'give_up', reason: `webhooks: gave up after ${failedBefore + 1} attempts` }
  let delaySeconds = Math.ceil(base * (1 + JITTER_FRACTION * Math.min(Math.max(random, 0), 1)))
  if (outcome.kind === 'http_error' && (outcome.status === 429 || outcome.status >= 500) && outcome.retryAfterSeconds !== null) {
    delaySeconds = Math.max(delaySeconds, Math.min(outcome.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS))
  }
  return { kind: 'retry', delaySeconds }
}

/** One attempt's effect on its endpoint's health. */
export interface HealthEvent {
  atMs: number
  ok: boolean
  gone: boolean
  error: string | null
}

/**
 * The endpoint after `events` (in time order); null when nothing changed, so a healthy endpoint costs no write.
 * Success clears the failing streak; 410 disables at once; a streak of failures lasting 5 days disables with the reason.
 */
export function applyHealth(endpoint: WebhookEndpoint, events: readonly HealthEvent[]): WebhookEndpoint | null {
  let next = endpoint
  let changed = false
  const set = (patch: Partial<WebhookEndpoint>): void => {
    next = { ...next, ...patch }
    changed = true
  }
  for (const event of [...events].sort((a, b) => a.atMs - b.atMs)) {
    const at = new Date(event.atMs).toISOString()
    if (event.ok) {
      // Only the end of a streak is written: a healthy endpoint's successes cost no registry write.
      if (next.failingSince !== null) set({ failingSince: null })
      continue
    }
    if (event.gone && next.enabled) {
      set({ enabled: false, disabledAt: at, disabledReason: `webhooks: receiver answered 410 Gone at ${at}` })
      continue
    }
    if (next.failingSince === null) set({ failingSince: at })
    const since = next.failingSince ?? at
    if (next.enabled && event.atMs - Date.parse(since) >= FAILING_DISABLE_AFTER_MS) {
      set({
        enabled: false,
        disabledAt: at,
        disabledReason: `webhooks: every delivery failed since ${since} (5 days); last error: ${event.error ?? 'unknown'}`,
      })
    }
  }
  return changed ? next : null
}
