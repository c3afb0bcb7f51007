// Fan-out on Cloudflare Queues: the cron enqueues due feeds; this consumer polls them through the same pipeline.
import type { FeedConfig } from '../model/feed'
import type { RefreshResult } from './refresh-feed'
import type { TickDeps } from './run-tick'
import { refreshFeed } from './refresh-feed'
import { followStories } from './track-stories'
import { emptyFeedState } from '../feeds/feed-store'
import { feedHost, pollVerdict } from '../feeds/schedule'
import { KeyedMutex } from '../core/keyed-mutex'
import { mapLimit } from '../core/map-limit'

/** One feed to poll, for the tick that decided it was due. */
export interface FeedQueueMessage {
  feedId: string
  /** The tick's scheduled time (ms): the claim. A retried tick sends the same messages; polling twice is harmless. */
  tick: number
}

/** Cloudflare Queues limit: at most 100 messages per sendBatch call. */
const QUEUE_BATCH_LIMIT = 100
/** Retry delays for a message whose poll failed unexpectedly, by attempt (Queues caps delaySeconds at 12 h). */
const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600]

/** Enqueues one message per feed id, in batches the Queues API accepts; returns how many were sent. */
export async function enqueueFeeds(queue: Queue<FeedQueueMessage>, feedIds: readonly string[], tick: number): Promise<number> {
  for (let i = 0; i < feedIds.length; i += QUEUE_BATCH_LIMIT) {
    await queue.sendBatch(feedIds.slice(i, i + QUEUE_BATCH_LIMIT).map((feedId) => ({ body: { feedId, tick }, contentType: 'json' as const })))
  }
  return feedIds.length
}

export interface FeedBatchSummary {
  messages: number
  polled: number
  acked: number
  retried: number
  unknownFeeds: number
  /** Acknowledged without a poll: disabled, waiting for the publisher's hint, or backing off. */
  skipped: number
  newArticles: number
  revisedArticles: number
  failed: number
}

function isFeedMessage(body: unknown): body is FeedQueueMessage {
  return typeof body === 'object' && body !== null && typeof (body as FeedQueueMessage).feedId === 'string' && typeof (body as FeedQueueMessage).tick === 'number'
}

/**
 * Polls the batch's feeds (one host at a time, at most `fetchConcurrency` in flight) and acknowledges each message on
 * its own. A poll that failed unexpectedly is retried with a growing delay; after the queue's max_retries it goes to the
 * dead-letter queue. Expected failures (HTTP errors, not a feed) are recorded on the feed by refreshFeed and acked: the
 * feed's own backoff decides when it is tried again.
 */
export async function consumeFeedBatch(deps: TickDeps, batch: MessageBatch<unknown>, nowMs: number): Promise<FeedBatchSummary> {
  const summary: FeedBatchSummary = { messages: batch.messages.length, polled: 0, acked: 0, retried: 0, unknownFeeds: 0, skipped: 0, newArticles: 0, revisedArticles: 0, failed: 0 }
  const feeds = new Map(((await deps.feeds.listFeeds()) ?? []).map((f) => [f.id, f]))
  const hostLock = new KeyedMutex()
  const results: RefreshResult[] = []
  await mapLimit(batch.messages, deps.settings.fetchConcurrency, async (message) => {
    const body = message.body
    const feed: FeedConfig | undefined = isFeedMessage(body) ? feeds.get(body.feedId) : undefined
    if (!feed) {
      // A feed deleted since the tick, or a malformed message: nothing to do, and nothing to retry.
      summary.unknownFeeds++
      message.ack()
      summary.acked++
      return
    }
    const state = await deps.feeds.getState(feed.id)
    // The cron enqueued every feed due by its interval; the state decides (disabled, publisher hint, backoff).
    if (pollVerdict(feed, state, isFeedMessage(body) ? body.tick : nowMs, deps.settings.cronPeriodMinutes) !== 'poll') {
      message.ack()
      summary.acked++
      summary.skipped++
      return
    }
    const result = await hostLock.run(feedHost(feed.url), () => refreshFeed(deps, feed, state, nowMs))
    summary.polled++
    results.push(result)
    summary.newArticles += result.newArticles
    summary.revisedArticles += result.revisedArticles
    if (result.outcome === 'error') summary.failed++
    if (result.error?.code === 'internal') {
      const delay = RETRY_DELAYS_SECONDS[Math.min(message.attempts - 1, RETRY_DELAYS_SECONDS.length - 1)] ?? 3600
      message.retry({ delaySeconds: delay })
      summary.retried++
    } else {
      message.ack()
      summary.acked++
    }
  })
  await deps.trackedPages.update({ add: results.flatMap((r) => r.trackedPages), remove: results.flatMap((r) => r.removedPages) }, nowMs)
  await followStories(deps, results.flatMap((r) => r.candidates), nowMs, results.flatMap((r) => r.quietCandidates))
  return summary
}

/**
 * The dead-letter queue's consumer: a feed whose message exhausted its retries gets that as its error, visible in
 * GET /api/feeds, and the message is acknowledged.
 */
export async function consumeDeadFeeds(deps: TickDeps, batch: MessageBatch<unknown>, nowMs: number): Promise<number> {
  const at = new Date(nowMs).toISOString()
  let recorded = 0
  for (const message of batch.messages) {
    if (isFeedMessage(message.body)) {
      const feedId = message.body.feedId
      const state = (await deps.feeds.getState(feedId)) ?? emptyFeedState(feedId)
      await deps.feeds.putState({
        ...state,
        errorCount: state.errorCount + 1,
        lastError: { code: 'dead_letter', message: `queue: polling this feed failed ${message.attempts} times and was given up (dead-letter queue)`, at },
      })
      recorded++
    }
    message.ack()
  }
  return recorded
}
