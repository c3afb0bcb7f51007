// The feed registry's rules (pure): new feed configs, duplicates, default seeding.
import type { FeedConfig } from '../model/feed'
import { FEED_OPTION_DEFAULTS } from '../model/feed'
import { DEFAULT_FEEDS } from '../config/default-feeds'
import { feedIdForUrl } from './feed-store'

/** Shortest allowed poll interval: one cron period. */
export const MIN_INTERVAL_MINUTES = 5
/**
 * Most feeds one registry holds. The registry is one KV value read every tick; at ~250 bytes a feed this stays near
 * 1 MB, and polling more than this without Queues would not fit one invocation's subrequests anyway.
 */
export const MAX_FEEDS = 5_000
/** Longest allowed poll interval: one week. */
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60

export async function newFeedConfig(input: {
  url: string
  title: string | null
  intervalMinutes: number | null
  source: FeedConfig['source']
  now: string
  options?: Partial<Pick<FeedConfig, 'fetchArticles' | 'articleSelector' | 'minChangeWords' | 'headlineOnly'>>
}): Promise<FeedConfig> {
  return {
    id: await feedIdForUrl(input.url),
    url: input.url,
    title: input.title,
    intervalMinutes: input.intervalMinutes ?? MIN_INTERVAL_MINUTES,
    addedAt: input.now,
    source: input.source,
    ...FEED_OPTION_DEFAULTS,
    ...input.options,
  }
}

/** The configs a first run starts with. */
export async function defaultFeedConfigs(now: string): Promise<FeedConfig[]> {
  return Promise.all(
    DEFAULT_FEEDS.map((f) => newFeedConfig({ url: f.url, title: f.title, intervalMinutes: null, source: 'default', now })),
  )
}

export interface FeedCandidate {
  url: string
  title: string | null
  intervalMinutes: number | null
  options?: Partial<Pick<FeedConfig, 'fetchArticles' | 'articleSelector' | 'minChangeWords' | 'headlineOnly'>>
}

export type UrlVerdict = { ok: true; url: string } | { ok: false; code: string; message: string }

export interface RegistrationResult {
  feeds: FeedConfig[]
  added: FeedConfig[]
  duplicates: { url: string; existingId: string }[]
  refused: { url: string; code: string; message: string }[]
}

/**
 * Adds candidates to the registry (pure apart from hashing): each URL is checked by `checkUrl`, and a URL whose
 * feed id is already registered (or repeated in the batch) is reported as a duplicate, never added twice.
 */
export async function registerFeeds(
  existing: FeedConfig[],
  candidates: FeedCandidate[],
  options: { checkUrl: (url: string) => UrlVerdict; source: FeedConfig['source']; now: string },
): Promise<RegistrationResult> {
  const feeds = [...existing]
  const ids = new Set(feeds.map((f) => f.id))
  const result: RegistrationResult = { feeds, added: [], duplicates: [], refused: [] }
  for (const candidate of candidates) {
    const verdict = options.checkUrl(candidate.url)
    if (!verdict.ok) {
      result.refused.push({ url: candidate.url, code: verdict.code, message: verdict.message })
      continue
    }
    const config = await newFeedConfig({ ...candidate, url: verdict.url, source: options.source, now: options.now })
    if (ids.has(config.id)) {
      result.duplicates.push({ url: verdict.url, existingId: config.id })
      continue
    }
    if (feeds.length >= MAX_FEEDS) {
      result.refused.push({ url: candidate.url, code: 'registry_full', message: `feeds: the registry already holds ${MAX_FEEDS} feeds` })
      continue
    }
    ids.add(config.id)
    feeds.push(config)
    result.added.push(config)
  }
  return result
}
