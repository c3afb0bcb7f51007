// A cheap fingerprint of a parsed feed item's raw fields: lets a changed feed skip normalising the items that did not change.
import type { ParsedItem } from '../model/feed'

// FNV-1a over UTF-16 code units with two seeds (64 bits in all): a change detector, not a security boundary.
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** 16 hex digits that change whenever any raw field of the item changes (same bytes → same fingerprint). */
export function itemFingerprint(item: ParsedItem): string {
  const raw = [
    item.guid ?? '',
    item.guidIsPermaLink ? '1' : '0',
    item.link ?? '',
    item.title ?? '',
    item.summaryHtml ?? '',
    item.contentHtml ?? '',
    item.author ?? '',
    item.categories.join('\u0001'),
    item.published ?? '',
    item.updated ?? '',
    item.baseUrl,
  ].join('\u0000')
  return fnv1a(raw, 0).toString(16).padStart(8, '0') + fnv1a(raw, 0x9e3779b9).toString(16).padStart(8, '0')
}
