// Parsed feed items to article snapshots: identity, canonical URL, plain text, dates and a content hash.

import { snapshotHashes } from './snapshot-hash'
import { itemFingerprint } from './item-fingerprint'
import type { ArticleSnapshot } from '../model/article'
import type { ParsedFeed, ParsedItem } from '../model/feed'
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
  snapshots: ArticleSnapshot[]
  /** Items whose raw fields match a fingerprint the caller already knows: not normalised again. */
  unchanged: { articleId: string; fingerprint: string }[]
  /** articleId -> fingerprint of the raw item, for every snapshot. */
  fingerprints: Record<string, string>
  /** Items left out, by their index in the parsed feed. */
  skipped: { index: number; reason: string }[]
}

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
 * Turns every item of a parsed feed into a snapshot, in feed order. Identity comes from {@link articleKey};
 * guid uniqueness is counted across the feed, so items sharing a guid fall back to their links. When two items
 * get the same article id, the first is kept and the second is reported in `skipped`, as is an item with no
 * guid, no link and no dated title.
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
export async function normaliseFeed(
  feed: ParsedFeed,
  ctx: NormaliseContext,
  /** fingerprint -> articleId of the items in the feed's previous body: identical raw items are skipped. */
  known: ReadonlyMap<string, string> = new Map(),
): Promise<NormaliseResult> {
  const guidCounts = new Map<string, number>()
  for (const item of feed.items) {
    const guid = item.guid?.trim()
    if (guid) guidCounts.set(guid, (guidCounts.get(guid) ?? 0) + 1)
  }

  const snapshots: ArticleSnapshot[] = []
  const unchanged: NormaliseResult['unchanged'] = []
  const fingerprints: Record<string, string> = {}
  const skipped: NormaliseResult['skipped'] = []
  const firstIndexById = new Map<string, number>()
  for (const [index, item] of feed.items.entries()) {
    // Normalising is most of a changed feed's CPU; the items that did not change (usually most) skip it.
    const fingerprint = itemFingerprint(item)
    const knownId = known.get(fingerprint)
    if (knownId !== undefined && !firstIndexById.has(knownId)) {
      firstIndexById.set(knownId, index)
      unchanged.push({ articleId: knownId, fingerprint })
      continue
    }
    const guid = item.guid?.trim() ?? ''
    const key = articleKey(item, ctx.feedUrl, guid !== '' && guidCounts.get(guid) === 1)
    if (key === null) {
      skipped.push({ index, reason: 'no guid, no link and no title with a publication date' })
      continue
    }
    const articleId = await articleIdFromKey(key.key)
    const earlier = firstIndexById.get(articleId)
    if (earlier !== undefined) {
      skipped.push({ index, reason: `same article as item ${earlier} (${key.basis} ${key.key.slice(0, 200)})` })
      continue
    }
    firstIndexById.set(articleId, index)
    snapshots.push(await toSnapshot(item, articleId, ctx))
    fingerprints[articleId] = fingerprint
  }
  return { snapshots, unchanged, fingerprints, skipped }
}

async function toSnapshot(item: ParsedItem, articleId: string, ctx: NormaliseContext): Promise<ArticleSnapshot> {
  const title = cap(oneLine(htmlToText(item.title ?? '')), MAX_TITLE_LENGTH)
  const content = cap(htmlToText(item.contentHtml ?? ''), MAX_CONTENT_LENGTH)
  const fullSummary = cap(htmlToText(item.summaryHtml ?? ''), MAX_SUMMARY_LENGTH)
  const summary = content !== '' && normaliseForCompare(fullSummary) === normaliseForCompare(content) ? '' : fullSummary
  const author = cap(oneLine(htmlToText(item.author ?? '')), MAX_AUTHOR_LENGTH)
  const guid = item.guid?.trim() ?? ''
  const url = itemUrl(item, ctx.feedUrl)
  const authorOrNull = author === '' ? null : author
  const hashes = await snapshotHashes({ title, summary, content, author: authorOrNull, url })
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
