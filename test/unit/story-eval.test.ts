// The tracking evaluation over the labelled fixture corpora, inside workerd: a floor under F1 and Cdet per story.
import { describe, expect, it } from 'vitest'
import groomingSeed from '../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw'
import groomingStory from '../../fixtures/stories/grooming-gangs-inquiry/story.json?raw'
import groomingCorpus from '../../fixtures/stories/grooming-gangs-inquiry/corpus.json?raw'
import horizonSeed from '../../fixtures/stories/post-office-horizon/seed.txt?raw'
import horizonStory from '../../fixtures/stories/post-office-horizon/story.json?raw'
import horizonCorpus from '../../fixtures/stories/post-office-horizon/corpus.json?raw'
import boeingSeed from '../../fixtures/stories/boeing-door-plug/seed.txt?raw'
import boeingStory from '../../fixtures/stories/boeing-door-plug/story.json?raw'
import boeingCorpus from '../../fixtures/stories/boeing-door-plug/corpus.json?raw'
import { evaluate } from '../../src/stories/evaluate'
import { replayStory, type CorpusItem } from '../../src/stories/track-corpus'

// Floors, not the measured values (bench/RESULTS.md has those): they catch regressions, not noise. The two stories issue
// 4 names meet its targets (F1 ≥ 0.9, Cdet ≤ 0.15), with room for one more miss. The third was written as a held-out
// check after the matcher was built and is far from the targets (F1 0.84, Cdet 0.61): its floor only stops it getting worse.
const STORIES = [
  ['grooming-gangs-inquiry', groomingStory, groomingSeed, groomingCorpus, { minF1: 0.94, maxCdet: 0.15 }],
  ['post-office-horizon', horizonStory, horizonSeed, horizonCorpus, { minF1: 0.94, maxCdet: 0.15 }],
  ['boeing-door-plug', boeingStory, boeingSeed, boeingCorpus, { minF1: 0.8, maxCdet: 0.7 }],
] as const

describe('evaluate', () => {
  it('computes precision, recall, F1 and the normalised TDT detection cost', () => {
    const m = evaluate([
      { label: true, predicted: true },
      { label: true, predicted: false },
      { label: false, predicted: true },
      { label: false, predicted: false },
      { label: false, predicted: false },
      { label: false, predicted: false },
    ])
    expect(m).toMatchObject({ truePositives: 1, falseNegatives: 1, falsePositives: 1, trueNegatives: 3, precision: 0.5, recall: 0.5, f1: 0.5, pMiss: 0.5, pFalseAlarm: 0.25 })
    // (1·0.5·0.02 + 0.1·0.25·0.98) / min(0.02, 0.098)
    expect(m.cDet).toBeCloseTo((0.5 * 0.02 + 0.1 * 0.25 * 0.98) / 0.02, 10)
  })

  it('costs 1 for a system that never says yes', () => {
    expect(evaluate([{ label: true, predicted: false }, { label: false, predicted: false }]).cDet).toBe(1)
  })
})

describe.each(STORIES)('tracking %s', (_, storyJson, seed, corpusJson, floor) => {
  it(`reaches F1 ≥ ${floor.minF1} and Cdet ≤ ${floor.maxCdet} from the seed alone`, () => {
    const story = JSON.parse(storyJson) as { title: string }
    const corpus = JSON.parse(corpusJson) as CorpusItem[]
    const { metrics } = replayStory({ title: story.title, seeds: [seed], corpus })
    expect(metrics.f1).toBeGreaterThanOrEqual(floor.minF1)
    expect(metrics.cDet).toBeLessThanOrEqual(floor.maxCdet)
  })
})

describe('the default story shipped with the Worker', () => {
  it('carries the fixture seed verbatim and builds its profile the way the evaluation does', async () => {
    const { DEFAULT_STORY_SEED } = await import('../../src/stories/default-story')
    const { seedArticle } = await import('../../src/stories/story-registry')
    const fixture = (await import('../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw')).default
    expect(DEFAULT_STORY_SEED).toBe(fixture)
    expect(seedArticle(DEFAULT_STORY_SEED)).toEqual({ title: '', text: DEFAULT_STORY_SEED.trim() })
  })
})
