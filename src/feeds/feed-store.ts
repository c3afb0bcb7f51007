// FeedStore: the feed registry (one key) and per-feed poll state, over one KV binding.
import type { BodyItem, BodyMemory, FeedConfig, FeedState, StoredBodyMemory } from '../model/feed'
import { FEED_OPTION_DEFAULTS } from '../model/feed'
import { sha256Hex } from '../core/hash'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** Fields of feed states written by earlier versions. */
interface LegacyStateFields {
  prints?: Record<string, string>
}

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
    body: null,
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
    const stored = await getJson<FeedState & LegacyStateFields>(this.kv, KEYS.feedState(feedId))
    if (!stored) return null
    // States stored before `body` existed carry `prints` (fingerprints of parsed items), which nothing reads any more:
    // dropped here so the next write does not carry it on.
    const { prints: _prints, ...state } = stored
    return { ...emptyFeedState(feedId), ...state }
  }

  async putState(state: FeedState): Promise<void> {
    await putJson(this.kv, KEYS.feedState(state.feedId), state)
  }

  async deleteState(feedId: string): Promise<void> {
    await this.kv.delete(KEYS.feedState(feedId))
  }
}

const NONE = '-'

/** The stored form of a body memory (see StoredBodyMemory). */
export function encodeBodyMemory(memory: BodyMemory): StoredBodyMemory {
  const lines = memory.items.map((item) => `${item.print} ${item.guid ?? NONE} ${item.articleId ?? NONE} ${item.settled ? 1 : 0}`)
  return { context: memory.context, printKind: memory.printKind, items: lines.join('\n') }
}

/** A stored body memory read back; null when it is not in the stored form (then the next body is read in full). */
export function decodeBodyMemory(stored: StoredBodyMemory | null): BodyMemory | null {
  if (stored === null || typeof stored.items !== 'string' || typeof stored.context !== 'string') return null
  if (stored.printKind !== 'chunk' && stored.printKind !== 'item') return null
  const items: BodyItem[] = []
  for (const line of stored.items === '' ? [] : stored.items.split('\n')) {
    const [print, guid, articleId, settled, extra] = line.split(' ')
    if (print === undefined || guid === undefined || articleId === undefined || (settled !== '0' && settled !== '1') || extra !== undefined) return null
    items.push({ print, guid: guid === NONE ? null : guid, articleId: articleId === NONE ? null : articleId, settled: settled === '1' })
  }
  return { context: stored.context, printKind: stored.printKind, items }
}
