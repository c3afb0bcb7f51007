// Article types: one normalised snapshot per captured version, and the stored record.

/** One captured version of an article, normalised to text. */
export interface ArticleSnapshot {
  articleId: string
  /** Canonical URL (tracking parameters and fragment removed). */
  url: string
  guid: string | null
  title: string
  /** Standfirst / summary as plain text. */
  summary: string
  /** Body as plain text, paragraphs separated by a blank line. */
  content: string
  author: string | null
  categories: string[]
  /** ISO 8601 UTC, or null when the feed gives none or an unparseable one. */
  publishedAt: string | null
  updatedAt: string | null
  feedId: string
  capturedAt: string
  /** Where the text came from: the feed item alone, or the article page (merged with the feed's standfirst). */
  source: 'feed' | 'page'
  /** Hex SHA-256 over the normalised title, summary and content: equal means "no real change". */
  contentHash: string
  /** Hex SHA-256 over the stored title, summary, content, byline and URL: equal means "no change at all". */
  rawHash: string
}

/** One line of an article's history, kept inside the record so the history needs one read. */
export interface VersionSummary {
  n: number
  capturedAt: string
  source: 'feed' | 'page'
  title: string
  contentHash: string
  rawHash: string
  /** The change from n-1 vanished under normalisation (whitespace, quotes, relative timestamps…): no alert. */
  minor: boolean
  /** The content equals an earlier version's (A → B → A): recorded, not alerted again. */
  flipFlopOf: number | null
  changedFields: string[]
  classification: string | null
  significance: number
}

/** Page tracking of one article (feeds with fetchArticles). */
export interface PageTracking {
  lastFetchedAt: string | null
  /** Set once when the page starts answering 404/410; the article is no longer re-checked. */
  removedAt: string | null
}

/** The stored article: identity, bookkeeping and its current (latest) version. */
export interface ArticleRecord {
  id: string
  url: string
  feedIds: string[]
  firstSeenAt: string
  lastChangedAt: string
  publishedAt: string | null
  versionCount: number
  /** Version number `versionCount`; older versions live under their own keys. */
  current: ArticleSnapshot
  /** One entry per version, oldest first (n = index + 1). */
  versions: VersionSummary[]
  page: PageTracking | null
}
