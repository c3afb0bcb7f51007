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

/**
 * Text as compared between versions: normaliseForCompare, then "Updated 5 minutes ago"-style relative
 * timestamps removed (with the separator beside them), lines left empty by that dropped, so a page re-rendered a
 * few minutes later is not a revision. Paragraph structure is kept. Idempotent.
 */
export function normaliseForRevision(text: string): string {
  // Removing one stamp can leave another one alone on its line ("updatedtoday yesterday" → "yesterday"), so the pass
  // runs until nothing changes; each pass only removes text, so a few passes always reach the fixed point.
  let out = normaliseOnce(text)
  for (let pass = 0; pass < 8; pass++) {
    const next = normaliseOnce(out)
    if (next === out) break
    out = next
  }
  return out
}

function normaliseOnce(text: string): string {
  const paragraphs: string[] = []
  for (const paragraph of normaliseForCompare(text).split('\n\n')) {
    const lines: string[] = []
    for (const line of paragraph.split('\n')) {
      if (STAMP_LINE.test(line)) continue
      const stripped = line.replace(STAMP, ' ')
      const kept = stripped === line ? line : stripped.replace(DANGLING_SEPARATORS, '').replace(/\s+/g, ' ')
      if (kept !== '') lines.push(kept)
    }
    if (lines.length > 0) paragraphs.push(lines.join('\n'))
  }
  return normaliseForCompare(paragraphs.join('\n\n'))
}
