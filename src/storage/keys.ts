// Every Workers KV key Storywatch reads or writes is built here and nowhere else (documented in docs/storage.md).

/** Largest timestamp we invert for newest-first listings (year 2286 in ms; keeps keys a fixed 13 digits). */
const INVERT_BASE_MS = 9_999_999_999_999

/** 13-digit inverted millisecond timestamp: lexicographic KV order becomes newest first. */
export function invertedTime(iso: string): string {
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms) || ms < 0 || ms > INVERT_BASE_MS) throw new Error(`keys: timestamp out of range: ${iso}`)
  return String(INVERT_BASE_MS - ms).padStart(13, '0')
}

/** Reads back a revision index key built by KEYS.revisionIndex; null for any other key. */
export function parseRevisionIndexKey(name: string): { articleId: string; n: number; capturedAt: string } | null {
  const m = /^revisions:(\d{13}):([0-9a-f]+):(\d{6})$/.exec(name)
  if (!m?.[1] || !m[2] || !m[3]) return null
  return { articleId: m[2], n: Number(m[3]), capturedAt: new Date(INVERT_BASE_MS - Number(m[1])).toISOString() }
}

/** Reads back an alert listing key built by KEYS.alertIndex; null for any other key. */
export function parseAlertIndexKey(name: string): { createdAt: string; alertId: string } | null {
  const m = /^alerts:(\d{13}):([^:]+)$/.exec(name)
  if (!m?.[1] || !m[2]) return null
  return { createdAt: new Date(INVERT_BASE_MS - Number(m[1])).toISOString(), alertId: m[2] }
}

/** Reads back a staged tracked-page change built by KEYS.stagedPageAdd or KEYS.stagedPageRemove; null for any other key. */
export function parseStagedPageKey(name: string): { op: 'add' | 'remove'; articleId: string } | null {
  const m = /^pages:staged:(add|remove):([^:]+)$/.exec(name)
  if (!m?.[1] || !m[2]) return null
  return { op: m[1] === 'add' ? 'add' : 'remove', articleId: m[2] }
}

/** Reads back a webhook outbox key built by KEYS.webhookOutbox; null for any other key. */
export function parseWebhookOutboxKey(name: string): { dueMs: number; deliveryId: string } | null {
  const m = /^webhook-outbox:(\d{13}):([^:]+)$/.exec(name)
  if (!m?.[1] || !m[2]) return null
  return { dueMs: Number(m[1]), deliveryId: m[2] }
}

