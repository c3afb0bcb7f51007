// Revision comparison text: normaliseForCompare plus the relative timestamps pages re-render on every fetch.
import { normaliseForCompare } from './normalise-text'

const QUANTITY = String.raw`(?:(?:about|around|over|almost|nearly|less\s+than|more\s+than)\s+)?(?:\d+|an?|one|two|three|a\s+few|few)`
const UNIT = String.raw`(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|[smhdw])`
const WHEN = String.raw`(?:${QUANTITY}\s*${UNIT}\s+ago|moments?\s+ago|just\s+now|yesterday|today)`
const VERB = String.raw`(?:last\s+)?(?:updated|published|posted|modified|edited)(?:\s+on)?\s*:?\s*`
// "Updated 5 minutes ago", "Last updated: 2 hours ago", "Published 3 days ago", "· Posted just now".
const STAMP = new RegExp(String.raw`(?:\s*[\u00B7\u2022|]\s*)?\b${VERB}${WHEN}\b(?:\s*[\u00B7\u2022|])?`, 'gi')
// A line that is nothing but a relative time ("2 hours ago") is page chrome; inside prose the same words are kept.
const STAMP_LINE = new RegExp(String.raw`^${WHEN}$`, 'i')
const DANGLING_SEPARATORS = /^[\s\u00B7\u2022|]+|[\s\u00B7\u2022|]+$/g
// Every WHEN ends in one of these words (same case rule as STAMP): a line without any holds no stamp.
const MAY_HOLD_STAMP = /ago|now|yesterday|today/i
// Removing one stamp can leave another one alone on its line ("updatedtoday yesterday" → "yesterday"), so stamps are
// removed until nothing changes; each pass only removes text, so a few passes always reach the fixed point.
const MAX_PASSES = 9

/**
 * Text as compared between versions: normaliseForCompare, then "Updated 5 minutes ago"-style relative
 * timestamps removed (with the separator beside them), lines left empty by that dropped, so a page re-rendered a
 * few minutes later is not a revision. Paragraph structure is kept. Idempotent.
 *
 * Text without a stamp (nearly all of it) costs one normaliseForCompare and one scan.
 */
export function normaliseForRevision(text: string): string {
  return stripRelativeTimestamps(normaliseForCompare(text))
}

/**
 * normaliseForRevision of text that is already the output of normaliseForCompare, for callers that needed that too:
 * `normaliseForRevision(t) === stripRelativeTimestamps(normaliseForCompare(t))` for every string t.
 */
export function stripRelativeTimestamps(compareNormal: string): string {
  let out = compareNormal
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const stripped = stripStamps(out)
    if (stripped === out) return out
    const next = normaliseForCompare(stripped)
    if (next === out) return out
    out = next
  }
  return out
}

/** One pass over compare-normal text (paragraphs split by "\n\n", lines by "\n"); the same string when nothing matched. */
function stripStamps(text: string): string {
  if (!MAY_HOLD_STAMP.test(text)) return text
  let changed = false
  const paragraphs: string[] = []
  for (const paragraph of text.split('\n\n')) {
    const lines: string[] = []
    for (const line of paragraph.split('\n')) {
      if (!MAY_HOLD_STAMP.test(line)) {
        lines.push(line)
        continue
      }
      if (STAMP_LINE.test(line)) {
        changed = true
        continue
      }
      const stripped = line.replace(STAMP, ' ')
      const kept = stripped === line ? line : stripped.replace(DANGLING_SEPARATORS, '').replace(/\s+/g, ' ')
      if (kept !== line) changed = true
      if (kept !== '') lines.push(kept)
    }
    if (lines.length > 0) paragraphs.push(lines.join('\n'))
  }
  return changed ? paragraphs.join('\n\n') : text
}
