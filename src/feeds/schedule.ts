// When a feed is due (pure): a stateless slot schedule, so an unchanged tick needs no per-feed write.

/** The cron period when the cron expression cannot be read (matches wrangler.toml). */
export const DEFAULT_CRON_PERIOD_MINUTES = 5
/** Longest backoff after repeated failures. */
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000
/** First retry delay after one failure; doubles with every further consecutive failure. */
const BASE_BACKOFF_MS = 5 * 60 * 1000

/** Minutes between ticks from a cron expression of the form `*\/N * * * *`; otherwise the default. */
export function cronPeriodMinutes(cron: string | null): number {
  const m = cron?.trim().match(/^\*\/(\d{1,2})\s+\*\s+\*\s+\*\s+\*$/)
  const n = m?.[1] ? Number(m[1]) : NaN
  return Number.isInteger(n) && n >= 1 && n <= 60 ? n : DEFAULT_CRON_PERIOD_MINUTES
}

function slotHash(feedId: string): number {
  let h = 0
  for (let i = 0; i < feedId.length; i++) h = (h * 31 + feedId.charCodeAt(i)) >>> 0
  return h
}

/**
 * A feed with interval I is due on one tick out of every ceil(I / period), at a phase fixed by its id, so feeds with
 * long intervals spread evenly over ticks and every feed's turn is known without storing a "next due" time.
 */
export function isDue(feed: { id: string; intervalMinutes: number }, nowMs: number, periodMinutes: number): boolean {
  const every = Math.max(1, Math.ceil(feed.intervalMinutes / periodMinutes))
  if (every === 1) return true
  const slot = Math.floor(nowMs / (periodMinutes * 60_000))
  return slot % every === slotHash(feed.id) % every
}

/** Start time of the most recent slot at or before `nowMs` in which the feed was due. */
export function lastDueSlotAt(feed: { id: string; intervalMinutes: number }, nowMs: number, periodMinutes: number): number {
  const slotMs = periodMinutes * 60_000
  const every = Math.max(1, Math.ceil(feed.intervalMinutes / periodMinutes))
  const slot = Math.floor(nowMs / slotMs)
  const phase = slotHash(feed.id) % every
  const back = (((slot - phase) % every) + every) % every
  return (slot - back) * slotMs
}

/** Delay before the next attempt after `consecutiveFailures` failures, never shorter than the server asked. */
export function backoffMs(consecutiveFailures: number, retryAfterSeconds: number | null): number {
  const exp = BASE_BACKOFF_MS * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 16))
  const asked = retryAfterSeconds !== null ? retryAfterSeconds * 1000 : 0
  return Math.min(MAX_BACKOFF_MS, Math.max(exp, asked))
}

/**
 * Due with the publisher's hint applied: of the ticks on which the feed is due by its own interval, only one in every
 * ceil(hint / interval) — a subset, so the read of the feed's state (where the hint lives) is never wasted.
 */
export function isDueWithHint(feed: { id: string; intervalMinutes: number }, minIntervalMinutes: number | null, nowMs: number, periodMinutes: number): boolean {
  if (!isDue(feed, nowMs, periodMinutes)) return false
  if (minIntervalMinutes === null || minIntervalMinutes <= feed.intervalMinutes) return true
  const every = Math.max(1, Math.ceil(feed.intervalMinutes / periodMinutes))
  const k = Math.ceil(minIntervalMinutes / (every * periodMinutes))
  if (k <= 1) return true
  const turn = Math.floor(Math.floor(nowMs / (periodMinutes * 60_000)) / every)
  return turn % k === slotHash(`${feed.id}:hint`) % k
}

/** Hosts of feed URLs, for per-publisher politeness. */
export function feedHost(url: string): string {
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}

/**
 * Which due feeds this tick polls: at most `maxPerTick`, at most `maxPerHost` of one host. Both windows rotate with the
 * tick's slot number — within each host's feeds and across hosts — so every due feed gets its turn without a stored
 * cursor, even when one publisher has hundreds of feeds.
 */
export function pickFeedsForTick<T extends { id: string; url: string }>(
  due: readonly T[],
  nowMs: number,
  periodMinutes: number,
  limits: { maxPerTick: number; maxPerHost: number },
): { picked: T[]; deferred: number } {
  if (due.length === 0) return { picked: [], deferred: 0 }
  const slot = Math.floor(nowMs / (periodMinutes * 60_000))
  const byHost = new Map<string, T[]>()
  for (const feed of [...due].sort((a, b) => a.id.localeCompare(b.id))) {
    const host = feedHost(feed.url)
    const group = byHost.get(host)
    if (group) group.push(feed)
    else byHost.set(host, [feed])
  }
  // Each host offers its next `maxPerHost` feeds, a window that moves on by that much every tick.
  const offers = [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, group]) => {
      const take = Math.min(limits.maxPerHost, group.length)
      const start = (slot * take) % group.length
      return Array.from({ length: take }, (_, i) => group[(start + i) % group.length] as T)
    })
  // Hosts take turns, starting from a host that moves on every tick, one feed each round.
  const first = (slot * limits.maxPerTick) % offers.length
  const hosts = [...offers.slice(first), ...offers.slice(0, first)]
  const picked: T[] = []
  for (let round = 0; picked.length < limits.maxPerTick; round++) {
    let added = false
    for (const offer of hosts) {
      const feed = offer[round]
      if (feed === undefined) continue
      picked.push(feed)
      added = true
      if (picked.length >= limits.maxPerTick) break
    }
    if (!added) break
  }
  return { picked, deferred: due.length - picked.length }
}

/**
 * Whether a due feed is polled now, given its state: not while disabled, not before the publisher's hint allows, not
 * while backing off after failures. Used by the cron and by the queue consumer alike.
 */
export function pollVerdict(
  feed: { id: string; intervalMinutes: number },
  state: { disabled: unknown; minIntervalMinutes: number | null; retryAt: string | null } | null,
  nowMs: number,
  periodMinutes: number,
): 'poll' | 'disabled' | 'hint' | 'backoff' {
  if (state?.disabled) return 'disabled'
  if (!isDueWithHint(feed, state?.minIntervalMinutes ?? null, nowMs, periodMinutes)) return 'hint'
  if (state?.retryAt != null && Date.parse(state.retryAt) > nowMs) return 'backoff'
  return 'poll'
}
