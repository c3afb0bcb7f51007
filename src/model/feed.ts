// Feed types shared by the fetch, parse and store stages and the HTTP API.

/** A feed as configured by the newsroom (the registry entry). */
export interface FeedConfig {
  id: string
  url: string
  title: string | null
  /** Minutes between polls; never below the cron period. */
  intervalMinutes: number
  addedAt: string
  /** Where the feed came from: shipped defaults, the API, or an OPML import. */
  source: 'default' | 'api' | 'opml'
  /** Fetch each article's page and track its body, not just the feed item. */
  fetchArticles: boolean
  /** CSS selector of the article body on this publisher's pages; null: the default extraction. */
  articleSelector: string | null
  /** Revisions changing fewer words than this raise no alert (headline and standfirst changes always do). */
  minChangeWords: number
  /** Alert only when the headline changes. */
  headlineOnly: boolean
}

/** Defaults of the per-feed options, also applied to registry entries stored before the options existed. */
export const FEED_OPTION_DEFAULTS = {
  fetchArticles: false,
  articleSelector: null,
  minChangeWords: 1,
  headlineOnly: false,
} as const satisfies Pick<FeedConfig, 'fetchArticles' | 'articleSelector' | 'minChangeWords' | 'headlineOnly'>

/** The last time article-page extraction went wrong for this feed (an extraction problem is not a revision). */
export interface ExtractionProblem {
  articleId: string
  url: string
  message: string
  at: string
}

/** HTTP validators and body fingerprint of the last successful fetch. */
export interface FeedValidators {
  etag: string | null
  lastModified: string | null
  /** Hex SHA-256 of the raw body bytes of the last 200 response. */
  bodyHash: string | null
}

export interface FeedError {
  code: string
  message: string
  at: string
}

/** What one poll of a feed remembers; written only when it changes. */
export interface FeedState {
  feedId: string
  validators: FeedValidators
  /** Title the feed gives itself (from the XML), shown when the config has none. */
  feedTitle: string | null
  lastCheckedAt: string | null
  lastSuccessAt: string | null
  lastChangedAt: string | null
  errorCount: number
  consecutiveFailures: number
  lastError: FeedError | null
  /** Earliest time of the next attempt after failures (backoff); null when healthy. */
  retryAt: string | null
  /** Start of the current run of failures; null when healthy. */
  failingSince: string | null
  /** Set when the feed failed for FEED_DISABLE_AFTER_MS straight; cleared by PATCH { enabled: true }. */
  disabled: { reason: string; at: string } | null
  /** Shortest interval the publisher asks for (<ttl>, Cache-Control max-age, Expires), in minutes; null: none. */
  minIntervalMinutes: number | null
  /** articleId -> raw hash of each item in the last parsed body: lets a changed feed touch only changed items. */
  items: Record<string, string>
  /** Fingerprint of each raw item in the last parsed body -> its articleId: identical items skip normalisation. */
  prints: Record<string, string>
  extractionProblems: number
  lastExtractionProblem: ExtractionProblem | null
}

/** One entry of a parsed feed, before normalisation (all strings straight from the XML, untrusted). */
export interface ParsedItem {
  guid: string | null
  /** RSS guid isPermaLink (true when absent and the guid is a URL, per RSS 2.0). */
  guidIsPermaLink: boolean
  link: string | null
  title: string | null
  /** Short description / Atom summary, HTML allowed. */
  summaryHtml: string | null
  /** Full content (content:encoded / Atom content), HTML allowed. */
  contentHtml: string | null
  author: string | null
  categories: string[]
  published: string | null
  updated: string | null
  /** Base URL for resolving relative links of this item (xml:base, else feed link, else feed URL). */
  baseUrl: string
}

export interface ParsedFeed {
  title: string | null
  link: string | null
  /** `<ttl>` in minutes when the feed gives one. */
  ttlMinutes: number | null
  items: ParsedItem[]
}
