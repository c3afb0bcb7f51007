// The queue consumer's feed polls: the feeds of each feeds message, through the same pipeline as the cron.
import type { FeedConfig } from '../model/feed'
import type { RefreshResult } from './refresh-feed'
import type { TickDeps } from './run-tick'
import { refreshFeed } from './refresh-feed'
import { feedHost, pollVerdict } from '../feeds/schedule'
import { KeyedMutex } from '../core/keyed-mutex'
import { mapLimit } from '../core/map-limit'

export type { FeedQueueMessage } from './queue-messages'

export interface QueuedFeedsSummary {
  /** Feed ids carried by the messages. */
  feeds: number
  polled: number
  /** Feeds deleted since the tick: nothing to do. */
  unknownFeeds: number
  /** Not polled: disabled, waiting for the publisher's hint, backing off, or already polled by this invocation. */
  skipped: number
  newArticles: number
  revisedArticles: number
  failed: number
}

/**
 * Polls the feeds of each message (one host at a time, at most `fetchConcurrency` in flight) and stages the pages they
 * start or stop tracking. Per message: `retry` when one of its feeds failed unexpectedly (refreshFeed records it on the
 * feed as `internal`, or a KV read or the staging failed), else `ack`. Expected failures (HTTP errors, not a feed) are
 * recorded on their feed by refreshFeed: the feed's own backoff decides when it is tried again, not the queue. A retry
 * polls the message's other feeds again, which is harmless (conditional GET, idempotent writes).
 */
export async function pollQueuedFeeds(
  deps: TickDeps,
  feeds: readonly FeedConfig[],
  messages: readonly { feedIds: readonly string[]; tick: number }[],
  nowMs: number,
): Promise<{ verdicts: ('ack' | 'retry')[]; results: RefreshResult[]; summary: QueuedFeedsSummary }> {
  const byId = new Map(feeds.map((f) => [f.id, f]))
  const verdicts: ('ack' | 'retry')[] = messages.map(() => 'ack')
  const summary: QueuedFeedsSummary = { feeds: 0, polled: 0, unknownFeeds: 0, skipped: 0, newArticles: 0, revisedArticles: 0, failed: 0 }
  const jobs: { feed: FeedConfig; tick: number; message: number }[] = []
  const seen = new Set<string>()
  for (const [message, { feedIds, tick }] of messages.entries()) {
    for (const id of feedIds) {
      summary.feeds++
      const feed = byId.get(id)
      if (!feed) summary.unknownFeeds++
      // The same feed twice in one invocation (a retried tick's duplicate message): one poll covers both.
      else if (seen.has(id)) summary.skipped++
      else {
        seen.add(id)
        jobs.push({ feed, tick, message })
      }
    }
  }
  const hostLock = new KeyedMutex()
  const results: RefreshResult[] = []
  await mapLimit(jobs, deps.settings.fetchConcurrency, async ({ feed, tick, message }) => {
    try {
      const state = await deps.feeds.getState(feed.id)
      // The cron enqueued every feed due by its interval; the state decides (disabled, publisher hint, backoff).
      if (pollVerdict(feed, state, tick, deps.settings.cronPeriodMinutes) !== 'poll') {
        summary.skipped++
        return
      }
      const result = await hostLock.run(feedHost(feed.url), () => refreshFeed(deps, feed, state, nowMs))
      results.push(result)
      summary.polled++
      summary.newArticles += result.newArticles
      summary.revisedArticles += result.revisedArticles
      if (result.outcome === 'error') summary.failed++
      if (result.error?.code === 'internal') verdicts[message] = 'retry'
      // One key per page, never the shared list: concurrent consumers cannot overwrite each other's additions.
      await deps.trackedPages.stage({ add: result.trackedPages, remove: result.removedPages })
    } catch (err) {
      console.error(`feeds: queued poll of ${feed.id} (${feed.url}) failed unexpectedly`, err)
      verdicts[message] = 'retry'
    }
  })
  return { verdicts, results, summary }
}
