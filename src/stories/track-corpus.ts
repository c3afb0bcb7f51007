// Replays a labelled corpus through one story as the live system would: build from the seed, score in time order, adapt on matches.
import { analyseArticle } from './analyse-article'
import { DEFAULT_BACKGROUND, type Background } from './background-df'
import { adaptProfile } from './adapt-profile'
import { evaluate, type TrackingMetrics } from './evaluate'
import { scoreArticle } from './score-article'
import { buildProfile, type StoryProfile } from './story-profile'

/** One labelled article of an evaluation corpus (fixtures/stories/<slug>/corpus.json). */
export interface CorpusItem {
  id: string
  label: boolean
  category: string
  outlet: string
  publishedAt: string
  title: string
  text: string
}

/** One decision of a replay. */
export interface TrackedItem {
  id: string
  title: string
  category: string
  label: boolean
  predicted: boolean
  score: number
}

/** The result of replaying one story's corpus. */
export interface StoryReplay {
  metrics: TrackingMetrics
  items: TrackedItem[]
  profile: StoryProfile
}

/**
 * Builds the profile from `seed`, scores every item in `publishedAt` order and, like the pipeline, adapts the profile
 * on every predicted match (the labels are only used for the metrics).
 */
export function replayStory(story: { title: string; seed: string; corpus: readonly CorpusItem[] }, background: Background = DEFAULT_BACKGROUND): StoryReplay {
  let profile = buildProfile({ title: story.title, seeds: [{ title: '', text: story.seed }] }, background)
  const ordered = [...story.corpus].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))
  const items: TrackedItem[] = []
  for (const item of ordered) {
    const analysis = analyseArticle(item, true)
    const match = scoreArticle(profile, analysis, background)
    if (match.matched) profile = adaptProfile(profile, analysis, { now: Date.parse(item.publishedAt), relevant: true, background })
    items.push({ id: item.id, title: item.title, category: item.category, label: item.label, predicted: match.matched, score: match.score })
  }
  return { metrics: evaluate(items), items, profile }
}
