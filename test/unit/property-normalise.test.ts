// Property tests (fast-check): the comparison normalisations are idempotent on arbitrary text.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { normaliseForCompare } from '../../src/core/normalise-text'
import { normaliseForRevision } from '../../src/core/normalise-for-revision'

/** Characters the normalisers treat specially: quotes, dashes, ellipsis, invisible, controls, line and space kinds, combining marks. */
const SPECIAL = [
  '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u201F', "'", '"', '`', '\u00AB', '\u00BB',
  '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '-', '\u2026', '.',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD',
  '\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u001F', '\u007F', '\u0085', '\u009F',
  ' ', '\t', '\n', '\r', '\r\n', '\u00A0', '\u2000', '\u2009', '\u202F', '\u3000', '\u2028', '\u2029', '\u1680',
  '\u0301', '\u0308', '\u0327', 'e\u0301', '\u00E9', 'A\u030A', '\u212B', '\uFB01', '\u1E9B\u0323',
  '\uD800', '\uDC00', '\uD83D\uDE00', '\u00B7', '\u2022', '|', ':',
]
/** Words of the relative timestamps normaliseForRevision removes, so stamps and near-stamps get generated. */
const STAMP_WORDS = [
  'updated', 'Updated', 'last', 'published', 'posted', 'modified', 'edited', 'on', 'ago', 'just', 'now', 'yesterday',
  'today', 'moments', 'moment', 'a', 'an', 'one', 'two', 'few', 'about', 'over', 'less', 'than', '5', '12', 'minutes',
  'min', 'hours', 'h', 'm', 'days', 'd', 'weeks', 'w', 'years', 'the', 'inquiry',
]

const specialText = fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 40 })
const stampText = fc
  .array(fc.tuple(fc.constantFrom(...STAMP_WORDS), fc.constantFrom(' ', '  ', '\n', '\n\n', ' \u00B7 ', ' | ', ': ', '\u00A0', '\u2009', '')), { maxLength: 16 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''))
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  specialText,
  stampText,
  fc.array(fc.oneof(specialText, stampText, fc.string({ unit: 'grapheme-ascii', maxLength: 10 })), { maxLength: 6 }).map((a) => a.join('')),
)

describe('normaliseForCompare (property)', () => {
  it('is idempotent for arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normaliseForCompare(text)
        expect(normaliseForCompare(once)).toBe(once)
      }),
      { numRuns: 300 },
    )
  })

  it('leaves no control character, zero-width character, typographic quote or dash behind', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(normaliseForCompare(text)).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u00AD\u2018-\u201F\u2010-\u2015\u2212\r]/)
      }),
      { numRuns: 300 },
    )
  })
})

describe('normaliseForRevision (property)', () => {
  it('is idempotent for arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normaliseForRevision(text)
        expect(normaliseForRevision(once)).toBe(once)
      }),
      // Found by this property: the first pass strips "updated today" and leaves "yesterday", a stamp line of its own.
      { numRuns: 300, examples: [['updated today yesterday ']] },
    )
  })

  it('is a fixed point of normaliseForCompare (its output is already compare-normal)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normaliseForRevision(text)
        expect(normaliseForCompare(once)).toBe(once)
      }),
      { numRuns: 300 },
    )
  })
})
