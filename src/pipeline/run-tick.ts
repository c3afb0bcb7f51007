// Orchestrator for one cron tick: load the registry, pick the due feeds, refresh each, write the heartbeat.
import type { FeedConfig } from '../model/feed'
import type { RefreshDeps, RefreshResult } from './refresh-feed'
import { refreshFeed } from './refresh-feed'
import { defaultFeedConfigs } from '../feeds/feed-registry'
import { cronPeriodMinutes, isDue } from '../feeds/schedule'
import { mapLimit } from '../core/map-limit'
import { KEYS } from '../storage/keys'
import { putJson, getJson } from '../storage/kv-json'
import type { KvCounts } from '../storage/counting-kv'

export interface TickSummary {
  at: string
  cron: string | null
  feedsTotal: number
  feedsDue: number
  backingOff: number
  feedsPolled: number
  notModified: number
  unchanged: number
  updated: number
  failed: number
  articlesNew: number
  articlesRevised: number
  alertsRaised: number
  /** Feed states written this tick (0 when nothing changed anywhere). */
  stateWrites: number
  /** KV operations of the tick before the heartbeat write itself (which adds one write). */
  kv: KvCounts
}

export interface TickDeps extends RefreshDeps {
  kv: KVNamespace
  /** Live KV operation counts of this invocation (from storage/counting-kv). */
  kvCounts: KvCounts
}

/** Loads the registry, seeding the shipped default feeds on the very first run when enabled. */
export async function loadFeeds(deps: TickDeps, nowIso: string): Promise<FeedConfig[]> {
  const feeds = await deps.feeds.listFeeds()
  if (feeds) return feeds
  if (!deps.settings.seedDefaultFeeds) return []
  const seeded = await defaultFeedConfigs(nowIso)
  await deps.feeds.saveFeeds(seeded)
  return seeded
}

/** The last tick's summary (the heartbeat), or null before the first tick. */
export async function readLastTick(kv: KVNamespace): Promise<TickSummary | null> {
  return getJson<TickSummary>(kv, KEYS.lastTick())
}

/**
 * Runs one tick at `nowMs` (the cron's scheduled time). One feed's failure never fails the tick: it is recorded on
 * that feed. Reads: the registry, one state per due feed, and articles only for items that changed.
 */
export async function runTick(deps: TickDeps, nowMs: number, cron: string | null): Promise<TickSummary> {
  const nowIso = new Date(nowMs).toISOString()
  const feeds = await loadFeeds(deps, nowIso)
  const period = cronPeriodMinutes(cron)
  const due = feeds.filter((f) => isDue(f, nowMs, period))
  const states = await mapLimit(due, 16, (f) => deps.feeds.getState(f.id))
  const runnable = due
    .map((feed, i) => ({ feed, state: states[i] ?? null }))
    .filter(({ state }) => state?.retryAt == null || Date.parse(state.retryAt) <= nowMs)

  const results = await mapLimit(runnable, deps.settings.fetchConcurrency, async ({ feed, state }): Promise<RefreshResult> => {
    try {
      return await refreshFeed(deps, feed, state, nowMs)
    } catch (err) {
      // An unexpected failure (a bug or a KV outage) in one feed must not stop the others; it is logged, not stored,
      // because storing it could itself fail the same way.
      console.error(`pipeline: feed ${feed.id} (${feed.url}) failed unexpectedly`, err)
      return { feedId: feed.id, outcome: 'error', newArticles: 0, revisedArticles: 0, alertsRaised: 0, stateWritten: false, error: { code: 'internal', message: 'pipeline: unexpected failure' } }
    }
  })

  const count = (o: RefreshResult['outcome']): number => results.filter((r) => r.outcome === o).length
  const summary: TickSummary = {
    at: nowIso,
    cron,
    feedsTotal: feeds.length,
    feedsDue: due.length,
    backingOff: due.length - runnable.length,
    feedsPolled: results.length,
    notModified: count('not_modified'),
    unchanged: count('unchanged'),
    updated: count('updated'),
    failed: count('error'),
    articlesNew: results.reduce((n, r) => n + r.newArticles, 0),
    articlesRevised: results.reduce((n, r) => n + r.revisedArticles, 0),
    alertsRaised: results.reduce((n, r) => n + r.alertsRaised, 0),
    stateWrites: results.filter((r) => r.stateWritten).length,
    kv: { ...deps.kvCounts },
  }
  await putJson(deps.kv, KEYS.lastTick(), summary)
  return summary
}
