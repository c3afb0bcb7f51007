// Orchestrator for one cron tick: load the registry, pick the due feeds, refresh each, write the heartbeat.
import type { FeedConfig } from '../model/feed'
import type { RefreshResult } from './refresh-feed'
import type { RecheckDeps, RecheckSummary } from './recheck-pages'
import { duePages, emptyRecheckSummary, recheckPages } from './recheck-pages'
import type { ArticleRecord } from '../model/article'
import type { TrackedPage } from '../articles/tracked-pages-store'
import { followStories } from './track-stories'
import type { StoryStore } from '../stories/story-store'
import { refreshFeed } from './refresh-feed'
import { defaultFeedConfigs } from '../feeds/feed-registry'
import { boundsBite, cronPeriodMinutes, feedHost, isDue, pickFeedsForTick, pollVerdict } from '../feeds/schedule'
import type { FeedState } from '../model/feed'
import { KeyedMutex } from '../core/keyed-mutex'
import { feedMessages, pageMessages, sendMessages, type FeedQueueMessage } from './queue-messages'
import { mapLimit } from '../core/map-limit'
import type { KvCounts } from '../storage/counting-kv'
import type { TickSummary } from './tick-summary'
import { HeartbeatStore } from './heartbeat-store'
import { deliverWebhooks, type WebhookDeps } from './deliver-webhooks'

export type { TickSummary }

