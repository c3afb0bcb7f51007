// Drives a Worker's cron triggers under `wrangler dev`, which never fires them by itself.
import { Cron } from 'croner'

/** One scheduled invocation: which cron trigger, and the minute it matched. */
export interface Tick {
  cron: string
  at: Date
}

/** How one tick request ended: an HTTP answer (any status) or a transport failure. */
export type TickOutcome =
  | { kind: 'response'; status: number; body: string; ms: number }
  | { kind: 'failed'; message: string; ms: number }

// Cloudflare evaluates cron triggers in UTC and accepts the classic five fields only.
const CRON_OPTIONS = { timezone: 'UTC', mode: '5-part', paused: true } as const

// setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once; sleeping in bounded slices also
// re-reads the clock, so a laptop waking from sleep does not wait out a stale delay.
const MAX_SLEEP_MS = 60_000

/** Throws a message naming the expression when croner (UTC, five fields) cannot parse it. */
export function validateCron(cron: string): void {
  try {
    new Cron(cron, CRON_OPTIONS)
  } catch (error) {
    throw new Error(`tick-driver: invalid cron "${cron}": ${(error as Error).message}`)
  }
}

/**
 * The earliest time strictly after `after` at which any of `crons` matches, with every cron that
 * matches at that minute (Cloudflare fires each trigger separately). Empty when none ever matches again.
 */
export function nextTicks(crons: readonly string[], after: Date): Tick[] {
  let earliest: number | null = null
  const due: Tick[] = []
  for (const cron of crons) {
    const next = new Cron(cron, CRON_OPTIONS).nextRun(after)
    if (!next) continue
    const ms = next.getTime()
    if (earliest === null || ms < earliest) {
      earliest = ms
      due.length = 0
    }
    if (ms === earliest) due.push({ cron, at: next })
  }
  return due
}

/**
 * The URL that runs the scheduled handler. `/cdn-cgi/handler/scheduled` is Miniflare's trigger
 * endpoint: unlike wrangler's `/__scheduled` middleware it honours `time` (so `controller.scheduledTime`
 * is the matched minute, as in production) and answers 500 when the handler throws.
 */
export function scheduledUrl(baseUrl: string, tick: Tick): string {
  const url = new URL('/cdn-cgi/handler/scheduled', baseUrl)
  url.searchParams.set('cron', tick.cron)
  url.searchParams.set('time', String(tick.at.getTime()))
  return url.toString()
}

/** One log line per tick, e.g. `tick 03:35:00Z → 200 in 412 ms`. */
export function formatTickLine(tick: Tick, outcome: TickOutcome, showCron: boolean): string {
  const time = `${tick.at.toISOString().slice(11, 19)}Z`
  const label = showCron ? `tick ${time} [${tick.cron}]` : `tick ${time}`
  switch (outcome.kind) {
    case 'response': {
      const note = outcome.status === 200 ? '' : ` (${outcome.body.trim().slice(0, 200) || 'no body'})`
      return `${label} → ${outcome.status}${note} in ${outcome.ms} ms`
    }
    case 'failed':
      return `${label} → failed after ${outcome.ms} ms: ${outcome.message}`
    default: {
      const never: never = outcome
      return never
    }
  }
}

/** Sends one tick; never throws (a failed tick must not stop the driver). */
export async function sendTick(
  baseUrl: string,
  tick: Tick,
  fetchFn: typeof fetch,
  clock: () => number = Date.now,
): Promise<TickOutcome> {
  const started = clock()
  try {
    // A tick polls every due feed; give it far longer than any single fetch but not forever.
    const response = await fetchFn(scheduledUrl(baseUrl, tick), { signal: AbortSignal.timeout(120_000) })
    const body = await response.text()
    return { kind: 'response', status: response.status, body, ms: clock() - started }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const message = cause?.code ?? cause?.message ?? (error as Error).message
    return { kind: 'failed', message, ms: clock() - started }
  }
}

/** What the driver loop needs from the outside world (the real one, or a test's fakes). */
export interface TickDriverDeps {
  baseUrl: string
  crons: readonly string[]
  fetch: typeof fetch
  now: () => number
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  log: (line: string) => void
  signal: AbortSignal
}

/** Fires one tick per cron at once, then one at every minute the crons match, until `signal` aborts. */
export async function runTickDriver(deps: TickDriverDeps): Promise<void> {
  const showCron = deps.crons.length > 1
  const fire = async (tick: Tick): Promise<void> => {
    const outcome = await sendTick(deps.baseUrl, tick, deps.fetch, deps.now)
    if (!deps.signal.aborted) deps.log(formatTickLine(tick, outcome, showCron))
  }
  const start = new Date(deps.now())
  for (const cron of deps.crons) await fire({ cron, at: start })
  let cursor = start
  while (!deps.signal.aborted) {
    const due = nextTicks(deps.crons, cursor)
    const first = due[0]
    if (!first) {
      deps.log('tick driver: no cron ever matches again; stopping')
      return
    }
    const wait = first.at.getTime() - deps.now()
    if (wait > 0) {
      await deps.sleep(Math.min(wait, MAX_SLEEP_MS), deps.signal)
      continue
    }
    for (const tick of due) await fire(tick)
    // Resume from "now", not from the fired minute: after a long tick or a suspended laptop the driver
    // fires one overdue tick, not every minute it missed (Cloudflare does not replay missed crons either).
    cursor = new Date(Math.max(first.at.getTime(), deps.now()))
  }
}

/** A sleep that resolves early (without throwing) when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

/** The last `count` times `cron` matched at or before `now`, oldest first (for replaying a schedule). */
export function recentTicks(cron: string, count: number, now: Date): Tick[] {
  return new Cron(cron, CRON_OPTIONS)
    .previousRuns(count, new Date(now.getTime() + 1))
    .reverse()
    .map((at) => ({ cron, at }))
}
