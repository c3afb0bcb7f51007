// Bounded word diffs and revision detection between two snapshots.
import { describe, expect, it } from 'vitest'
import { wordDiff, MAX_DIFF_INPUT_CHARS } from '../../src/revisions/word-diff'
import { classifyRevision, toRevisionFields } from '../../src/revisions/classify-revision'
import type { ArticleSnapshot } from '../../src/model/article'

function apply(before: string, ops: { op: string; text: string }[]): { before: string; after: string } {
  return {
    before: ops.filter((o) => o.op !== 'insert').map((o) => o.text).join(''),
    after: ops.filter((o) => o.op !== 'delete').map((o) => o.text).join(''),
  }
}

describe('wordDiff', () => {
  it('marks a replaced word as one deletion and one insertion', () => {
    const d = wordDiff('Minister resigns over inquiry', 'Minister quits over inquiry')
    expect(d.ops).toEqual([
      { op: 'equal', text: 'Minister ' },
      { op: 'delete', text: 'resigns' },
      { op: 'insert', text: 'quits' },
      { op: 'equal', text: ' over inquiry' },
    ])
    expect(d).toMatchObject({ wordsAdded: 1, wordsRemoved: 1 })
  })

  it('produces ops that rebuild both texts', () => {
    const before = 'The Home Secretary said the inquiry would begin in the spring.'
    const after = 'The Home Secretary said on Tuesday that the national inquiry would begin in the autumn.'
    const d = wordDiff(before, after)
    expect(d.ops).not.toBeNull()
    expect(apply(before, d.ops ?? [])).toEqual({ before, after })
  })

  it('rebuilds both texts exactly when only the whitespace around a change differs', () => {
    const before = 'a b.\n\nc d.'
    const after = 'x y.\n\nc d. e f.'
    expect(apply(before, wordDiff(before, after).ops ?? [])).toEqual({ before, after })
  })

  it('shows a change interrupted only by spaces as one deletion and one insertion', () => {
    expect(wordDiff('The minister resigned today', 'The secretary quit today').ops).toEqual([
      { op: 'equal', text: 'The ' },
      { op: 'delete', text: 'minister resigned' },
      { op: 'insert', text: 'secretary quit' },
      { op: 'equal', text: ' today' },
    ])
  })

  it('does not count punctuation as words', () => {
    expect(wordDiff('He resigned.', 'He resigned?')).toMatchObject({ wordsAdded: 0, wordsRemoved: 0 })
  })

  it('gives up (ops null) on inputs over the cap instead of burning CPU', () => {
    const big = 'word '.repeat(MAX_DIFF_INPUT_CHARS / 5 + 10)
    const d = wordDiff(big, big + ' more')
    expect(d.ops).toBeNull()
    expect(d.wordsAdded).toBeGreaterThan(0)
  })

  it('gives up (ops null) when the edit is longer than the bound', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' ')
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join(' ')
    expect(wordDiff(a, b).ops).toBeNull()
  })
})

const snap = (over: Partial<ArticleSnapshot>): ArticleSnapshot => ({
  articleId: 'a'.repeat(20),
  url: 'https://news.example.com/a',
  guid: null,
  title: 'Inquiry chair named',
  summary: 'The Home Office named the chair.',
  content: '',
  author: null,
  categories: [],
  publishedAt: null,
  updatedAt: null,
  feedId: 'f'.repeat(12),
  capturedAt: '2026-11-02T09:00:00.000Z',
  source: 'feed',
  contentHash: 'h1',
  rawHash: 'r1',
  ...over,
})

describe('classifyRevision on stored snapshots', () => {
  const changed = (a: ArticleSnapshot, b: ArticleSnapshot) => classifyRevision(toRevisionFields(a), toRevisionFields(b))

  it('names only the fields that changed', () => {
    const a = changed(snap({}), snap({ title: 'Inquiry chair appointed', contentHash: 'h2' }))
    expect(a.changedFields).toEqual(['title'])
    expect(a.classification).toBe('headline')
  })

  it('does not count a refreshed relative timestamp as a change', () => {
    const a = changed(snap({ summary: 'The Home Office named the chair.\nUpdated 5 minutes ago' }), snap({ summary: 'The Home Office named the chair.\nUpdated 9 minutes ago' }))
    expect(a.changedFields).toEqual([])
    expect(a.minor).toBe(true)
  })

  it('does not count typographic quotes and whitespace as a change', () => {
    const a = changed(snap({ summary: 'The Home Office said "soon".' }), snap({ summary: 'The  Home Office said \u201csoon\u201d.' }))
    expect(a.changedFields).toEqual([])
    expect(a.minor).toBe(true)
  })
})
