// mergeIntoLatest: a run's story counts and learned profiles go into the registry as it stands at save time.
import { describe, expect, it } from 'vitest'
import seedText from '../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw'
import horizonSeed from '../../fixtures/stories/post-office-horizon/seed.txt?raw'
import { mergeIntoLatest, type ProfileLesson, type RunStories } from '../../src/pipeline/track-stories'
import { adaptProfile } from '../../src/stories/adapt-profile'
import { analyseArticle } from '../../src/stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../../src/stories/background-df'
import { buildProfile } from '../../src/stories/story-profile'
import type { StoryRecord } from '../../src/stories/story-store'
import { RECORD_AT, storyRecord } from '../support/story-records'

const AT = RECORD_AT
const NOW = Date.parse(AT)

function record(id: string, title: string, seed: string): StoryRecord {
  return storyRecord(id, title, seed, { counts: { matches: 3, alerts: 2, feedbackRelevant: 0, feedbackIrrelevant: 0 } })
}

const GROOMING = record('grooming', 'Grooming gangs national inquiry', seedText)
const HORIZON = record('horizon', 'Post Office Horizon scandal', horizonSeed)
const MATCHED = analyseArticle({ title: 'Starmer orders national inquiry into grooming gangs', text: 'Keir Starmer has ordered a national statutory inquiry into grooming gangs after the Casey audit.' }, true)
const FEEDBACK = analyseArticle({ title: 'Survivors meet the inquiry chair', text: 'Survivors of grooming gangs in Rochdale met the chair of the national inquiry.' }, true)
const LESSON: ProfileLesson = { storyId: 'grooming', analysis: MATCHED, nowMs: NOW }

/** A run that read [GROOMING, HORIZON] and matched one article to GROOMING (one match, one alert, one lesson). */
function run(): RunStories {
  const read = [GROOMING, HORIZON]
  const learned = adaptProfile(GROOMING.profile, MATCHED, { now: NOW, relevant: true, source: 'match' })
  return {
    read,
    start: read,
    ours: [{ ...GROOMING, profile: learned, counts: { ...GROOMING.counts, matches: 4, alerts: 3 } }, { ...HORIZON }],
    lessons: [LESSON],
  }
}

describe('mergeIntoLatest', () => {
  it('saves the run\'s records when nothing changed meanwhile', () => {
    const r = run()
    expect(mergeIntoLatest(r, [GROOMING, HORIZON])).toEqual(r.ours)
  })

  it('keeps a story created meanwhile, after the others, untouched', () => {
    const created = record('casey', 'Casey audit', seedText)
    const merged = mergeIntoLatest(run(), [GROOMING, HORIZON, created])
    expect(merged.map((s) => s.id)).toEqual(['grooming', 'horizon', 'casey'])
    expect(merged[2]).toBe(created)
    expect(merged[0]?.counts.matches).toBe(4)
  })

  it('keeps a story deleted meanwhile deleted', () => {
    const merged = mergeIntoLatest(run(), [HORIZON])
    expect(merged.map((s) => s.id)).toEqual(['horizon'])
  })

  it('keeps a rename made meanwhile, with the run\'s counts and learned profile', () => {
    const r = run()
    const renamed = { ...GROOMING, title: 'Grooming gangs inquiry (desk)', threshold: 0.6, updatedAt: '2030-01-07T09:00:01.000Z' }
    const [merged] = mergeIntoLatest(r, [renamed, HORIZON])
    expect(merged).toMatchObject({ title: 'Grooming gangs inquiry (desk)', threshold: 0.6, updatedAt: renamed.updatedAt })
    expect(merged?.counts).toEqual({ matches: 4, alerts: 3, feedbackRelevant: 0, feedbackIrrelevant: 0 })
    expect(merged?.profile).toBe(r.ours[0]?.profile)
  })

  it('takes the run\'s profile when the registry was read again as an equal value (new objects)', () => {
    const r = run()
    const again = JSON.parse(JSON.stringify([GROOMING, HORIZON])) as StoryRecord[]
    const merged = mergeIntoLatest(r, again)
    expect(merged[0]?.profile).toBe(r.ours[0]?.profile)
    expect(merged[0]?.counts.matches).toBe(4)
  })

  it('applies the run\'s lessons again to a profile feedback changed meanwhile, and adds the counts of both', () => {
    const withFeedback: StoryRecord = {
      ...GROOMING,
      profile: adaptProfile(GROOMING.profile, FEEDBACK, { now: NOW - 1000, relevant: true, source: 'feedback' }),
      counts: { ...GROOMING.counts, feedbackRelevant: 1, matches: 4 },
    }
    const [merged] = mergeIntoLatest(run(), [withFeedback, HORIZON])
    expect(merged?.counts).toEqual({ matches: 5, alerts: 3, feedbackRelevant: 1, feedbackIrrelevant: 0 })
    expect(merged?.profile).toEqual(adaptProfile(withFeedback.profile, MATCHED, { now: NOW, relevant: true, source: 'match' }))
    expect(merged?.profile.updates).toBe(GROOMING.profile.updates + 2)
  })

  it('leaves the profile of a story the run learned nothing for as the API left it', () => {
    const rebuilt = { ...HORIZON, keywords: ['fujitsu'], profile: buildProfile({ title: HORIZON.title, seeds: [{ title: '', text: horizonSeed }], keywords: ['fujitsu'] }, DEFAULT_BACKGROUND) }
    const [, merged] = mergeIntoLatest(run(), [GROOMING, rebuilt])
    expect(merged?.profile).toBe(rebuilt.profile)
    expect(merged?.keywords).toEqual(['fujitsu'])
  })
})
