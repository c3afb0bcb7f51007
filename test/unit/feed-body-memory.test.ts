// The stored form of a feed's body memory: one line per item, read back exactly, and refused when malformed.
import { describe, expect, it } from 'vitest'
import { decodeBodyMemory, encodeBodyMemory } from '../../src/feeds/feed-store'
import type { BodyMemory, StoredBodyMemory } from '../../src/model/feed'

const MEMORY: BodyMemory = {
  context: 'https://news.example.com/rss.xml\n\nhttps://news.example.com/\nrss',
  printKind: 'chunk',
  items: [
    { print: '0123456789abcdef', guid: 'fedcba9876543210', articleId: '0123456789abcdef0123', settled: true },
    { print: '1111111111111111', guid: null, articleId: null, settled: false },
    { print: '2222222222222222', guid: null, articleId: 'aaaaaaaaaaaaaaaaaaaa', settled: false },
  ],
}

describe('body memory in the feed state', () => {
  it('stores one line per item and reads it back unchanged', () => {
    const stored = encodeBodyMemory(MEMORY)
    expect(stored.items.split('\n')).toEqual(['0123456789abcdef fedcba9876543210 0123456789abcdef0123 1', '1111111111111111 - - 0', '2222222222222222 - aaaaaaaaaaaaaaaaaaaa 0'])
    expect(decodeBodyMemory(stored)).toEqual(MEMORY)
  })

  it('reads back a body without items', () => {
    expect(decodeBodyMemory(encodeBodyMemory({ ...MEMORY, items: [] }))).toEqual({ ...MEMORY, items: [] })
  })

  it.each([
    ['no memory (a state from before it existed)', null],
    ['an unknown print kind', { context: '', printKind: 'other', items: '' }],
    ['a line with a field missing', { context: '', printKind: 'chunk', items: 'abc - -' }],
    ['a line with an extra field', { context: '', printKind: 'chunk', items: 'abc - - 1 x' }],
    ['a settled flag that is not 0 or 1', { context: '', printKind: 'chunk', items: 'abc - - yes' }],
    ['items that are not a string', { context: '', printKind: 'chunk', items: ['abc - - 1'] }],
  ])('reads %s as nothing remembered', (_name, stored) => {
    expect(decodeBodyMemory(stored as StoredBodyMemory | null)).toBeNull()
  })
})
