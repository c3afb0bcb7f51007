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
  /** Hex SHA-256 over the normalised title, summary and content. */
  contentHash: string
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
}
