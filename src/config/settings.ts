// Typed settings read from the Worker's vars once per invocation (only entry points call this).

export interface Settings {
  allowLoopback: boolean
  seedDefaultFeeds: boolean
  /** Track the default story (src/stories/default-story.ts) from the first run. */
  seedDefaultStory: boolean
  publicBaseUrl: string | null
  fetchTimeoutMs: number
  maxFeedBytes: number
  /** How many feeds one invocation polls at once: Workers allow 6 connections waiting for headers. */
  fetchConcurrency: number
  userAgent: string
  maxPageBytes: number
  /** Minutes between cron ticks (wrangler.toml's `*\/5`): the shortest poll interval. */
  cronPeriodMinutes: number
  /** Feeds polled per tick at most without a queue (a stateless rotation gives every due feed its turn). */
  maxFeedsPerTick: number
  /** Feeds of one host polled per tick at most, one at a time: a publisher with 200 feeds is not hammered. */
  maxFeedsPerHostPerTick: number
  /** KV operations an invocation spends on feed items before deferring the rest to the next tick. */
  maxKvOperationsForItems: number
  /** Article pages fetched per tick at most (new and changed items first, then scheduled re-checks). */
  maxPageFetchesPerTick: number
  /** Timeout of one webhook request (a field so tests can shorten it). */
  webhookTimeoutMs: number
  /** A tick is recorded as the heartbeat once per this many minutes, and at once when something in it failed. */
  heartbeatMinutes: number
}

/** Timeout for one feed request, redirects and body included. */
const FETCH_TIMEOUT_MS = 15_000
/** Largest feed body we read (bytes); real news feeds are well under 2 MB. */
const MAX_FEED_BYTES = 5 * 1024 * 1024
/** Largest article page we read (bytes): real article pages are 100 KB to 2 MB of HTML. */
const MAX_PAGE_BYTES = 3 * 1024 * 1024
/**
 * Page fetches per tick. The Free plan allows 50 subrequests per invocation and the feeds need theirs. 20 pages every
 * 5 minutes is 240 an hour: about 60 articles under 3 hours old at one check every 15 minutes. Due pages past the
 * budget wait for their next slot (counted as `pages.deferred` in the tick summary).
 */
const MAX_PAGE_FETCHES_PER_TICK = 20
/** Webhook requests: the receiver has this long to answer (issue 5: 15 s timeout). */
const WEBHOOK_TIMEOUT_MS = 15_000
/**
 * Workers allow 1,000 KV operations per invocation (Free and Paid). Items stop at 700, leaving room for the feeds'
 * states, story tracking, webhooks and the heartbeat; deferred items are taken first by the next tick.
 */
const MAX_KV_OPERATIONS_FOR_ITEMS = 700
/** The cron period in wrangler.toml ([triggers] `*\/5 * * * *`). */
const CRON_PERIOD_MINUTES = 5
/**
 * Feeds polled by one cron invocation without a queue. The Free plan allows 50 subrequests per invocation; 30 feeds
 * leave room for article pages and webhooks. With FEED_QUEUE bound, the consumer takes the feeds and this does not apply.
 */
const MAX_FEEDS_PER_TICK = 30
/** Feeds of one host per tick. */
const MAX_FEEDS_PER_HOST_PER_TICK = 5
/** Workers platform limit: 6 simultaneous connections waiting for response headers per invocation. */
const FETCH_CONCURRENCY = 6

/** HEARTBEAT_MINUTES when unset or invalid: one heartbeat write an hour (24 a day, not 288), plus ticks with failures. */
export const DEFAULT_HEARTBEAT_MINUTES = 60
const MAX_HEARTBEAT_MINUTES = 24 * 60

/** Reads HEARTBEAT_MINUTES: a whole number of minutes, 0 to 1440 (0 or the cron period: every tick). */
export function parseHeartbeatMinutes(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_HEARTBEAT_MINUTES
  const n = Number(raw.trim())
  if (Number.isInteger(n) && n >= 0 && n <= MAX_HEARTBEAT_MINUTES) return n
  console.error(`settings: HEARTBEAT_MINUTES must be a whole number of minutes from 0 to ${MAX_HEARTBEAT_MINUTES}, not "${raw}"; using ${DEFAULT_HEARTBEAT_MINUTES}`)
  return DEFAULT_HEARTBEAT_MINUTES
}

/** Names the bot and a contact page, as publishers ask of pollers, so they can allow-list or reach us. */
export const USER_AGENT = 'Storywatch/0.1 (+https://github.com/storywatch/storywatch; newsroom feed monitor)'

export function readSettings(env: Env): Settings {
  const base = env.PUBLIC_BASE_URL.trim()
  return {
    allowLoopback: env.ALLOW_LOOPBACK_FEEDS === 'true',
    seedDefaultFeeds: env.SEED_DEFAULT_FEEDS !== 'false',
    seedDefaultStory: env.SEED_DEFAULT_STORY !== 'false',
    publicBaseUrl: base === '' ? null : base.replace(/\/+$/, ''),
    fetchTimeoutMs: FETCH_TIMEOUT_MS,
    maxFeedBytes: MAX_FEED_BYTES,
    fetchConcurrency: FETCH_CONCURRENCY,
    userAgent: USER_AGENT,
    maxPageBytes: MAX_PAGE_BYTES,
    maxKvOperationsForItems: MAX_KV_OPERATIONS_FOR_ITEMS,
    cronPeriodMinutes: CRON_PERIOD_MINUTES,
    maxFeedsPerTick: MAX_FEEDS_PER_TICK,
    maxFeedsPerHostPerTick: MAX_FEEDS_PER_HOST_PER_TICK,
    maxPageFetchesPerTick: MAX_PAGE_FETCHES_PER_TICK,
    webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
    heartbeatMinutes: parseHeartbeatMinutes(env.HEARTBEAT_MINUTES),
  }
}
