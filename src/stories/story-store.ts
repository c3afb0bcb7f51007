// StoryStore: story records (with profiles), seeds, match listings and development clusters, over one KV binding.
import type { StoryProfile } from './story-profile'
import type { ArticleRecord } from '../model/article'
import type { StoryMatch } from './score-article'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'
import { mapLimit } from '../core/map-limit'

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

/** Developments kept per story for near-duplicate grouping: a few days of coverage. */
const MAX_CLUSTERS = 200

/**
 * Match keys (`story-matches:` listing keys and `story-match-id:` markers) one deleteStory call deletes at most: with
 * its `list` calls, the seed and clusters and the route's own reads and writes, a request stays well inside the 1,000
 * KV operations a Worker invocation may make. A story with more matches (each is two keys) is finished by calling
 * deleteStory again.
 */
export const MAX_MATCH_KEY_DELETES = 500
/** `list` calls one deleteStory call makes at most (a page may come back short of its limit, even empty). */
const MAX_MATCH_KEY_LISTS = 8
/** Deletes in flight at once. */
const DELETE_CONCURRENCY = 6

/** What deleteStory did. */
export interface StoryDeletion {
  /** Match keys (listing keys and markers) deleted by this call. */
  matchKeysDeleted: number
  /** True when this call stopped at its bound with match keys possibly left: call deleteStory again for the rest. */
  matchKeysRemain: boolean
}

// --- The registry value, once per text ----------------------------------------------------------------------------

interface RegistryValue {
  version: 1
  stories: StoryRecord[]
}

/**
 * The registry text last read or written in this isolate and its records, frozen. A tick reads the registry at least
 * once and usually finds the text it (or the tick before) wrote: comparing texts costs far less than parsing twenty
 * profiles. Keyed by the exact text, so it can never answer for another value; one entry, a few hundred KB.
 */
let lastRegistry: { text: string; stories: readonly StoryRecord[] | null } | null = null

function registryFromText(text: string): readonly StoryRecord[] | null {
  if (lastRegistry !== null && lastRegistry.text === text) return lastRegistry.stories
  const stories = (JSON.parse(text) as RegistryValue | null)?.stories ?? null
  if (Array.isArray(stories)) {
    for (const story of stories) if (typeof story === 'object' && story !== null) freezeRecord(story)
    Object.freeze(stories)
  }
  lastRegistry = { text, stories }
  return stories
}

/**
 * JSON text of records and profiles that freezeRecord checked (frozen, so never changed under their identity): an
 * unchanged record is not serialised again when the registry is saved, nor an unchanged profile of a changed record.
 */
const JSON_TEXT = new WeakMap<object, string>()

/**
 * `JSON.stringify({ version: 1, stories })`, byte for byte, with the JSON of checked records and profiles reused: a run
 * that adapted one profile serialises that record and that profile, not twenty.
 */
export function registryText(stories: readonly StoryRecord[]): string {
  let out = '{"version":1,"stories":['
  stories.forEach((story, i) => {
    if (i > 0) out += ','
    out += reusedJson(story, recordJson)
  })
  return `${out}]}`
}

function reusedJson<T extends object>(value: T, toJson: (value: T) => string | undefined): string | undefined {
  const known = JSON_TEXT.get(value)
  if (known !== undefined) return known
  const json = toJson(value)
  if (json !== undefined && CHECKED.has(value)) JSON_TEXT.set(value, json)
  return json
}

function recordJson(story: StoryRecord): string {
  let out = ''
  // Own enumerable keys in the order JSON.stringify takes them; a key whose value JSON leaves out is left out.
  for (const [key, value] of Object.entries(story)) {
    const json: string | undefined = key === 'profile' ? reusedJson(story.profile, profileJson) : JSON.stringify(value)
    if (json === undefined) continue
    out += `${out === '' ? '{' : ','}${JSON.stringify(key)}:${json}`
  }
  return out === '' ? '{}' : `${out}}`
}

function profileJson(profile: StoryProfile): string | undefined {
  return JSON.stringify(profile) as string | undefined
}

/**
 * Records and profiles that freezeRecord deep-froze and found JSON-clean: a profile shared by records across saves (the
 * usual case: a run adapts one or two of twenty) is walked once.
 */
const CHECKED = new WeakSet<object>()

/**
 * Deep-freezes a story record and reports whether JSON would give it back as it is (see freezeJson). Frozen, a record
 * or profile can be shared by every reader of the registry and its JSON kept: nothing changes them in place (adaptation
 * and the API build new ones), and should something try, it throws instead of corrupting what others read.
 */
