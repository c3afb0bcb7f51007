// Story records (pure apart from hashing): new stories from seeds, the default story, profile rebuilds.
import type { StoryRecord } from './story-store'
import type { ArticleText } from './analyse-article'
import { buildProfile } from './story-profile'
import { DEFAULT_BACKGROUND } from './background-df'
import { DEFAULT_STORY_SEED, DEFAULT_STORY_SLUG, DEFAULT_STORY_TITLE } from './default-story'
import { sha256Hex } from '../core/hash'

export interface StoryInput {
  title: string
  seeds: ArticleText[]
  seedArticleIds: string[]
  keywords: string[]
  excludeKeywords: string[]
  threshold: number | null
}

/**
 * A readable, unique id: the title's slug and a short hash of the title, the time and a random nonce. The nonce matters:
 * the Workers clock does not move while a request computes, so a double submit of one title gets one `now` twice.
 */
export async function storyIdFor(title: string, now: string): Promise<string> {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
  return `${slug || 'story'}-${(await sha256Hex(`story:${title}:${now}:${crypto.randomUUID()}`)).slice(0, 8)}`
}

export function profileFor(input: StoryInput) {
  return buildProfile(
    {
      title: input.title,
      seeds: input.seeds,
      keywords: input.keywords,
      excludeKeywords: input.excludeKeywords,
      ...(input.threshold !== null ? { threshold: input.threshold } : {}),
    },
    DEFAULT_BACKGROUND,
  )
}

export async function newStoryRecord(input: StoryInput, options: { now: string; id?: string; isDefault?: boolean }): Promise<StoryRecord> {
  return {
    id: options.id ?? (await storyIdFor(input.title, options.now)),
    title: input.title,
    createdAt: options.now,
    updatedAt: options.now,
    isDefault: options.isDefault ?? false,
    seedArticleIds: input.seedArticleIds,
    keywords: input.keywords,
    excludeKeywords: input.excludeKeywords,
    threshold: input.threshold,
    profile: profileFor(input),
    counts: { matches: 0, alerts: 0, feedbackRelevant: 0, feedbackIrrelevant: 0 },
  }
}

/**
 * A seed text as an article: a short first line that does not end a sentence is its headline (weighted as one);
 * otherwise the whole text is body, which is how `npm run eval:stories` builds the profiles it measures.
 */
export function seedArticle(text: string): ArticleText {
  const trimmed = text.trim()
  const [first = '', ...rest] = trimmed.split(/\n+/)
  const looksLikeHeadline = first.length <= 150 && !/[.!?"\u201d]$/.test(first.trim()) && rest.length > 0
  return looksLikeHeadline ? { title: first.trim(), text: rest.join('\n\n') } : { title: '', text: trimmed }
}

/** The story a fresh deployment tracks out of the box. */
export async function defaultStoryRecord(now: string): Promise<StoryRecord> {
  return newStoryRecord(
    { title: DEFAULT_STORY_TITLE, seeds: [seedArticle(DEFAULT_STORY_SEED)], seedArticleIds: [], keywords: [], excludeKeywords: [], threshold: null },
    { now, id: DEFAULT_STORY_SLUG, isDefault: true },
  )
}