export const KEYS = {
  /** The feed registry: every configured feed in one value (read once per tick). */
  feedRegistry: (): string => 'feeds:registry',
  /** Per-feed poll state: validators, body hash, errors, backoff, item hashes. */
  feedState: (feedId: string): string => `feed-state:${feedId}`,
  /** Article record with its current version. */
  article: (articleId: string): string => `article:${articleId}`,
  /** An archived (superseded) version of an article; n starts at 1. */
  articleVersion: (articleId: string, n: number): string => `article-version:${articleId}:${String(n).padStart(6, '0')}`,
  /** Newest-first index of revisions (versions 2 and later); metadata carries feed, classification, significance. */
  revisionIndex: (capturedAt: string, articleId: string, n: number): string =>
    `revisions:${invertedTime(capturedAt)}:${articleId}:${String(n).padStart(6, '0')}`,
  revisionIndexPrefix: (): string => 'revisions:',
  /** Articles whose pages are re-checked (feeds with fetchArticles), younger than the re-check horizon. */
  trackedPages: (): string => 'pages:tracked',
  /**
   * With the queue: a page a consumer started tracking (value: the TrackedPage), one key per page so concurrent
   * consumers never overwrite each other; the cron folds these into `pages:tracked` and deletes them.
   */
  stagedPageAdd: (articleId: string): string => `pages:staged:add:${articleId}`,
  /** With the queue: a page a consumer found gone (empty value), folded into `pages:tracked` by the cron like an addition. */
  stagedPageRemove: (articleId: string): string => `pages:staged:remove:${articleId}`,
  stagedPagePrefix: (): string => 'pages:staged:',
  /** Newest-first index of articles by first sight; metadata carries the feed ids for filtering. */
  articleIndex: (firstSeenAt: string, articleId: string): string => `articles:${invertedTime(firstSeenAt)}:${articleId}`,
  articleIndexPrefix: (): string => 'articles:',
  /** An alert, under a newest-first key; metadata carries its type for filtering. */
  alertIndex: (createdAt: string, alertId: string): string => `alerts:${invertedTime(createdAt)}:${alertId}`,
  alertIndexPrefix: (): string => 'alerts:',
  /** Marker for an alert id (value: the whole alert): makes raising an alert idempotent and serves GET by id. */
  alertId: (alertId: string): string => `alert-id:${alertId}`,
  /** Every tracked story with its profile, in one value (read only on ticks that bring new or revised articles). */
  storyRegistry: (): string => 'stories:registry',
  /**
   * Articles whose story tracking failed (ids, with their quiet flag), oldest first, at most 500: scored by the next run
   * of story tracking that has something to score, and removed once scored. Absent when nothing is waiting.
   */
  storyPending: (): string => 'stories:pending',
  /** A story's seed text (needed only to rebuild its profile). */
  storySeed: (storyId: string): string => `story-seed:${storyId}`,
  /** A story's recent developments (near-duplicate clusters), read when the story matches. */
  storyClusters: (storyId: string): string => `story-clusters:${storyId}`,
  /** A story's matches, newest first. */
  storyMatch: (storyId: string, matchedAt: string, articleId: string): string => `story-matches:${storyId}:${invertedTime(matchedAt)}:${articleId}`,
  storyMatchPrefix: (storyId: string): string => `story-matches:${storyId}:`,
  /** Marker: this article was matched to this story (value: the match key), so it is matched once. */
  storyMatchId: (storyId: string, articleId: string): string => `story-match-id:${storyId}:${articleId}`,
  storyMatchIdPrefix: (storyId: string): string => `story-match-id:${storyId}:`,
  /** Every webhook endpoint (settings, secrets, health) in one value: the one key a tick reads for webhooks when none exist. */
  webhookRegistry: (): string => 'webhooks:registry',
  /** The webhook dispatcher's position in the `alerts:` listing: the alert keys already turned into deliveries. */
  webhookCursor: (): string => 'webhooks:cursor',
  /** One delivery of one alert to one endpoint (id deterministic from both), with its signed body and attempts. */
  webhookDelivery: (deliveryId: string): string => `webhook-delivery:${deliveryId}`,
  /** Newest-first index of an endpoint's deliveries; metadata carries the status for filtering. */
  webhookDeliveryIndex: (endpointId: string, createdAt: string, deliveryId: string): string =>
    `webhook-deliveries:${endpointId}:${invertedTime(createdAt)}:${deliveryId}`,
  webhookDeliveryIndexPrefix: (endpointId: string): string => `webhook-deliveries:${endpointId}:`,
  /** The KV outbox (no queue bound): a pending delivery due at `dueMs`, listed oldest (most overdue) first. */
  webhookOutbox: (dueMs: number, deliveryId: string): string => `webhook-outbox:${String(Math.max(0, Math.floor(dueMs))).padStart(13, '0')}:${deliveryId}`,
  webhookOutboxPrefix: (): string => 'webhook-outbox:',
  /** Where the bounded tick's rotation of due feeds resumes; written only when more feeds are due than a tick polls. */
  tickCursor: (): string => 'tick:cursor',
  /** The heartbeat: the last tick's time and counts (the one key every tick writes). */
  lastTick: (): string => 'tick:last',
  /** An email digest subscription (address, schedule, filters); written only by the API, deleted on unsubscribe. */
  digestSubscription: (subscriptionId: string): string => `digest-sub:${subscriptionId}`,
  digestSubscriptionPrefix: (): string => 'digest-sub:',
  /** A subscription's delivery state (watermark, last digest, errors); written only by the digest cron. */
  digestState: (subscriptionId: string): string => `digest-state:${subscriptionId}`,
  /** Sent-marker of one digest (id = subscription + period), written before sending so a retried cron never resends it. */
  digestSent: (digestId: string): string => `digest-sent:${digestId}`,
} as const
