// StoryStore: story records (with profiles), seeds, match listings and development clusters, over one KV binding.
import type { StoryProfile } from './story-profile'
import type { ArticleRecord } from '../model/article'
import type { StoryMatch } from './score-article'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

export interface StoryRecord {
  id: string
  title: string
  createdAt: string
  updatedAt: string
  isDefault: boolean
  seedArticleIds: string[]
  keywords: string[]
  excludeKeywords: string[]
  /** The story's own decision threshold; null: the profile default. */
  threshold: number | null
  profile: StoryProfile
  counts: { matches: number; alerts: number; feedbackRelevant: number; feedbackIrrelevant: number }
}

export interface StoryMatchRecord {
  storyId: string
  articleId: string
  title: string
  url: string
  feedId: string
  publishedAt: string | null
  firstSeenAt: string
  score: number
  matchedAt: string
  explanation: { terms: string[]; entities: string[]; phrases: string[] }
  clusterId: string
  /** How the match came about: the tick, the backfill when the story was created, or newsroom feedback. */
  via: 'tick' | 'backfill' | 'feedback'
  /** Set by feedback: false marks a false alarm. */
  relevant: boolean | null
}

export interface ClusterMember {
  articleId: string
  feedId: string
  title: string
  url: string
  firstSeenAt: string
}

/** One development of a story: near-duplicate articles, the earliest first (the first reporter). */
export interface StoryCluster {
  clusterId: string
  signature: string
  alertId: string | null
  members: ClusterMember[]
}

interface RegistryValue {
  version: 1
  stories: StoryRecord[]
}

/** Developments kept per story for near-duplicate grouping: a few days of coverage. */
const MAX_CLUSTERS = 200

export class StoryStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Every story; null when the registry has never been written. */
  async list(): Promise<StoryRecord[] | null> {
    return (await getJson<RegistryValue>(this.kv, KEYS.storyRegistry()))?.stories ?? null
  }

  /** Replaces the registry. KV has no compare-and-set: concurrent edits within ~60 s can race (docs/storage.md). */
  async save(stories: StoryRecord[]): Promise<void> {
    const value: RegistryValue = { version: 1, stories }
    await putJson(this.kv, KEYS.storyRegistry(), value)
  }

  async getSeed(storyId: string): Promise<string | null> {
    return this.kv.get(KEYS.storySeed(storyId))
  }

  async putSeed(storyId: string, text: string): Promise<void> {
    await this.kv.put(KEYS.storySeed(storyId), text)
  }

  async deleteStory(storyId: string): Promise<void> {
    await Promise.all([this.kv.delete(KEYS.storySeed(storyId)), this.kv.delete(KEYS.storyClusters(storyId))])
  }

  async getClusters(storyId: string): Promise<StoryCluster[]> {
    return (await getJson<{ clusters: StoryCluster[] }>(this.kv, KEYS.storyClusters(storyId)))?.clusters ?? []
  }

  async putClusters(storyId: string, clusters: StoryCluster[]): Promise<void> {
    await putJson(this.kv, KEYS.storyClusters(storyId), { clusters: clusters.slice(-MAX_CLUSTERS) })
  }

  /** The match of this article to this story, if any. */
  async getMatch(storyId: string, articleId: string): Promise<StoryMatchRecord | null> {
    const key = await this.kv.get(KEYS.storyMatchId(storyId, articleId))
    return key ? getJson<StoryMatchRecord>(this.kv, key) : null
  }

  /** Stores a match under its newest-first key; the marker is written first (idempotent re-runs find it). */
  async putMatch(match: StoryMatchRecord): Promise<void> {
    const key = KEYS.storyMatch(match.storyId, match.matchedAt, match.articleId)
    await this.kv.put(KEYS.storyMatchId(match.storyId, match.articleId), key)
    await putJson(this.kv, key, match)
  }

  async listMatches(storyId: string, options: { limit: number; kvCursor: string | null }): Promise<{ matches: StoryMatchRecord[]; nextKvCursor: string | null }> {
    const listed = await this.kv.list({ prefix: KEYS.storyMatchPrefix(storyId), limit: options.limit, ...(options.kvCursor ? { cursor: options.kvCursor } : {}) })
    const matches = (await Promise.all(listed.keys.map((k) => getJson<StoryMatchRecord>(this.kv, k.name)))).filter((m): m is StoryMatchRecord => m !== null)
    return { matches, nextKvCursor: listed.list_complete ? null : listed.cursor }
  }
}

/** The match record of an article for a story, from the scorer's decision. */
export function matchRecordFor(
  storyId: string,
  record: ArticleRecord,
  match: Pick<StoryMatch, 'score' | 'explanation'>,
  details: { matchedAt: string; clusterId: string; via: StoryMatchRecord['via']; relevant: boolean | null },
): StoryMatchRecord {
  return {
    storyId,
    articleId: record.id,
    title: record.current.title,
    url: record.url,
    feedId: record.current.feedId,
    publishedAt: record.publishedAt,
    firstSeenAt: record.firstSeenAt,
    score: match.score,
    explanation: { terms: match.explanation.terms.map((t) => t.term), entities: match.explanation.entities, phrases: match.explanation.phrases },
    ...details,
  }
}
