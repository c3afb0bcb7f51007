// Replays a labelled corpus through one story as the live system would: build from the seed, score in time order, adapt on matches.
import { analyseArticle } from './analyse-article'
import { DEFAULT_BACKGROUND, type Background } from './background-df'
import { adaptProfile } from './adapt-profile'
import { evaluate, type TrackingMetrics } from './evaluate'
import { scoreArticle } from './score-article'
import { buildProfile, type StoryProfile } from './story-profile'
import { leadOf } from './story-text'

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

/** A story to replay: its title, one to four seed texts, and the newsroom's optional settings. */
export interface ReplayInput {
  title: string
  seeds: readonly string[]
  keywords?: string[]
  excludeKeywords?: string[]
  threshold?: number
  corpus: readonly CorpusItem[]
}

/**
 * Builds the profile from the seeds, scores every item's headline and lead in `publishedAt` order (ties keep corpus
 * order) and, like the pipeline, adapts the profile on every predicted match (the labels are only used for the metrics).
 */
export function replayStory(story: ReplayInput, background: Background = DEFAULT_BACKGROUND): StoryReplay {
  const seeds = story.seeds.map((text) => ({ title: '', text }))
  let profile = buildProfile(
    { title: story.title, seeds, keywords: story.keywords, excludeKeywords: story.excludeKeywords, threshold: story.threshold },
    background,
  )
  const ordered = story.corpus.map((item, index) => ({ item, index, at: Date.parse(item.publishedAt) }))
  ordered.sort((a, b) => a.at - b.at || a.index - b.index)
  const items: TrackedItem[] = []
  for (const { item, at } of ordered) {
    const analysis = analyseArticle({ title: item.title, text: leadOf(item.text) }, true)
    const match = scoreArticle(profile, analysis, background)
    if (match.matched) profile = adaptProfile(profile, analysis, { now: at, relevant: true, background })
    items.push({ id: item.id, title: item.title, category: item.category, label: item.label, predicted: match.matched, score: match.score })
  }
  return { metrics: evaluate(items), items, profile }
}
