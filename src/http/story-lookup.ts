// Finding stories for the stories API and pages (the default story shows before the first tick) and their profile summary.
import type { StoryRecord, StoryStore } from '../stories/story-store'
import { ApiError } from './errors'
import { defaultStoryRecord } from '../stories/story-registry'
import { readSettings } from '../config/settings'

/** Profile terms in a summary: the strongest part of a profile of up to 60. */
const SUMMARY_TERMS = 25

/** A profile as a reader sees it: the features that carry its scores, strongest first, with their weights. */
export interface ProfileSummary {
  threshold: number
  terms: { term: string; weight: number }[]
  entities: { entity: string; weight: number }[]
  phrases: { phrase: string; weight: number }[]
  adaptiveUpdates: number
}

/** The stories as stored, or on a fresh deployment the default story the first tick would create. */
export async function currentStories(env: Env, store: StoryStore): Promise<StoryRecord[]> {
  const stories = await store.list()
  if (stories) return stories
  return readSettings(env).seedDefaultStory ? [await defaultStoryRecord(new Date().toISOString())] : []
}

/** The story `id` with every story beside it (to save the registry back); throws 404 `story_not_found`. */
export async function findStory(env: Env, store: StoryStore, id: string): Promise<{ stories: StoryRecord[]; story: StoryRecord }> {
  const stories = await currentStories(env, store)
  const story = stories.find((s) => s.id === id)
  if (!story) throw new ApiError(404, 'story_not_found', `no story with id ${id}`)
  return { stories, story }
}

/** The story's effective threshold and its profile's top terms, entities and phrases (seed plus learned weight). */
export function profileSummary(story: StoryRecord): ProfileSummary {
  const p = story.profile
  const weight = (e: { seed: number; learned: number }) => Math.round((e.seed + e.learned) * 1000) / 1000
  return {
    threshold: story.threshold ?? p.threshold,
    terms: [...p.terms].sort((a, b) => weight(b) - weight(a)).slice(0, SUMMARY_TERMS).map((t) => ({ term: t.label, weight: weight(t) })),
    entities: [...p.entities].sort((a, b) => weight(b) - weight(a)).map((e) => ({ entity: e.label, weight: weight(e) })),
    phrases: [...p.phrases].sort((a, b) => weight(b) - weight(a)).map((ph) => ({ phrase: ph.label, weight: weight(ph) })),
    adaptiveUpdates: p.updates,
  }
}
