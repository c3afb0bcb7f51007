// When a digest subscription is due, which period a run belongs to, and the digest id of that period (pure).
import type { DigestSchedule } from './digest-store'

const HOUR_MS = 3_600_000

/** The digest cron: the top of every hour (UTC). Hourly subscriptions are due on every run, daily ones at their hour. */
export const DIGEST_CRON = '0 * * * *'

/** Default hour (UTC) of a daily digest: 07:00 UTC is 07:00 or 08:00 in London, before the morning news meeting. */
export const DEFAULT_DAILY_HOUR_UTC = 7

interface Scheduled {
  schedule: DigestSchedule
  hourUtc: number | null
}

/** True when a run at `nowMs` should build this subscription's digest. */
export function isDigestDue(sub: Scheduled, nowMs: number): boolean {
  if (sub.schedule === 'hourly') return true
  return new Date(nowMs).getUTCHours() === (sub.hourUtc ?? DEFAULT_DAILY_HOUR_UTC)
}

/**
 * The period a run at `nowMs` belongs to: `h2030-01-07T09` (hourly) or `d2030-01-07` (daily). Every run inside the
 * same hour (a retried cron, an overlapping one) gets the same period, hence the same digest id.
 */
export function digestPeriod(sub: Scheduled, nowMs: number): string {
  const iso = new Date(Math.floor(nowMs / HOUR_MS) * HOUR_MS).toISOString()
  return sub.schedule === 'hourly' ? `h${iso.slice(0, 13)}` : `d${iso.slice(0, 10)}`
}

/** The digest id: (subscription, period). The same pair is the same digest, sent at most once. */
export function digestId(subscriptionId: string, period: string): string {
  return `${subscriptionId}.${period}`
}

/** The next time (ms) after `nowMs` a run would find this subscription due. */
export function nextDigestAt(sub: Scheduled, nowMs: number): number {
  let at = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS
  while (!isDigestDue(sub, at)) at += HOUR_MS
  return at
}
