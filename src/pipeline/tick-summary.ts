// What one tick did: the heartbeat's value, shown by GET /api/health.
import type { KvCounts } from '../storage/counting-kv'
import type { RecheckSummary } from './recheck-pages'
import type { StorySummary } from './track-stories'
import type { WebhookTickSummary } from './deliver-webhooks'

export interface TickSummary {
  at: string
  cron: string | null
  feedsTotal: number
  feedsDue: number
  /** Due feeds left out: disabled after days of failures, or waiting for the publisher's <ttl>/max-age/Expires. */
  feedsDisabled: number
  feedsWaitingForHint: number
  /** With FEED_QUEUE: feeds handed to the queue consumer, 25 to a message (they are polled there, not counted below). */
  feedsEnqueued: number
  /** Without a queue: due feeds past this tick's bounds (per tick, per host); a rotation gives them the next turns. */
  feedsDeferred: number
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
  /** Scheduled article-page re-checks (feeds with fetchArticles); with FEED_QUEUE, enqueued rather than checked. */
  pages: RecheckSummary & { tracked: number }
  /** Story tracking: articles × stories scored, follow-ups matched, alerts raised, matches grouped into a development. */
  stories: StorySummary & { error: string | null }
  /** Webhooks: alerts turned into deliveries, sends attempted and their outcomes. */
  webhooks: WebhookTickSummary
  /**
   * Outbound fetches (feeds, pages, webhooks, each redirect hop) and queue messages sent by this tick: feed and page
   * messages on FEED_QUEUE (each carries up to 25 feeds or 20 pages) plus webhook deliveries on DELIVERY_QUEUE.
   */
  subrequests: number
  queueMessages: number
  /** KV operations of the tick before the heartbeat write itself (which adds one write). */
  kv: KvCounts
}
