// The composition root: builds stores and settings from the Worker's bindings for one invocation.
import type { TickDeps } from './run-tick'
import { readSettings } from '../config/settings'
import { FeedStore } from '../feeds/feed-store'
import { ArticleStore } from '../articles/article-store'
import { AlertStore } from '../alerts/alert-store'
import { TrackedPagesStore } from '../articles/tracked-pages-store'
import { StoryStore } from '../stories/story-store'
import { HeartbeatStore } from './heartbeat-store'
import { WebhookStore } from '../delivery/webhook-store'
import type { DeliveryMessage } from '../delivery/webhook-model'
import { countingKv } from '../storage/counting-kv'
import { KeyedMutex } from '../core/keyed-mutex'
import type { FeedQueueMessage } from './consume-feeds'

/** Everything the pipeline needs, wired to `env.STORE` and the global `fetch` (the one network boundary). */
export function createDeps(env: Env): TickDeps {
  const { kv, counts } = countingKv(env.STORE)
  const settings = readSettings(env)
  const subrequests = { fetches: 0 }
  return {
    kv,
    kvCounts: counts,
    subrequests,
    // Looked up at call time so the runtime's fetch (or a test's fake at the same boundary) is the one used; every
    // outbound request (feeds, pages, webhooks, redirect hops) is counted: the Free plan allows 50 per invocation.
    fetch: (input, init) => {
      subrequests.fetches++
      return fetch(input, init)
    },
    articleLock: new KeyedMutex(),
    feeds: new FeedStore(kv),
    articles: new ArticleStore(kv),
    alerts: new AlertStore(kv),
    settings,
    pageBudget: { remaining: settings.maxPageFetchesPerTick },
    pagesFetched: new Set<string>(),
    trackedPages: new TrackedPagesStore(kv),
    stories: new StoryStore(kv),
    heartbeat: new HeartbeatStore(kv, settings.heartbeatMinutes),
    webhooks: new WebhookStore(kv),
    // Optional binding that `wrangler types` does not know about: the KV outbox is used without it.
    deliveryQueue: (env as { DELIVERY_QUEUE?: Queue<DeliveryMessage> }).DELIVERY_QUEUE ?? null,
    feedQueue: (env as { FEED_QUEUE?: Queue<FeedQueueMessage> }).FEED_QUEUE ?? null,
  }
}
