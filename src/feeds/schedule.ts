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
 * The order in which due feeds take turns: hosts interleaved (one feed of each host, then the next of each…), hosts and
 * feeds by id, so one publisher's hundreds of feeds do not bunch together.
 */
export function rotationOrder<T extends { id: string; url: string }>(due: readonly T[]): T[] {
  const byHost = new Map<string, T[]>()
  for (const feed of [...due].sort((a, b) => a.id.localeCompare(b.id))) {
    const host = feedHost(feed.url)
    const group = byHost.get(host)
    if (group) group.push(feed)
    else byHost.set(host, [feed])
  }
  const groups = [...byHost.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g)
  const order: T[] = []
  for (let round = 0; order.length < due.length; round++) for (const g of groups) if (g[round] !== undefined) order.push(g[round] as T)
  return order
}

/** True when the tick's bounds will leave some due feeds out (only then is a rotation cursor worth reading). */
export function boundsBite(due: readonly { url: string }[], limits: { maxPerTick: number; maxPerHost: number }): boolean {
  if (due.length > limits.maxPerTick) return true
  const perHost = new Map<string, number>()
  for (const f of due) {
    const n = (perHost.get(feedHost(f.url)) ?? 0) + 1
    if (n > limits.maxPerHost) return true
    perHost.set(feedHost(f.url), n)
  }
  return false
}

/**
 * Which due feeds this tick polls: walking the rotation order from `cursor`, at most `maxPerTick`, at most `maxPerHost`
 * of one host. The next cursor is the first feed skipped for its host's limit (so it goes first next time), else the
 * feed after the last one taken: every due feed gets its turn.
 */
export function pickFeedsForTick<T extends { id: string; url: string }>(
  due: readonly T[],
  cursor: number,
  limits: { maxPerTick: number; maxPerHost: number },
): { picked: T[]; deferred: number; nextCursor: number } {
  const order = rotationOrder(due)
  if (order.length === 0) return { picked: [], deferred: 0, nextCursor: 0 }
  const start = ((cursor % order.length) + order.length) % order.length
  const perHost = new Map<string, number>()
  const picked: T[] = []
  let firstSkipped: number | null = null
  let scanned = 0
  for (; scanned < order.length && picked.length < limits.maxPerTick; scanned++) {
    const index = (start + scanned) % order.length
    const feed = order[index] as T
    const host = feedHost(feed.url)
    const n = perHost.get(host) ?? 0
    if (n >= limits.maxPerHost) {
      firstSkipped ??= index
      continue
    }
    perHost.set(host, n + 1)
    picked.push(feed)
  }
  const nextCursor = firstSkipped ?? (start + scanned) % order.length
  return { picked, deferred: due.length - picked.length, nextCursor }
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
