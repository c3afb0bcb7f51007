// Property tests (fast-check): the diffs of (A, B) rebuild B from A, for arbitrary texts.
import { applyPatch } from 'diff'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { wordDiff } from '../../src/revisions/word-diff'
import { revisionText, unifiedPatch } from '../../src/revisions/revision-text'

const WORDS = ['the', 'inquiry', 'said', 'Rochdale', '£4.2m', 'café', '“quoted”', '—', 'a', 'of', '12', 'Zoë', '日本', '😀', '-', '+', '@@', '\\', '---', '+++']
const SEPARATORS = [' ', '  ', '\n', '\n\n', '\t', '\u00A0', '', '\r\n', '\r', ' \n', '\n ']

/** Prose-like text: words and separators, so both small edits and rewrites come up. */
const prose = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 40 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''))
const anyText = fc.oneof(prose, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '\\', '-', '+'), maxLength: 60 }))

/** A pair of texts: unrelated, or B an edit of A (insert, delete or replace a span), which is what revisions look like. */
const pair = fc.oneof(
  fc.tuple(anyText, anyText),
  fc.tuple(anyText, fc.nat(), fc.nat(), anyText).map(([a, i, j, insert]): [string, string] => {
    const from = i % (a.length + 1)
    const to = from + (j % (a.length - from + 1))
    return [a, a.slice(0, from) + insert + a.slice(to)]
  }),
)

describe('wordDiff (property)', () => {
  it('gives ops whose equal+delete text is A and whose equal+insert text is B, whenever it gives ops', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const diff = wordDiff(a, b)
        if (diff.ops === null) return
        expect(diff.ops.filter((o) => o.op !== 'insert').map((o) => o.text).join('')).toBe(a)
        expect(diff.ops.filter((o) => o.op !== 'delete').map((o) => o.text).join('')).toBe(b)
        expect(diff.ops.every((o) => o.text !== '')).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('still rebuilds both sides with a tiny edit bound, or gives up with null', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const diff = wordDiff(a, b, 3)
        if (diff.ops === null) return
        expect(diff.ops.filter((o) => o.op !== 'insert').map((o) => o.text).join('')).toBe(a)
        expect(diff.ops.filter((o) => o.op !== 'delete').map((o) => o.text).join('')).toBe(b)
      }),
      { numRuns: 200 },
    )
  })
})

describe('unifiedPatch (property)', () => {
  it('applied with jsdiff applyPatch to A gives B for arbitrary texts', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const patch = unifiedPatch(a, b, 'v1', 'v2')
        if (a === b) {
          expect(patch).toBe('')
          return
        }
        expect(applyPatch(a, patch)).toBe(b)
      }),
      { numRuns: 300 },
    )
  })

  it('applied to the revision text of one version gives the revision text of the next', () => {
    const fields = fc.record({ title: anyText, summary: anyText, content: anyText })
    fc.assert(
      fc.property(fields, fields, (x, y) => {
        const a = revisionText(x)
        const b = revisionText(y)
        const patch = unifiedPatch(a, b, 'v1', 'v2')
        expect(a === b ? a : applyPatch(a, patch)).toBe(b)
      }),
      { numRuns: 200 },
    )
  })
})
