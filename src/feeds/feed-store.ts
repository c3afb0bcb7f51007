// FeedStore: the feed registry (one key) and per-feed poll state, over one KV binding.
import type { FeedConfig, FeedState } from '../model/feed'
import { FEED_OPTION_DEFAULTS } from '../model/feed'
import { sha256Hex } from '../core/hash'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

interface RegistryValue {
  version: 1
  feeds: FeedConfig[]
}

/** Deterministic feed id from its URL (fragment dropped), so the same URL can never be added twice. */
export async function feedIdForUrl(url: string): Promise<string> {
  const u = new URL(url)
  u.hash = ''
  return (await sha256Hex(`feed:${u.href}`)).slice(0, 12)
}

/** A fresh state for a feed never polled before. */
export function emptyFeedState(feedId: string): FeedState {
  return {
    feedId,
    validators: { etag: null, lastModified: null, bodyHash: null },
    feedTitle: null,
    lastCheckedAt: null,
    lastSuccessAt: null,
    lastChangedAt: null,
    errorCount: 0,
    consecutiveFailures: 0,
    lastError: null,
    retryAt: null,
    failingSince: null,
    disabled: null,
    minIntervalMinutes: null,
    items: {},
    prints: {},
    extractionProblems: 0,
    lastExtractionProblem: null,
  }
}

export class FeedStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Every configured feed; null when the registry has never been written (first run). */
  async listFeeds(): Promise<FeedConfig[] | null> {
    const value = await getJson<RegistryValue>(this.kv, KEYS.feedRegistry())
    // Entries stored before an option existed get its default.
    return value ? value.feeds.map((f) => ({ ...FEED_OPTION_DEFAULTS, ...f })) : null
  }

  /** Replaces the registry. KV has no compare-and-set: concurrent admin edits within ~60 s can race (docs/storage.md). */
  async saveFeeds(feeds: FeedConfig[]): Promise<void> {
    const value: RegistryValue = { version: 1, feeds }
    await putJson(this.kv, KEYS.feedRegistry(), value)
  }

  async getState(feedId: string): Promise<FeedState | null> {
    const state = await getJson<FeedState>(this.kv, KEYS.feedState(feedId))
    return state ? { ...emptyFeedState(feedId), ...state } : null
  }

  async putState(state: FeedState): Promise<void> {
    await putJson(this.kv, KEYS.feedState(state.feedId), state)
  }

  async deleteState(feedId: string): Promise<void> {
    await this.kv.delete(KEYS.feedState(feedId))
  }
}
