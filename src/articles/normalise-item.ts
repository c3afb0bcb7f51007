// Parsed feed items to article snapshots: identity, canonical URL, plain text, dates and a content hash.

import { snapshotHashes } from './snapshot-hash'
import { guidPrint, itemFingerprint } from './item-fingerprint'
import type { ArticleSnapshot } from '../model/article'
import type { BodyItem, BodyMemory, FeedBody, ParsedFeed, ParsedItem } from '../model/feed'
import { articleIdFromKey, articleKey } from './article-id'
import { canonicalUrl } from './canonical-url'
import { feedDateToIso } from './feed-date'
import { htmlToText } from './html-to-text'
import { normaliseForCompare } from '../core/normalise-text'

export interface NormaliseContext {
  feedId: string
  feedUrl: string
  capturedAt: string
}

export interface NormaliseResult {
  /** Items normalised (new, or changed since the previous body), in feed order. */
  snapshots: ArticleSnapshot[]
  /** Article ids of items exactly as in the previous body (raw XML or parsed fields): not normalised again. */
  unchanged: string[]
  /** This body item by item, to remember for the next one; the caller unsettles the snapshots it could not record. */
  memory: BodyMemory
  /** Items left out, by their index in the body. */
  skipped: { index: number; reason: string }[]
}

export type BodyNormalisation =
  | { kind: 'ok'; result: NormaliseResult }
  /** An unparsed item cannot be taken over from the previous body exactly: the caller parses the whole body instead. */
  | { kind: 'needs_full_parse'; reason: string }

// Caps on stored text (KV values are limited to 25 MiB, and a feed may carry hundreds of items).
const MAX_TITLE_LENGTH = 1_000
const MAX_SUMMARY_LENGTH = 20_000
const MAX_CONTENT_LENGTH = 200_000
const MAX_AUTHOR_LENGTH = 500
const MAX_CATEGORY_LENGTH = 200
const MAX_CATEGORIES = 100
/** Same limit as article-id: a longer guid is not an identifier, so it is not stored either. */
const MAX_GUID_LENGTH = 2048

/**
 * Turns every item of a parsed feed into a snapshot, in feed order: {@link normaliseBody} with nothing to reuse.
 */
export function normaliseFeed(feed: ParsedFeed, ctx: NormaliseContext): NormaliseResult {
  const outcome = normaliseBody({ feed, entries: feed.items.map((item) => ({ chunk: null, item })), context: '' }, ctx, null)
  if (outcome.kind !== 'ok') throw new Error(`articles: a fully parsed feed needed a full parse (${outcome.reason})`)
  return outcome.result
}

/**
 * Turns the items of a feed body into snapshots, in feed order. Identity comes from {@link articleKey};
 * guid uniqueness is counted across the body, so items sharing a guid fall back to their links. When two items
 * get the same article id, the first is kept and the second is reported in `skipped`, as is an item with no
 * guid, no link and no dated title.
 *
 * An item the previous body already held, settled (`previous`: same fingerprint of raw XML or of parsed fields,
 * same `context`, and its guid as unique or not in this body as it was in that one) gets the same article id and
 * snapshot as last time, so it is not normalised again and comes back in `unchanged`. Items the parser left out
 * must all be taken over so; when one cannot be, the outcome is `needs_full_parse`.
 *
 * Field rules, chosen so that the same article serialised differently (CDATA or entities, attribute order,
 * whitespace, element order) gives the same snapshot and hash:
 * - `url`: the canonical item link, else the permalink guid, else the item's base URL (site, else feed), so
 *   an item without a link of its own still points somewhere readable;
 * - `title`: plain text on one line; `summary` / `content`: {@link htmlToText} of the description / full content;
 * - a summary that only repeats the content (equal after {@link normaliseForCompare}) is left empty: the text is
 *   the body, and storing it twice would double every revision;
 * - `categories`: trimmed, de-duplicated and sorted; dates: ISO 8601 UTC or null;
 * - `contentHash` / `rawHash`: see {@link snapshotHashes}.
 */
