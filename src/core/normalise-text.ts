// What counts as "the same text" when comparing versions: typography and invisible characters do not.

// Anything but printable ASCII and "\n": text without any of these (most feed text, once HTML is gone) needs only the
// whitespace pass, so the character passes below are skipped by one scan.
const NOT_PLAIN = /[^\n -~]/
// Zero-width space, non-joiner, joiner, word joiner, BOM and soft hyphen (invisible, and CMSs add or drop them freely),
// and the C0 and C1 controls other than whitespace (\u0000 also separates the hashed fields, so it must not occur).
const INVISIBLE = /[\u200B\u200C\u200D\u2060\uFEFF\u00AD\u0000-\u0008\u000E-\u001F\u007F-\u009F]/
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g')
// No code point below U+0300 decomposes or combines with its neighbours, so such text is already NFC.
const MAY_CHANGE_UNDER_NFC = /[^\u0000-\u02FF]/
const TYPOGRAPHY = /[\u2010-\u2015\u2018-\u201F\u2026\u2212]/
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B]/g
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F]/g
// Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign.
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g
const ELLIPSIS = /\u2026/g
const LINE_BREAK = /[\r\u2028\u2029]/
const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g
// JavaScript's \s covers NBSP, the U+2000 spaces, narrow NBSP, ideographic space and friends. A run of it inside a
// line becomes one space; a lone " " is already that, so only longer runs and other space characters are replaced.
const ODD_SPACE = /[^\S\n ]/
const SPACE_RUNS = /[^\S\n]{2,}|[^\S\n ]/g
const SPACE_AT_LINE_EDGE = / ?\n ?/g
const BLANK_LINE_RUNS = /\n{3,}/g
const NEWLINE = 10
const SPACE = 32

/**
 * Normalises text for comparison: NFC, zero-width and control characters removed, typographic quotes,
 * dashes and ellipses turned into ASCII, whitespace runs collapsed to one space within each line, lines
 * trimmed, and paragraph breaks (blank lines) kept as exactly one blank line. Idempotent.
 *
 * Stored content hashes depend on this output byte for byte: test/unit/property-normalise-reference.test.ts holds it
 * to the original line-by-line implementation.
 */
export function normaliseForCompare(text: string): string {
  return tidyWhitespace(NOT_PLAIN.test(text) ? normaliseCharacters(text) : text)
}

/** Invisible characters out, NFC, ASCII typography, one kind of line break; whitespace is left to tidyWhitespace. */
function normaliseCharacters(text: string): string {
  // Invisible characters go before NFC: removing one can bring a letter and its combining mark together.
  let out = INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, '') : text
  if (MAY_CHANGE_UNDER_NFC.test(out)) out = out.normalize('NFC')
  if (TYPOGRAPHY.test(out)) out = out.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-').replace(ELLIPSIS, '...')
  if (LINE_BREAK.test(out)) out = out.replace(LINE_BREAKS, '\n')
  if (ODD_SPACE.test(out)) out = out.replace(SPACE_RUNS, ' ')
  return out
}

/**
 * Lines separated by "\n" whose only whitespace besides "\n" may be " " runs: runs collapsed, lines trimmed, blank
 * lines between paragraphs down to one, none at either end. Each pass runs only when its pattern occurs.
 */
function tidyWhitespace(text: string): string {
  let out = text.includes('  ') ? text.replace(SPACE_RUNS, ' ') : text
  if (out.includes(' \n') || out.includes('\n ')) out = out.replace(SPACE_AT_LINE_EDGE, '\n')
  if (out.includes('\n\n\n')) out = out.replace(BLANK_LINE_RUNS, '\n\n')
  // Both ends: at most one space is left there (runs are collapsed, and a space next to "\n" is gone), then newlines.
  let from = 0
  let to = out.length
  if (out.charCodeAt(from) === SPACE) from++
  while (from < to && out.charCodeAt(from) === NEWLINE) from++
  if (to > from && out.charCodeAt(to - 1) === SPACE) to--
  while (to > from && out.charCodeAt(to - 1) === NEWLINE) to--
  return from === 0 && to === out.length ? out : out.slice(from, to)
}
