// Cheap fingerprints of a parsed feed item: of its raw fields (a changed feed skips re-normalising unchanged items) and of its guid.
import { sha256HexSync } from '../core/hash'
import type { ParsedItem } from '../model/feed'

/** Hex digits kept: 64 bits, a change detector within one feed, not a security boundary. */
const PRINT_HEX_LENGTH = 16

/** Changes whenever any raw field of the item changes (same fields → same fingerprint). */
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
  return sha256HexSync(raw).slice(0, PRINT_HEX_LENGTH)
}

/** Fingerprint of an item's trimmed guid, or null when it has none: guids are counted by it across a feed. */
export function guidPrint(guid: string | null): string | null {
  const trimmed = guid?.trim() ?? ''
  return trimmed === '' ? null : sha256HexSync(`guid\u0000${trimmed}`).slice(0, PRINT_HEX_LENGTH)
}
