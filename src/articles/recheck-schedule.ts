// When an article page is re-fetched (pure): a decaying schedule computed from its age, so nothing is stored per check.

const MIN = 60_000
const HOUR = 60 * MIN

/** Interval between re-checks for an article of this age; null once it is past the horizon. */
export function recheckIntervalMs(ageMs: number): number | null {
  if (ageMs < 0) return null
  if (ageMs < 3 * HOUR) return 15 * MIN
  if (ageMs < 24 * HOUR) return HOUR
  if (ageMs < 7 * 24 * HOUR) return 3 * HOUR
  return null
}

/** Articles older than this are no longer re-checked (and leave the tracked list). */
export const RECHECK_HORIZON_MS = 7 * 24 * HOUR

/**
 * Due on the tick whose period (now − period, now] contains a multiple of the interval since first sight, so a tick
 * every `periodMs` checks each article once per interval without remembering when it last did.
 */
export function isRecheckDue(firstSeenMs: number, nowMs: number, periodMs: number): boolean {
  const age = nowMs - firstSeenMs
  const interval = recheckIntervalMs(age)
  if (interval === null || age < interval) return false
  const boundary = firstSeenMs + Math.floor(age / interval) * interval
  return boundary > nowMs - periodMs
}
