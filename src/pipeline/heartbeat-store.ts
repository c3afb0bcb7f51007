// HeartbeatStore: the last recorded tick's summary (every tick that did something; quiet ticks once per window).
import type { TickSummary } from './tick-summary'
import { cronPeriodMinutes } from '../feeds/schedule'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/**
 * True when a tick wrote nothing, deleted nothing, enqueued nothing and saw no failure: the kind of tick the heartbeat
 * records only once per window (HEARTBEAT_QUIET_MINUTES). Every tick rewriting one key is 288 writes a day, over a
 * quarter of the Free plan's 1,000.
 */
export function isQuietTick(summary: TickSummary): boolean {
  return (
    summary.kv.writes === 0 &&
    summary.kv.deletes === 0 &&
    summary.failed === 0 &&
    summary.feedsEnqueued === 0 &&
    summary.queueMessages === 0 &&
    summary.alertsRaised === 0 &&
    summary.stories.error === null &&
    summary.webhooks.failed === 0 &&
    summary.webhooks.error === undefined
  )
}

/** True when `at` (a tick's scheduled time) is the first tick of its `windowMinutes` window for a cron of `periodMinutes`. */
function firstTickOfWindow(at: string, windowMinutes: number, periodMinutes: number): boolean {
  const ms = Date.parse(at)
  return !Number.isFinite(ms) || windowMinutes <= periodMinutes || ms % (windowMinutes * 60_000) < periodMinutes * 60_000
}

export class HeartbeatStore {
  /** `quietMinutes`: a quiet tick is recorded once per this many minutes (0: every tick). */
  constructor(
    private readonly kv: KVNamespace,
    private readonly quietMinutes = 0,
  ) {}

  /** The last recorded tick's summary, or null before the first tick. */
  async read(): Promise<TickSummary | null> {
    return getJson<TickSummary>(this.kv, KEYS.lastTick())
  }

  /**
   * Records a tick's summary, unless it was quiet (see isQuietTick) and not the first tick of its window; returns
   * whether it wrote. A retried tick computes the same answer from the same scheduled time.
   */
  async write(summary: TickSummary): Promise<boolean> {
    if (isQuietTick(summary) && !firstTickOfWindow(summary.at, this.quietMinutes, cronPeriodMinutes(summary.cron))) return false
    await putJson(this.kv, KEYS.lastTick(), summary)
    return true
  }

  /** Where the bounded tick's rotation resumes (0 before the bounds ever bit). */
  async readCursor(): Promise<number> {
    const value = await getJson<{ position: number }>(this.kv, KEYS.tickCursor())
    return value?.position ?? 0
  }

  async writeCursor(position: number): Promise<void> {
    await putJson(this.kv, KEYS.tickCursor(), { position })
  }
}
