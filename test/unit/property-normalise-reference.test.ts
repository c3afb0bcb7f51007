// Property tests (fast-check): the fast normalisers give exactly the output of the original ones, which stored hashes used.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { normaliseForCompare } from '../../src/core/normalise-text'
import { normaliseForRevision } from '../../src/core/normalise-for-revision'
import { referenceNormaliseForCompare, referenceNormaliseForRevision } from '../support/normalise-reference'

/** Characters either implementation treats specially, and their neighbours in the code charts. */
const SPECIAL = [
  '\u2016', '\u2017', '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u201F', "'", '"', '\u2026', '.',
  '\u200F', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '-', '\u200A', '\u200B', '\u200C',
  '\u200D', '\u200E', '\u2060', '\uFEFF', '\u00AD', '\u02FF', '\u0300', '\u0000', '\u0001', '\u0008', '\u0009',
  '\u000B', '\u000C', '\u000D', '\u000E', '\u001F', '\u007E', '\u007F', '\u0085', '\u009F', '\u00A0', ' ', '  ', '\t',
  '\n', '\n\n', '\n\n\n', ' \n', '\n ', '\r', '\r\n', '\u2000', '\u2009', '\u202F', '\u3000', '\u2028', '\u2029',
  '\u1680', '\u0301', '\u0308', 'e\u0301', '\u00E9', 'A\u030A', '\u212B', '\uFB01', '\u1E9B\u0323', '\uD800', '\uDC00',
  '\uD83D\uDE00', '\u00B7', '\u2022', '|', ':', 'a', 'B', '7',
]
const STAMP_WORDS = [
  'updated', 'Updated', 'UPDATED', 'last', 'published', 'posted', 'modified', 'edited', 'on', 'ago', 'AGO', 'just', 'now',
  'Now', 'know', 'yesterday', 'Yesterday', 'today', 'TODAY', 'moments', 'moment', 'a', 'an', 'one', 'two', 'three', 'few',
  'about', 'over', 'less', 'than', 'more', 'nearly', '5', '12', 'minutes', 'min', 'hours', 'h', 'm', 's', 'days', 'd',
  'weeks', 'w', 'years', 'yrs', 'the', 'inquiry', '·', '•', '|', 'Monday',
]
const SEPARATORS = [' ', '  ', '\n', '\n\n', ' \u00B7 ', ' | ', ': ', '\u00A0', '\u2009', '', '\t', '\r\n', ' \u2022 ', '\u2028']

const specialText = fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 60 })
const stampText = fc
  .array(fc.tuple(fc.constantFrom(...STAMP_WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 20 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''))
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  specialText,
  stampText,
  fc.array(fc.oneof(specialText, stampText, fc.string({ unit: 'grapheme-ascii', maxLength: 12 })), { maxLength: 8 }).map((a) => a.join('')),
)
/** Article-like text: paragraphs of sentences, now and then with typography, odd spaces or a stamp. */
const articleText = fc
  .array(
    fc.array(fc.oneof({ weight: 6, arbitrary: fc.lorem({ maxCount: 12, mode: 'sentences' }) }, { weight: 1, arbitrary: anyText }), { minLength: 1, maxLength: 5 }).map((s) => s.join(' ')),
    { maxLength: 8 },
  )
  .chain((paragraphs) => fc.constantFrom('\n\n', '\n', '\n \n', '\r\n\r\n', '\n\n\n').map((sep) => paragraphs.join(sep)))

describe('normaliseForCompare (against the original implementation)', () => {
  it('gives the same output for arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(normaliseForCompare(text)).toBe(referenceNormaliseForCompare(text))
      }),
      { numRuns: 3000 },
    )
  })

  it('gives the same output for article-like text', () => {
    fc.assert(
      fc.property(articleText, (text) => {
        expect(normaliseForCompare(text)).toBe(referenceNormaliseForCompare(text))
      }),
      { numRuns: 500 },
    )
  })

  it.each([
    ['an empty string', ''],
    ['spaces only', ' \u00A0 \t '],
    ['newlines only', '\n\n\r\n\u2028'],
    ['a space on a line of its own', 'a\n \nb'],
    ['spaces around line breaks', ' a \n b \n\n c '],
    ['a lone leading and trailing space', ' a '],
    ['a combining mark after a removed zero-width character', 'Cafe\u200B\u0301'],
    ['an Angstrom sign (NFC singleton)', '\u212B'],
    ['the last code point below the NFC shortcut', '\u02FF\u0300'],
    ['a tab between words', 'a\tb'],
  ])('gives the same output for %s', (_name, text) => {
    expect(normaliseForCompare(text)).toBe(referenceNormaliseForCompare(text))
  })

  it('leaves every code unit below U+0300, alone and in pairs, as NFC has it (the shortcut it takes)', () => {
    const changed: string[] = []
    for (let a = 0; a < 0x300; a++) {
      const first = String.fromCharCode(a)
      if (first.normalize('NFC') !== first) changed.push(first)
      for (let b = 0; b < 0x300; b += 7) {
        const pair = first + String.fromCharCode(b)
        if (pair.normalize('NFC') !== pair) changed.push(pair)
      }
    }
    expect(changed).toEqual([])
  })
})

describe('normaliseForRevision (against the original implementation)', () => {
  it('gives the same output for arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(normaliseForRevision(text)).toBe(referenceNormaliseForRevision(text))
      }),
      { numRuns: 3000, examples: [['updated today yesterday '], ['Updated 5 minutes ago\n\nyesterday\ntoday']] },
    )
  })

  it('gives the same output for article-like text', () => {
    fc.assert(
      fc.property(articleText, (text) => {
        expect(normaliseForRevision(text)).toBe(referenceNormaliseForRevision(text))
      }),
      { numRuns: 500 },
    )
  })
})
