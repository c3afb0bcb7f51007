// A StoryRecord as the store keeps it, built from a seed text, for tests of the story registry and its caches.
import { DEFAULT_BACKGROUND } from '../../src/stories/background-df'
import { buildProfile } from '../../src/stories/story-profile'
import type { StoryRecord } from '../../src/stories/story-store'

/** Creation and update time of every record built here. */
export const RECORD_AT = '2030-01-07T09:00:00.000Z'

/** A non-default story `id` titled `title` with its profile built from `seed`; `overrides` replace any field. */
export function storyRecord(id: string, title: string, seed: string, overrides: Partial<Omit<StoryRecord, 'id' | 'title' | 'profile'>> = {}): StoryRecord {
  return {
    id,
    title,
    createdAt: RECORD_AT,
    updatedAt: RECORD_AT,
    isDefault: false,
    seedArticleIds: [],
    keywords: [],
    excludeKeywords: [],
    threshold: null,
    profile: buildProfile({ title, seeds: [{ title: '', text: seed }] }, DEFAULT_BACKGROUND),
    counts: { matches: 0, alerts: 0, feedbackRelevant: 0, feedbackIrrelevant: 0 },
    ...overrides,
  }
}
