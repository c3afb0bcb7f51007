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
  /** A story's seed text (needed only to rebuild its profile). */
  storySeed: (storyId: string): string => `story-seed:${storyId}`,
  /** A story's recent developments (near-duplicate clusters), read when the story matches. */
  storyClusters: (storyId: string): string => `story-clusters:${storyId}`,
  /** A story's matches, newest first. */
  storyMatch: (storyId: string, matchedAt: string, articleId: string): string => `story-matches:${storyId}:${invertedTime(matchedAt)}:${articleId}`,
  storyMatchPrefix: (storyId: string): string => `story-matches:${storyId}:`,
  /** Marker: this article was matched to this story (value: the match key), so it is matched once. */
  storyMatchId: (storyId: string, articleId: string): string => `story-match-id:${storyId}:${articleId}`,
  /** The heartbeat: the last tick's time and counts (the one key every tick writes). */
  lastTick: (): string => 'tick:last',
} as const
