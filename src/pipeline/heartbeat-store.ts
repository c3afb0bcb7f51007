// HeartbeatStore: the last recorded tick's summary (once per window, and at once for a tick where something failed).
import type { TickSummary } from './tick-summary'
import { cronPeriodMinutes } from '../feeds/schedule'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/**
 * True when something went wrong in a tick (a feed failed, story tracking or the webhook dispatcher failed, a delivery
 * failed for good): such a tick is recorded at once. Any other tick is recorded only on the first tick of its window
 * (HEARTBEAT_MINUTES): a heartbeat rewritten on every tick is 288 KV writes a day, over a quarter of the Free
 * plan's 1,000, and on a busy deployment nearly every tick brings some new article.
 */
export function needsRecording(summary: TickSummary): boolean {
  return summary.failed > 0 || summary.stories.error !== null || summary.webhooks.failed > 0 || summary.webhooks.error !== undefined
}

/** True when `at` (a tick's scheduled time) is the first tick of its `windowMinutes` window for a cron of `periodMinutes`. */
function firstTickOfWindow(at: string, windowMinutes: number, periodMinutes: number): boolean {
  const ms = Date.parse(at)
  return !Number.isFinite(ms) || windowMinutes <= periodMinutes || ms % (windowMinutes * 60_000) < periodMinutes * 60_000
}

export class HeartbeatStore {
  /** `windowMinutes`: a tick without failures is recorded once per this many minutes (0: every tick). */
  constructor(
    private readonly kv: KVNamespace,
    private readonly windowMinutes = 0,
  ) {}

  /** The last recorded tick's summary, or null before the first tick. */
  async read(): Promise<TickSummary | null> {
    return getJson<TickSummary>(this.kv, KEYS.lastTick())
  }

  /**
   * Records a tick's summary when it is the first tick of its window or something failed (see needsRecording);
   * returns whether it wrote. A retried tick computes the same answer from the same scheduled time.
   */
  async write(summary: TickSummary): Promise<boolean> {
    if (!needsRecording(summary) && !firstTickOfWindow(summary.at, this.windowMinutes, cronPeriodMinutes(summary.cron))) return false
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
