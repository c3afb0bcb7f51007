// What counts as "the same text" when comparing versions: typography and invisible characters do not.

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
export function normaliseForCompare(text: string): string {
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
