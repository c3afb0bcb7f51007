// Property test (fast-check): splitSentences gives exactly the original implementation's sentences.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { splitSentences } from '../../src/revisions/sentences'
import { referenceSplitSentences } from '../support/sentences-reference'

/** Pieces the splitter decides on: terminators, quotes, openers, titles, initials, numbers and odd whitespace. */
const PIECES = [
  '.', '. ', '.. ', '...', '\u2026', '?', '!', '?!', '."', '.\u201D ', '.\u2019', '.)', '.]', '.\u00BB', ' "', ' \u201C', " '",
  ' (', ' [', ' \u00AB', 'Mr. ', 'Dr. ', 'mrs. ', 'No. ', 'no. ', 'Jan. ', 'vs. ', 'cf. ', 'U.K. ', 'U.S. ', 'a.m. ', 'J. ',
  'W. ', '10', '3.5', ' The ', ' the ', ' He ', ' she ', ' Police ', ' police ', ' It ', ' London ', ' \u00C9douard ',
  ' \u00E9t\u00E9 ', ' 5 ', ', ', '; ', ': ', ' ', '  ', '\t', '\n', '\r\n', '\u00A0', '\u2028', 'word', 'Word', 'WORD',
  '\u0130', '\u00DF', '\uD835\uDC00',
]
const pieceText = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((p) => p.join(''))
const anyText = fc.oneof(
  pieceText,
  fc.lorem({ maxCount: 30, mode: 'sentences' }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('.', '?', '!', ' ', 'A', 'a', '"', '\u201D', '\n', '1'), maxLength: 60 }),
  fc.array(fc.oneof(pieceText, fc.lorem({ maxCount: 5, mode: 'sentences' })), { maxLength: 6 }).map((a) => a.join(' ')),
)

describe('splitSentences (against the original implementation)', () => {
  it('splits arbitrary and prose-like texts into the same sentences', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(splitSentences(text)).toEqual(referenceSplitSentences(text))
      }),
      { numRuns: 5000 },
    )
  })
})
