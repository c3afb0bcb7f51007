// Property tests (fast-check): signature() gives exactly the original implementation's output, which stored clusters hold.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { signature } from '../../src/stories/near-duplicate'
import { referenceSignature } from '../support/near-duplicate-reference'

/** Letters and digits the word pattern treats specially: case pairs, combining marks (NFC), astral letters, separators. */
const UNITS = [
  'a', 'b', 'Z', '7', '\u00E9', 'e\u0301', 'A\u030A', '\u212B', '\u0130', '\u00DF', '\u1E9E', '\uFB01', '\u03A3',
  '\u0645', '\u4E2D', '\uD835\uDC00', '\uD83D\uDE00', '\uD800', '\u0300', '\u00B2', '\u2163', "'", '\u2019', '-',
  ' ', '  ', '\n', '\t', '\u00A0', '.', ',',
]
const WORDS = ['the', 'inquiry', 'grooming', 'gangs', 'casey', 'audit', 'Home', 'Secretary', 'national', '2025', 'a', 'I']

const unitText = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 80 })
/** Few distinct words, so bigrams and whole bigram runs repeat (they must not count twice, nor change the result). */
const repetitive = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(' ', '  ', ', ', '. ', '\n\n', '-')), { maxLength: 60 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''))
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 120 }),
  unitText,
  repetitive,
  fc.lorem({ maxCount: 80, mode: 'sentences' }),
  fc.array(fc.oneof(unitText, repetitive, fc.lorem({ maxCount: 6 })), { maxLength: 6 }).map((a) => a.join(' ')),
)

describe('signature (against the original implementation)', () => {
  it.each([
    ['the empty text', ''],
    ['a text without a letter or digit', ' .,;- \n'],
    ['a one-word text', 'Inquiry'],
    ['a two-word text', 'national inquiry'],
    ['a text repeating one bigram', 'grooming gangs grooming gangs grooming gangs'],
    ['a text repeating one word', 'gangs gangs gangs gangs'],
    ['a text with astral letters and combining marks', '\uD835\uDC00\uD835\uDC01 caf\u0065\u0301 Z\u00DFrich \u0130stanbul'],
  ])('gives the same output for %s', (_name, text) => {
    expect(signature(text)).toBe(referenceSignature(text))
  })

  it('gives the same output for arbitrary texts', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(signature(text)).toBe(referenceSignature(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the same output for article-length texts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.lorem({ maxCount: 40, mode: 'sentences' }), repetitive), { minLength: 5, maxLength: 20 }), (parts) => {
        const text = parts.join('\n\n')
        expect(signature(text)).toBe(referenceSignature(text))
      }),
      { numRuns: 100 },
    )
  })
})
