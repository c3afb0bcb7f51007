// ProfileCache: profiles read again unchanged keep their identity (and compiled form); the matcher decides as a fresh one.
import { describe, expect, it } from 'vitest'
import seedText from '../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw'
import horizonSeed from '../../fixtures/stories/post-office-horizon/seed.txt?raw'
import { ProfileCache } from '../../src/pipeline/track-stories'
import { adaptProfile } from '../../src/stories/adapt-profile'
import { analyseArticle } from '../../src/stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../../src/stories/background-df'
import { StoryMatcher } from '../../src/stories/story-matcher'
import type { StoryRecord } from '../../src/stories/story-store'
import { RECORD_AT, storyRecord } from '../support/story-records'

const AT = RECORD_AT

function record(id: string, title: string, seed: string, threshold: number | null = null): StoryRecord {
  return storyRecord(id, title, seed, { threshold })
}

/** What a KV read gives: equal values, new objects. */
const reread = (stories: StoryRecord[]): StoryRecord[] => JSON.parse(JSON.stringify(stories)) as StoryRecord[]

const STORIES = [record('grooming', 'Grooming gangs national inquiry', seedText), record('horizon', 'Post Office Horizon scandal', horizonSeed, 0.4)]
const ARTICLE = {
  title: 'Starmer orders national inquiry into grooming gangs after Casey audit',
  text: 'Keir Starmer has ordered a full national statutory inquiry into grooming gangs after Baroness Louise Casey\'s audit found that the sexual exploitation of children had been ignored.',
}

describe('ProfileCache', () => {
  it('swaps a profile read again unchanged for the object it saw before, and reuses the matcher', () => {
    const cache = new ProfileCache()
    const first = cache.intern(reread(STORIES))
    const matcher = cache.matcherFor(first)
    const second = cache.intern(reread(STORIES))
    expect(second.map((s) => s.profile)).toEqual(first.map((s) => s.profile))
    second.forEach((s, i) => expect(s.profile).toBe(first[i]?.profile))
    expect(cache.matcherFor(second)).toBe(matcher)
  })

  it('keeps a changed profile as read and builds the matcher again', () => {
    const cache = new ProfileCache()
    const first = cache.intern(reread(STORIES))
    const matcher = cache.matcherFor(first)
    const adapted = reread(STORIES).map((s) =>
      s.id === 'grooming' ? { ...s, profile: adaptProfile(s.profile, analyseArticle(ARTICLE, true), { now: Date.parse(AT), relevant: true, source: 'match' }) } : s,
    )
    const second = cache.intern(reread(adapted))
    expect(second[0]?.profile).not.toBe(first[0]?.profile)
    expect(second[0]?.profile.updates).toBe(1)
    expect(second[1]?.profile).toBe(first[1]?.profile)
    expect(cache.matcherFor(second)).not.toBe(matcher)
  })

  it('does not swap a profile whose value changed without its update count moving', () => {
    const cache = new ProfileCache()
    const first = cache.intern(reread(STORIES))
    const edited = reread(STORIES)
    const grooming = edited[0]
    if (grooming === undefined) throw new Error('no story')
    grooming.profile = { ...grooming.profile, keywords: ['groom gang'] }
    const second = cache.intern(edited)
    expect(second[0]?.profile).not.toBe(first[0]?.profile)
    expect(second[0]?.profile.keywords).toEqual(['groom gang'])
  })

  it('decides as a matcher built from scratch, stories\' own thresholds included', () => {
    const cache = new ProfileCache()
    cache.matcherFor(cache.intern(reread(STORIES)))
    const cached = cache.matcherFor(cache.intern(reread(STORIES)))
    const fresh = new StoryMatcher(
      STORIES.map((s) => (s.threshold === null ? s.profile : { ...s.profile, threshold: s.threshold })),
      DEFAULT_BACKGROUND,
    )
    expect(cached.scoreAll(analyseArticle(ARTICLE))).toEqual(fresh.scoreAll(analyseArticle(ARTICLE)))
  })

  it('forgets stories that are gone', () => {
    const cache = new ProfileCache()
    const first = cache.intern(reread(STORIES))
    cache.intern(reread(STORIES.slice(1)))
    const again = cache.intern(reread(STORIES))
    expect(again[0]?.profile).not.toBe(first[0]?.profile)
    expect(again[1]?.profile).toBe(first[1]?.profile)
  })
})
