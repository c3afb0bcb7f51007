// The dispatcher's cursor over the newest-first `alerts:` listing (pure): which keys are new, and the next cursor.
import type { DispatchCursor } from './webhook-model'
import { KEYS, parseAlertIndexKey } from '../storage/keys'

/**
 * How far behind the newest processed alert the dispatcher still looks. An alert's listing key can appear after newer
 * ones (a crash between its id marker and its listing key is repaired by a later tick; KV lists are eventually
 * consistent for ~60 s), so keys in this window that were not processed yet are still picked up.
 */
export const LOOKBACK_MS = 6 * 3600_000
/** Bounds the cursor value (~60 bytes a key). Past it the oldest keys are dropped and the window shrinks to match. */
export const MAX_RECENT_KEYS = 2000

/**
 * The listing key at which the scan stops (keys sorting after it are older): the newer of the oldest endpoint's
 * creation (no endpoint wants older alerts) and the look-back window behind the cursor.
 */
export function scanStopKey(cursor: DispatchCursor | null, oldestEndpointCreatedAt: string): string {
  let bound = Date.parse(oldestEndpointCreatedAt)
  if (cursor) {
    bound = Math.max(bound, Date.parse(cursor.newestAt) - LOOKBACK_MS)
    if (cursor.recent.length >= MAX_RECENT_KEYS) {
      // The window was truncated: only what `recent` still covers may be rescanned.
      const oldest = cursor.recent.map(parseAlertIndexKey).reduce((min, k) => (k && Date.parse(k.createdAt) < min ? Date.parse(k.createdAt) : min), Infinity)
      if (Number.isFinite(oldest)) bound = Math.max(bound, oldest)
    }
  }
  // '~' sorts after every alert id, so keys at exactly `bound` are included.
  return KEYS.alertIndex(new Date(Math.max(0, bound)).toISOString(), '~')
}

/** Keys of a newest-first listing not processed yet, oldest first (so a bounded run advances without gaps). */
export function newAlertKeys(listedNewestFirst: readonly string[], cursor: DispatchCursor | null): string[] {
  const seen = new Set(cursor?.recent ?? [])
  return listedNewestFirst.filter((k) => !seen.has(k) && parseAlertIndexKey(k) !== null).reverse()
}

/** The cursor after `processed` keys were turned into deliveries; null when nothing was processed (nothing to write). */
export function advanceCursor(cursor: DispatchCursor | null, processed: readonly string[]): DispatchCursor | null {
  if (processed.length === 0) return null
  const times = processed.map((k) => parseAlertIndexKey(k)?.createdAt).filter((t): t is string => t !== undefined)
  const newestAt = [cursor?.newestAt, ...times].filter((t): t is string => t !== undefined).sort().at(-1) ?? new Date(0).toISOString()
  const floor = Date.parse(newestAt) - LOOKBACK_MS
  const recent = [...new Set([...(cursor?.recent ?? []), ...processed])]
    .filter((k) => {
      const parsed = parseAlertIndexKey(k)
      return parsed !== null && Date.parse(parsed.createdAt) >= floor
    })
    // Keys are newest first; keep the newest when over the cap.
    .sort()
    .slice(0, MAX_RECENT_KEYS)
  return { version: 1, newestAt, recent }
}