export interface TickDeps extends RecheckDeps, WebhookDeps {
  stories: StoryStore
  /** Bound when FEED_QUEUE is configured: due feeds and page re-checks go to the queue consumer instead of the cron. */
  feedQueue: Queue<FeedQueueMessage> | null
  kv: KVNamespace
  /** Live KV operation counts of this invocation (from storage/counting-kv). */
  kvCounts: KvCounts
  heartbeat: HeartbeatStore
  /** Outbound fetches of this invocation (counted in deps.fetch). */
  subrequests: { fetches: number }
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

/**
 * Runs one tick at `nowMs` (the cron's scheduled time). One feed's failure never fails the tick: it is recorded on
 * that feed. Reads: the registry, one state per due feed, and articles only for items that changed.
 */
export async function runTick(deps: TickDeps, nowMs: number, cron: string | null): Promise<TickSummary> {
  const nowIso = new Date(nowMs).toISOString()
  const feeds = await loadFeeds(deps, nowIso)
  const period = cronPeriodMinutes(cron)
  const due = feeds.filter((f) => isDue(f, nowMs, period))
  let results: RefreshResult[] = []
  let enqueued = 0
  let messages = 0
  let deferred = 0
  let disabled = 0
  let waiting = 0
  let backingOff = 0
  let pages: RecheckSummary
  let tracked: TrackedPage[]
  let candidates: ArticleRecord[] = []
  if (deps.feedQueue) {
    // Fan-out: the cron only decides which feeds and pages are due and enqueues them, FEEDS_PER_MESSAGE feeds and
    // PAGES_PER_MESSAGE pages a message, without reading feed states (thousands of reads would pass the 1,000 KV
    // operations an invocation may make); the consumer checks each state before polling.
    // Consumers stage their tracked-page changes one key per page; this cron is the one writer of the list itself.
    tracked = feeds.some((f) => f.fetchArticles) ? (await deps.trackedPages.mergeStaged(nowMs)).pages : []
    const duePageList = duePages(feeds, tracked, nowMs, period * 60_000)
    const feedBatch = feedMessages(due, nowMs)
    const pageBatch = pageMessages(duePageList, nowMs)
    messages = await sendMessages(deps.feedQueue, [...feedBatch, ...pageBatch])
    enqueued = due.length
    pages = { ...emptyRecheckSummary(), due: duePageList.length, enqueued: duePageList.length }
  } else {
    // Bounded: pick the tick's feeds first, then read only their states.
    const limits = { maxPerTick: deps.settings.maxFeedsPerTick, maxPerHost: deps.settings.maxFeedsPerHostPerTick }
    // The rotation cursor is read and written only by deployments whose bounds bite (more due feeds than a tick polls).
    const bite = boundsBite(due, limits)
    const cursor = bite ? await deps.heartbeat.readCursor() : 0
    const pick = pickFeedsForTick(due, cursor, limits)
    if (bite && pick.nextCursor !== cursor) await deps.heartbeat.writeCursor(pick.nextCursor)
    deferred = pick.deferred
    const states = await mapLimit(pick.picked, 16, (f) => deps.feeds.getState(f.id))
    const runnable: { feed: FeedConfig; state: FeedState | null }[] = []
    for (const [i, feed] of pick.picked.entries()) {
      const state = states[i] ?? null
      const verdict = pollVerdict(feed, state, nowMs, period)
      if (verdict === 'disabled') disabled++
      else if (verdict === 'hint') waiting++
      else if (verdict === 'backoff') backingOff++
      else runnable.push({ feed, state })
    }
    const hostLock = new KeyedMutex()
    // refreshFeed contains every failure of its feed, so one feed never stops the others; one host at a time.
    results = await mapLimit(runnable, deps.settings.fetchConcurrency, ({ feed, state }): Promise<RefreshResult> =>
      hostLock.run(feedHost(feed.url), () => refreshFeed(deps, feed, state, nowMs)),
    )

    // Page re-checks run after the feeds and skip pages the feeds already fetched in this tick. Both contain their own
    // failures, so the tracked-pages update below is reached; it is the only writer of that key in a tick.
    // Only deployments that track pages pay the read.
    const listed = feeds.some((f) => f.fetchArticles) ? await deps.trackedPages.list() : []
    const rechecks = await recheckPages(deps, feeds, listed, nowMs, period * 60_000)
    const added = results.flatMap((r) => r.trackedPages)
    const removed = [...results.flatMap((r) => r.removedPages), ...rechecks.removedIds]
    // The summary counts the list as the update left it (the list read above when there was nothing to change).
    tracked = (await deps.trackedPages.update({ add: added, remove: removed }, nowMs)) ?? listed
    pages = rechecks.summary
    candidates = rechecks.candidates
  }

  // Every new or revised article of the tick is scored against every story, once.
  const stories = await followStories(deps, [...results.flatMap((r) => r.candidates), ...candidates], nowMs, results.flatMap((r) => r.quietCandidates))

  // Every alert of the tick is stored by now: webhooks are dispatched from the stored alerts, never from memory.
  const webhooks = await deliverWebhooks(deps, nowMs, new Map(feeds.map((f) => [f.id, f.title ?? f.url])))

  const count = (o: RefreshResult['outcome']): number => results.filter((r) => r.outcome === o).length
  const summary: TickSummary = {
    at: nowIso,
    cron,
    feedsTotal: feeds.length,
    feedsDue: due.length,
    feedsDisabled: disabled,
    feedsWaitingForHint: waiting,
    feedsEnqueued: enqueued,
    feedsDeferred: deferred,
    backingOff,
    feedsPolled: results.length,
    notModified: count('not_modified'),
    unchanged: count('unchanged'),
    updated: count('updated'),
    failed: count('error'),
    articlesNew: results.reduce((n, r) => n + r.newArticles, 0),
    articlesRevised: results.reduce((n, r) => n + r.revisedArticles, 0),
    // Every alert of the tick: revisions and removals from feeds and page re-checks, and story follow-ups.
    alertsRaised: results.reduce((n, r) => n + r.alertsRaised, 0) + pages.alertsRaised + stories.alertsRaised,
    stateWrites: results.filter((r) => r.stateWritten).length,
    pages: { ...pages, tracked: tracked.length },
    stories,
    webhooks,
    kv: { ...deps.kvCounts },
    subrequests: deps.subrequests.fetches,
    queueMessages: messages + webhooks.enqueued,
  }
  await deps.heartbeat.write(summary)
  return summary
}
