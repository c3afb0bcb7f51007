// Article identity: the key that names an article across feeds and polls, and the short id derived from it.

import { sha256HexSync } from '../core/hash'
import type { ParsedItem } from '../model/feed'
import { canonicalUrl } from './canonical-url'
import { feedDateToIso } from './feed-date'
import { htmlToText } from './html-to-text'
import { normaliseForCompare } from '../core/normalise-text'

export interface ArticleKey {
  key: string
  basis: 'guid' | 'url' | 'title'
}

/** Longer "guids" are documents pasted in by a broken CMS, not identifiers. */
const MAX_GUID_LENGTH = 2048
/** Titles in a key are cut here, as in snapshots. */
const MAX_KEY_TITLE_LENGTH = 1000
/** Hex characters of SHA-256 kept in an article id: 80 bits, no collision expected below 10^12 articles. */
const ARTICLE_ID_HEX_LENGTH = 20

// Tag URIs (RFC 4151) and URNs (RFC 8141) are globally unique by construction; any other scheme-like guid
// ("post:123") is only unique within its publisher.
const GLOBAL_GUID = /^(?:tag|urn):/i
const HTTP_URL = /^https?:\/\//i

/**
 * The key that identifies an item's article, or null when the item carries nothing stable. In order:
 *
 * 1. The guid, when it is unique in the feed. A guid repeated by several items of one feed is a CMS fault,
 *    permalink or not (some give every item the home page), so those items fall back to their links.
 *    - an http(s) guid becomes its canonical URL, so `https://www.bbc.com/news/articles/x#0` and the same link
 *      used by another feed give the same key;
 *    - a `tag:` or `urn:` guid is used as is;
 *    - any other guid ("12345") is scoped by the host of the item link, else of the feed: `guid:<host>:<guid>`.
 * 2. The canonical item link, else the guid when it is a permalink.
 * 3. `title:<feed host>:<normalised, lower-cased title>|<published ISO>`. Both are required: a title alone
 *    ("Letters", "Weather") would merge different articles.
 */
export function articleKey(item: ParsedItem, feedUrl: string, guidIsUniqueInFeed: boolean): ArticleKey | null {
  const guid = item.guid?.trim() ?? ''
  const usableGuid = guid !== '' && guid.length <= MAX_GUID_LENGTH
  const link = item.link === null ? null : canonicalUrl(item.link, item.baseUrl)
  if (usableGuid && guidIsUniqueInFeed) {
    if (HTTP_URL.test(guid)) {
      const url = canonicalUrl(guid, feedUrl)
      if (url !== null) return { key: url, basis: 'guid' }
    } else if (GLOBAL_GUID.test(guid)) {
      return { key: guid, basis: 'guid' }
    } else {
      return { key: `guid:${hostOf(link ?? feedUrl)}:${guid}`, basis: 'guid' }
    }
  }
  const permalink = usableGuid && item.guidIsPermaLink ? canonicalUrl(guid, feedUrl) : null
  if (link !== null) return { key: link, basis: 'url' }
  if (permalink !== null) return { key: permalink, basis: 'url' }

  const title = item.title === null ? '' : keyTitle(item.title)
  const published = feedDateToIso(item.published)
  if (title !== '' && published !== null) {
    return { key: `title:${hostOf(feedUrl)}:${title}|${published}`, basis: 'title' }
  }
  return null
}

/** The article id for a key: the first 20 hex characters (80 bits) of its SHA-256. */
export function articleIdFromKey(key: string): string {
  return sha256HexSync(key).slice(0, ARTICLE_ID_HEX_LENGTH)
}

function keyTitle(titleHtml: string): string {
  return normaliseForCompare(htmlToText(titleHtml)).replace(/\s+/g, ' ').toLowerCase().slice(0, MAX_KEY_TITLE_LENGTH)
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return ''
  }
}
