// The feed queue's wire format (FEED_QUEUE): versioned message bodies for feeds, page re-checks and digests, their
// validation, and sending them within the Queues API's batch limits.
import type { TrackedPage } from '../articles/tracked-pages-store'
import { feedHost } from '../feeds/schedule'

/**
 * Feeds one message carries. A message costs 3 queue operations (write, read, delete: one each per 64 KB, and 25 ids
 * are under 1 KB), so 25 feeds a message cut operations 25-fold: 1,000 feeds every 5 minutes are 40 messages a tick,
 * about 1 M operations a month (Workers Paid includes 1 M), and 100 feeds fit the Free plan's 10,000 a day. One
 * message is also one consumer invocation (max_batch_size = 1 in wrangler.toml): 25 feed requests plus at most 20
 * article pages stay inside the Free plan's 50 subrequests per invocation, and 25 unchanged feeds cost 26 of its 1,000
 * KV operations. Larger messages would break the subrequest bound and re-poll more feeds when one message is retried.
 */
export const FEEDS_PER_MESSAGE = 25
/** Pages one message carries: the page fetches one invocation makes at most (settings' MAX_PAGE_FETCHES_PER_TICK). */
export const PAGES_PER_MESSAGE = 20
/** Cloudflare Queues limit: at most 100 messages per sendBatch call. */
const SEND_BATCH_MAX_MESSAGES = 100
/**
 * Cloudflare Queues limit: 256 KB per sendBatch call (1 KB = 1,000 bytes), each message counting about 100 bytes of
 * metadata on top of its body. Batches are cut below it with a margin for that overhead.
 */
const SEND_BATCH_MAX_BYTES = 200_000
/** Retry delays for a message whose work failed unexpectedly, by attempt (Queues allows delaySeconds up to 24 h). */
const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600]

/** Format version of the messages below; the first release sent `{ feedId, tick }` with no version (LegacyFeedMessage). */
export const MESSAGE_VERSION = 2

/** Due feeds of one tick, polled by one consumer invocation. `tick` is the cron's scheduled time (ms): the claim. */
export interface FeedsMessage {
  v: 2
  kind: 'feeds'
  feedIds: string[]
  tick: number
}

/** Tracked pages due for a re-check on one tick. */
export interface PagesMessage {
  v: 2
  kind: 'pages'
  pages: TrackedPage[]
  tick: number
}

/** One digest: a subscription and the digest cron run (`tick`) whose hour is its period. */
export interface DigestMessage {
  v: 2
  kind: 'digest'
  subscriptionId: string
  tick: number
}

/** The body of every message on the feed queue. */
export type FeedQueueMessage = FeedsMessage | PagesMessage | DigestMessage

/** One feed per message, as the first release enqueued them; still understood while such messages drain after a deploy. */
export interface LegacyFeedMessage {
  feedId: string
  tick: number
}

export type ParsedMessage = FeedQueueMessage | { kind: 'malformed'; reason: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')
}

function isTrackedPage(value: unknown): value is TrackedPage {
  return (
    isRecord(value) &&
    typeof value.articleId === 'string' &&
    value.articleId !== '' &&
    typeof value.url === 'string' &&
    typeof value.feedId === 'string' &&
    typeof value.firstSeenAt === 'string' &&
    Number.isFinite(Date.parse(value.firstSeenAt))
  )
}

/** Validates a message body; anything else (a bug, a hand-sent message, a future version after a rollback) is `malformed`. */
export function parseMessage(body: unknown): ParsedMessage {
  if (!isRecord(body)) return { kind: 'malformed', reason: 'not an object' }
  const tick = body.tick
  if (typeof tick !== 'number' || !Number.isFinite(tick)) return { kind: 'malformed', reason: 'no numeric tick' }
  if (body.v === undefined && typeof body.feedId === 'string' && body.feedId !== '') {
    return { v: 2, kind: 'feeds', feedIds: [body.feedId], tick }
  }
  if (body.v !== MESSAGE_VERSION) return { kind: 'malformed', reason: `unknown version ${JSON.stringify(body.v)}` }
  switch (body.kind) {
    case 'feeds':
      return isStringArray(body.feedIds) ? { v: 2, kind: 'feeds', feedIds: body.feedIds, tick } : { kind: 'malformed', reason: 'feedIds is not a list of ids' }
    case 'pages':
      return Array.isArray(body.pages) && body.pages.every(isTrackedPage)
        ? { v: 2, kind: 'pages', pages: body.pages, tick }
        : { kind: 'malformed', reason: 'pages is not a list of tracked pages' }
    case 'digest':
      return typeof body.subscriptionId === 'string' && body.subscriptionId !== ''
        ? { v: 2, kind: 'digest', subscriptionId: body.subscriptionId, tick }
        : { kind: 'malformed', reason: 'no subscriptionId' }
    default:
      return { kind: 'malformed', reason: `unknown kind ${JSON.stringify(body.kind)}` }
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The messages for a tick's due feeds: sorted by host, then id, and cut into messages of FEEDS_PER_MESSAGE. The same
 * registry and tick always give the same messages (a retried tick claims the same feeds), and a host's feeds travel
 * together, so the consumer polls them one at a time instead of from several invocations at once.
 */
export function feedMessages(feeds: readonly { id: string; url: string }[], tick: number): FeedsMessage[] {
  const sorted = [...feeds].sort((a, b) => feedHost(a.url).localeCompare(feedHost(b.url)) || a.id.localeCompare(b.id))
  return chunk(sorted, FEEDS_PER_MESSAGE).map((group) => ({ v: 2, kind: 'feeds', feedIds: group.map((f) => f.id), tick }))
}

/** The messages for a tick's due page re-checks, PAGES_PER_MESSAGE each, in the order given. */
export function pageMessages(pages: readonly TrackedPage[], tick: number): PagesMessage[] {
  return chunk(pages, PAGES_PER_MESSAGE).map((group) => ({ v: 2, kind: 'pages', pages: group, tick }))
}

export function digestMessage(subscriptionId: string, tick: number): DigestMessage {
  return { v: 2, kind: 'digest', subscriptionId, tick }
}

/** Sends the messages in as few sendBatch calls as the Queues limits allow; returns how many were sent. */
export async function sendMessages(queue: Queue<FeedQueueMessage>, messages: readonly FeedQueueMessage[]): Promise<number> {
  const encoder = new TextEncoder()
  let batch: FeedQueueMessage[] = []
  let bytes = 0
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    await queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })))
    batch = []
    bytes = 0
  }
  for (const message of messages) {
    const size = encoder.encode(JSON.stringify(message)).byteLength
    if (batch.length >= SEND_BATCH_MAX_MESSAGES || (batch.length > 0 && bytes + size > SEND_BATCH_MAX_BYTES)) await flush()
    batch.push(message)
    bytes += size
  }
  await flush()
  return messages.length
}

/** Delay before a retried message comes back, growing with its attempts. */
export function retryDelaySeconds(attempts: number): number {
  return RETRY_DELAYS_SECONDS[Math.min(Math.max(attempts, 1) - 1, RETRY_DELAYS_SECONDS.length - 1)] ?? 3600
}