function freezeRecord(story: StoryRecord): boolean {
  return freezeChecked(story, (record) => {
    let clean = isPlainObject(record)
    for (const [key, value] of Object.entries(record)) {
      const ok = key === 'profile' && typeof value === 'object' && value !== null ? freezeChecked(value, freezeJson) : freezeJson(value)
      if (!ok) clean = false
    }
    return clean
  })
}

function freezeChecked<T extends object>(value: T, freeze: (value: T) => boolean): boolean {
  if (CHECKED.has(value)) return true
  const clean = freeze(value)
  Object.freeze(value)
  if (clean) CHECKED.add(value)
  return clean
}

/**
 * Deep-freezes a JSON-like value and reports whether JSON.parse(JSON.stringify(value)) would give back an equal value:
 * only plain objects, arrays, strings, booleans, null and finite numbers other than -0.
 */
function freezeJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (typeof value !== 'object') return false
  let clean = true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!freezeJson(value[i])) clean = false
  } else {
    clean = isPlainObject(value)
    for (const key of Object.keys(value)) if (!freezeJson((value as Record<string, unknown>)[key])) clean = false
  }
  Object.freeze(value)
  return clean
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

export class StoryStore {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * Every story; null when the registry has never been written. The records are frozen and shared: a registry text
   * already seen in this isolate is not parsed again, and its records come back as the same objects (so story profiles
   * keep their identity, which the matcher's compiled forms are cached on). Replace a record to change it.
   */
  async list(): Promise<StoryRecord[] | null> {
    const text = await this.kv.get(KEYS.storyRegistry(), 'text')
    const stories = text === null ? null : registryFromText(text)
    return stories === null ? null : [...stories]
  }

  /**
   * Replaces the registry. KV has no compare-and-set: concurrent edits within ~60 s can race (docs/storage.md), so a
   * writer that read the registry a while ago reads it again first and merges (pipeline/track-stories). Freezes the
   * records it is given: they become the records `list()` returns for this text.
   */
  async save(stories: StoryRecord[]): Promise<void> {
    let reusable = true
    for (const story of stories) if (!freezeRecord(story)) reusable = false
    const text = registryText(stories)
    await this.kv.put(KEYS.storyRegistry(), text)
    // Records that JSON would not give back as they are (an undefined, a NaN) are not remembered: the text is parsed.
    if (reusable) lastRegistry = { text, stories: [...stories] }
  }

  async getSeed(storyId: string): Promise<string | null> {
    return this.kv.get(KEYS.storySeed(storyId))
  }

  async putSeed(storyId: string, text: string): Promise<void> {
    await this.kv.put(KEYS.storySeed(storyId), text)
  }

  /**
   * Deletes a story's seed, clusters and match keys (listing keys and markers), at most MAX_MATCH_KEY_DELETES match
   * keys per call; `matchKeysRemain` says when it stopped at that bound. Idempotent: call it again (the story need not
   * be in the registry any more) until nothing remains. Matches a tick is writing while the story is deleted (it read
   * the registry before) can land after this call; a later call removes them too.
   */
  async deleteStory(storyId: string): Promise<StoryDeletion> {
    await Promise.all([this.kv.delete(KEYS.storySeed(storyId)), this.kv.delete(KEYS.storyClusters(storyId))])
    const budget = { deletes: MAX_MATCH_KEY_DELETES, lists: MAX_MATCH_KEY_LISTS }
    let matchKeysDeleted = 0
    let matchKeysRemain = false
    for (const prefix of [KEYS.storyMatchPrefix(storyId), KEYS.storyMatchIdPrefix(storyId)]) {
      const swept = await this.deleteByPrefix(prefix, budget)
      matchKeysDeleted += swept.deleted
      if (!swept.complete) matchKeysRemain = true
    }
    return { matchKeysDeleted, matchKeysRemain }
  }

  /** Deletes keys under `prefix` within `budget` (spent in place); complete when the listing ended inside it. */
  private async deleteByPrefix(prefix: string, budget: { deletes: number; lists: number }): Promise<{ deleted: number; complete: boolean }> {
    let deleted = 0
    let cursor: string | null = null
    for (;;) {
      if (budget.deletes <= 0 || budget.lists <= 0) return { deleted, complete: false }
      budget.lists--
      const listed: KVNamespaceListResult<unknown, string> = await this.kv.list({
        prefix,
        limit: Math.min(1000, budget.deletes),
        ...(cursor ? { cursor } : {}),
      })
      const names = listed.keys.map((k) => k.name).slice(0, budget.deletes)
      await mapLimit(names, DELETE_CONCURRENCY, (name) => this.kv.delete(name))
      budget.deletes -= names.length
      deleted += names.length
      if (listed.list_complete) return { deleted, complete: true }
      cursor = listed.cursor
    }
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