export function normaliseBody(body: FeedBody, ctx: NormaliseContext, previous: BodyMemory | null): BodyNormalisation {
  const entries = body.entries
  const printKind: BodyMemory['printKind'] = entries.every((e) => e.chunk !== null) ? 'chunk' : 'item'
  const prints = entries.map((e) => e.chunk ?? (e.item === null ? '' : itemFingerprint(e.item)))
  const settled = new Map<string, BodyItem>()
  if (previous !== null && previous.context === body.context && previous.printKind === printKind) {
    for (const item of previous.items) if (item.settled && !settled.has(item.print)) settled.set(item.print, item)
  }

  // Guids counted across the whole body, left-out items included (by the guid print remembered for them).
  const guids: (string | null)[] = []
  for (const [index, entry] of entries.entries()) {
    if (entry.item !== null) {
      guids.push(guidPrint(entry.item.guid))
      continue
    }
    const known = settled.get(prints[index] ?? '')
    if (known === undefined) return { kind: 'needs_full_parse', reason: `item ${index} was left unparsed but the previous body does not settle it` }
    guids.push(known.guid)
  }
  const guidCounts = countOf(guids)
  const previousGuidCounts = previous === null ? new Map<string, number>() : countOf(previous.items.map((item) => item.guid))
  const unique = (guid: string | null, counts: ReadonlyMap<string, number>) => guid !== null && counts.get(guid) === 1

  const snapshots: ArticleSnapshot[] = []
  const unchanged: string[] = []
  const items: BodyItem[] = []
  const skipped: NormaliseResult['skipped'] = []
  const firstIndexById = new Map<string, number>()
  for (const [index, entry] of entries.entries()) {
    const print = prints[index] ?? ''
    const guid = guids[index] ?? null
    // Normalising is most of a changed feed's CPU; the items that did not change (usually most) skip it, provided
    // nothing their identity depends on moved: a guid that became shared (or unique) changes the article id.
    const known = settled.get(print)
    const reusable = known !== undefined && known.articleId !== null && unique(known.guid, previousGuidCounts) === unique(guid, guidCounts)
    if (entry.item === null && !reusable) {
      return { kind: 'needs_full_parse', reason: `item ${index} was left unparsed but its guid is now ${unique(guid, guidCounts) ? 'unique' : 'shared'}` }
    }
    if (reusable && known.articleId !== null) {
      const earlier = firstIndexById.get(known.articleId)
      if (earlier !== undefined) {
        skipped.push({ index, reason: `same article as item ${earlier} (unchanged item)` })
        items.push({ print, guid, articleId: known.articleId, settled: false })
        continue
      }
      firstIndexById.set(known.articleId, index)
      unchanged.push(known.articleId)
      items.push({ print, guid, articleId: known.articleId, settled: true })
      continue
    }
    const item = entry.item
    if (item === null) continue // unreachable: an unparsed item is reusable or the body is parsed again
    const trimmedGuid = item.guid?.trim() ?? ''
    const key = articleKey(item, ctx.feedUrl, trimmedGuid !== '' && unique(guid, guidCounts))
    if (key === null) {
      skipped.push({ index, reason: 'no guid, no link and no title with a publication date' })
      items.push({ print, guid, articleId: null, settled: false })
      continue
    }
    const articleId = articleIdFromKey(key.key)
    const earlier = firstIndexById.get(articleId)
    if (earlier !== undefined) {
      skipped.push({ index, reason: `same article as item ${earlier} (${key.basis} ${key.key.slice(0, 200)})` })
      items.push({ print, guid, articleId, settled: false })
      continue
    }
    firstIndexById.set(articleId, index)
    snapshots.push(toSnapshot(item, articleId, ctx))
    items.push({ print, guid, articleId, settled: true })
  }
  return { kind: 'ok', result: { snapshots, unchanged, memory: { context: body.context, printKind, items }, skipped } }
}

function countOf(values: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

function toSnapshot(item: ParsedItem, articleId: string, ctx: NormaliseContext): ArticleSnapshot {
  const title = cap(oneLine(htmlToText(item.title ?? '')), MAX_TITLE_LENGTH)
  const content = cap(htmlToText(item.contentHtml ?? ''), MAX_CONTENT_LENGTH)
  const fullSummary = cap(htmlToText(item.summaryHtml ?? ''), MAX_SUMMARY_LENGTH)
  const comparedContent = normaliseForCompare(content)
  const comparedSummary = normaliseForCompare(fullSummary)
  const repeatsContent = content !== '' && comparedSummary === comparedContent
  const summary = repeatsContent ? '' : fullSummary
  const author = cap(oneLine(htmlToText(item.author ?? '')), MAX_AUTHOR_LENGTH)
  const guid = item.guid?.trim() ?? ''
  const url = itemUrl(item, ctx.feedUrl)
  const authorOrNull = author === '' ? null : author
  const hashes = snapshotHashes({ title, summary, content, author: authorOrNull, url }, { summary: repeatsContent ? '' : comparedSummary, content: comparedContent })
  return {
    articleId,
    url,
    guid: guid !== '' && guid.length <= MAX_GUID_LENGTH ? guid : null,
    title,
    summary,
    content,
    author: authorOrNull,
    categories: normaliseCategories(item.categories),
    publishedAt: feedDateToIso(item.published),
    updatedAt: feedDateToIso(item.updated),
    feedId: ctx.feedId,
    capturedAt: ctx.capturedAt,
    source: 'feed',
    contentHash: hashes.contentHash,
    rawHash: hashes.rawHash,
  }
}

function itemUrl(item: ParsedItem, feedUrl: string): string {
  const link = item.link === null ? null : canonicalUrl(item.link, item.baseUrl)
  const permalink = item.guid !== null && item.guidIsPermaLink ? canonicalUrl(item.guid, item.baseUrl) : null
  return link ?? permalink ?? canonicalUrl(item.baseUrl, feedUrl) ?? feedUrl
}

function normaliseCategories(categories: readonly string[]): string[] {
  const unique = new Set<string>()
  for (const category of categories) {
    const name = cap(oneLine(category), MAX_CATEGORY_LENGTH)
    if (name !== '') unique.add(name)
  }
  // Code-unit order, not localeCompare: the same on every runtime, so the snapshot is too.
  return [...unique].sort().slice(0, MAX_CATEGORIES)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  // Do not leave half a surrogate pair at the end.
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max).trimEnd()
}
