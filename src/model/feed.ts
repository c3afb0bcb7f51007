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
  /**
   * The last parsed body item by item, so the next body parses and normalises only the items whose raw text changed;
   * null before the first parse (and for states stored before it existed: their first parse reads every item).
   */
  body: StoredBodyMemory | null
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

/**
 * One item of a feed body as the parse stage hands it on: parsed, or left unparsed because its raw XML is exactly that
 * of an item of the previous body (`chunk` is then the fingerprint of that XML).
 */
export interface BodyEntry {
  /** Fingerprint of the item's raw XML; null when the body could not be split into items with certainty. */
  chunk: string | null
  item: ParsedItem | null
}

/** A feed body parsed for the pipeline: feed fields, parsed items, and every item (up to the cap) in document order. */
export interface FeedBody {
  /** Title, link and ttl of the feed; `items` holds the parsed items only. */
  feed: ParsedFeed
  entries: BodyEntry[]
  /** What item identities depend on besides the item: document URL, root xml:base, feed base and format. */
  context: string
}

/** What the feed state remembers of one item of the last parsed body. */
export interface BodyItem {
  /** Fingerprint of the item: of its raw XML (`printKind` 'chunk') or of its parsed fields ('item'). */
  print: string
  /** Fingerprint of its trimmed guid (null: none). Whether a guid is unique in the feed decides identities. */
  guid: string | null
  /** Its article id; null when it had no identity. */
  articleId: string | null
  /** Its article was recorded from exactly this item (not skipped as a duplicate, not deferred): nothing to redo. */
  settled: boolean
}

export interface BodyMemory {
  context: string
  printKind: 'chunk' | 'item'
  items: BodyItem[]
}

/**
 * BodyMemory as stored: items are one line each, "<print> <guid print or -> <article id or -> <1 settled | 0>", so
 * reading a feed state (every poll, 304s included) parses one string instead of an object per item.
 */
export interface StoredBodyMemory {
  context: string
  printKind: 'chunk' | 'item'
  items: string
}

export interface ParsedFeed {
  title: string | null
  link: string | null
  /** `<ttl>` in minutes when the feed gives one. */
  ttlMinutes: number | null
  items: ParsedItem[]
}
