// The original normaliseForCompare and normaliseForRevision, frozen: stored content hashes were computed with them, so
// the faster implementations in src/core must give the same output byte for byte (property-normalise-reference.test.ts).


// Zero-width space, non-joiner, joiner, word joiner, BOM and soft hyphen: invisible, and CMSs add or drop them freely.
const ZERO_WIDTH = /[\u200B\u200C\u200D\u2060\uFEFF\u00AD]/g
// C0 and C1 controls other than whitespace; \u0000 also separates the hashed fields, so it must not occur.
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B]/g
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F]/g
// Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign.
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g
const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g
// JavaScript's \s covers NBSP, the U+2000 spaces, narrow NBSP, ideographic space and friends.
const SPACES = /\s+/g

/**
 * Normalises text for comparison: NFC, zero-width and control characters removed, typographic quotes,
 * dashes and ellipses turned into ASCII, whitespace runs collapsed to one space within each line, lines
 * trimmed, and paragraph breaks (blank lines) kept as exactly one blank line. Idempotent.
 */
export function referenceNormaliseForCompare(text: string): string {
  // Invisible characters go before NFC: removing one can bring a letter and its combining mark together.
  const visible = text.replace(ZERO_WIDTH, '').replace(CONTROL, '').normalize('NFC')
  const ascii = visible
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(/\u2026/g, '...')
  const paragraphs: string[] = []
  let lines: string[] = []
  for (const rawLine of ascii.replace(LINE_BREAKS, '\n').split('\n')) {
    const line = rawLine.replace(SPACES, ' ').trim()
    if (line !== '') {
      lines.push(line)
    } else if (lines.length > 0) {
      paragraphs.push(lines.join('\n'))
      lines = []
    }
  }
  if (lines.length > 0) paragraphs.push(lines.join('\n'))
  return paragraphs.join('\n\n')
}


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
export function referenceNormaliseForRevision(text: string): string {
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
  for (const paragraph of referenceNormaliseForCompare(text).split('\n\n')) {
    const lines: string[] = []
    for (const line of paragraph.split('\n')) {
      if (STAMP_LINE.test(line)) continue
      const stripped = line.replace(STAMP, ' ')
      const kept = stripped === line ? line : stripped.replace(DANGLING_SEPARATORS, '').replace(/\s+/g, ' ')
      if (kept !== '') lines.push(kept)
    }
    if (lines.length > 0) paragraphs.push(lines.join('\n'))
  }
  return referenceNormaliseForCompare(paragraphs.join('\n\n'))
}
