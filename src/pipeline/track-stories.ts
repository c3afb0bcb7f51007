// Orchestrator for story tracking: score new and revised articles against every story, group developments, alert.
import type { ArticleRecord } from '../model/article'
import type { Alert } from '../model/alert'
import type { AlertStore } from '../alerts/alert-store'
import type { ClusterMember, StoryCluster, StoryMatchRecord, StoryRecord, StoryStore } from '../stories/story-store'
import { matchRecordFor } from '../stories/story-store'
import { analyseArticle, type ArticleAnalysis } from '../stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../stories/background-df'
import { StoryMatcher } from '../stories/story-matcher'
import type { StoryProfile } from '../stories/story-profile'
import { adaptProfile } from '../stories/adapt-profile'
import { isNearDuplicate, signature as textSignature } from '../stories/near-duplicate'
import { buildFollowUpAlert } from '../alerts/alert-model'
import { sha256Hex } from '../core/hash'
import { defaultStoryRecord } from '../stories/story-registry'
import { fullTextOf, leadOf } from '../stories/story-text'
import { PendingStoryStore, type PendingArticle } from '../stories/pending-store'
import type { ArticleStore } from '../articles/article-store'
import { mapLimit } from '../core/map-limit'

export interface StoryDeps {
  stories: StoryStore
  alerts: AlertStore
}

export interface StorySummary {
  scored: number
  matched: number
  alertsRaised: number
  /** Matches grouped into an existing development (no new alert, the outlet is added to it). */
  grouped: number
}

/**
 * Scores `articles` against `stories` and records follow-ups: one match per (story, article), one alert per
 * development (near-duplicates join the first report's cluster and its `alsoReportedBy`), and the profile learns from
 * each confirmed match. `raiseAlerts: false` records matches only (the backfill of a new story). Returns the stories
 * with updated profiles and counts; the caller saves them once.
 */
export async function trackStories(
  deps: StoryDeps,
  stories: StoryRecord[],
  articles: readonly ArticleRecord[],
  options: { nowMs: number; raiseAlerts: boolean; adapt: boolean; via: StoryMatchRecord['via'] },
): Promise<{ stories: StoryRecord[]; summary: StorySummary; changed: boolean; lessons: ProfileLesson[] }> {
  const summary: StorySummary = { scored: 0, matched: 0, alertsRaised: 0, grouped: 0 }
  const lessons: ProfileLesson[] = []
  if (stories.length === 0 || articles.length === 0) return { stories, summary, changed: false, lessons }
  const nowIso = new Date(options.nowMs).toISOString()
  // A record is copied when this call first changes it; the others keep their identity (and the store its JSON of them).
  const updated = [...stories]
  const copies = new Set<StoryRecord>()
  const own = (story: StoryRecord, index: number): StoryRecord => {
    if (copies.has(story)) return story
    const copy = { ...story, counts: { ...story.counts } }
    copies.add(copy)
    updated[index] = copy
    return copy
  }
  const clusters = new Map<string, StoryCluster[]>()
  const dirtyClusters = new Set<string>()
  const newAlerts: { story: StoryRecord; cluster: StoryCluster; alert: Alert }[] = []
  const grownClusters = new Set<StoryCluster>()
  const matches: StoryMatchRecord[] = []
  let changed = false
  // One index over every story, built once: each article is analysed once and looked up once per distinct word.
  // Profiles adapted during this call take effect from the next call.
  const matcher = PROFILES.matcherFor(updated)
  // Oldest first, so a development's first reporter is the earliest report, whatever order the feeds came in.
  const ordered = [...articles].sort((a, b) => reportedAt(a).localeCompare(reportedAt(b)))

  for (const record of ordered) {
    const text = fullTextOf(record)
    // With labels when this call learns: the profile takes its new words' surface forms from the same analysis the
    // scorer used (labels cost a few µs an article; a second analysis of a matched one cost far more). Stories are
    // decided on the headline and lead; near-duplicates are still told apart on the whole text.
    const analysis = analyseArticle({ title: text.title, text: leadOf(text.text) }, options.adapt)
    const decisions = matcher.scoreAll(analysis)
    let signature: string | null = null
    for (let index = 0; index < updated.length; index++) {
      summary.scored++
      const match = decisions[index]
      const listed = updated[index]
      if (!match?.matched || listed === undefined) continue
      // The same article is matched (and alerted) once per story, whatever the retries and revisions.
      if (await deps.stories.getMatch(listed.id, record.id)) continue
      const story = own(listed, index)
      summary.matched++
      const sig = (signature ??= textSignature(`${text.title}\n${text.text}`))
      const storyClusters = clusters.get(story.id) ?? (await deps.stories.getClusters(story.id))
      clusters.set(story.id, storyClusters)
      const member: ClusterMember = { articleId: record.id, feedId: record.current.feedId, title: record.current.title, url: record.url, firstSeenAt: reportedAt(record) }
      const near = storyClusters.find((c) => isNearDuplicate(c.signature, sig))
      let cluster: StoryCluster
      if (near) {
        cluster = near
        // Kept in order of report (ties in order of arrival): a copy published earlier but polled later becomes the
        // development's first reporter. Its alert, already raised for the copy seen first, stays that copy's.
        near.members.push(member)
        near.members = inReportOrder(near.members)
        summary.grouped++
        if (near.alertId) grownClusters.add(near)
      } else {
        cluster = { clusterId: `dev_${(await sha256Hex(`${story.id}:${record.id}`)).slice(0, 16)}`, signature: sig, alertId: null, members: [member] }
        storyClusters.push(cluster)
        if (options.raiseAlerts) {
          const alert = await buildFollowUpAlert({ story, record, score: match.score, explanation: match.explanation, clusterId: cluster.clusterId, at: nowIso })
          cluster.alertId = alert.id
          newAlerts.push({ story, cluster, alert })
        }
      }
      dirtyClusters.add(story.id)
      matches.push(
        matchRecordFor(story.id, record, match, {
          matchedAt: options.via === 'backfill' ? reportedAt(record) : nowIso,
          clusterId: cluster.clusterId,
          via: options.via,
          relevant: null,
        }),
      )
      story.counts.matches++
      changed = true
      if (options.adapt) {
        // Adaptive tracking: a confirmed match teaches the profile the story's new vocabulary (bounded, decaying).
        const lesson: ProfileLesson = { storyId: story.id, analysis, nowMs: options.nowMs }
        story.profile = learnFrom(story.profile, lesson)
        lessons.push(lesson)
      }
    }
  }

  // Writes, in the order that keeps a crash harmless: alerts (each key once: a development's alert is raised with every
  // outlet of this run already listed), then the clusters that remember them, then the matches.
  for (const { story, cluster, alert } of newAlerts) {
    if (await deps.alerts.raise(withAlsoReportedBy(alert, cluster))) {
      summary.alertsRaised++
      story.counts.alerts++
    }
    grownClusters.delete(cluster)
  }
  for (const cluster of grownClusters) {
    if (cluster.alertId) await deps.alerts.amend(cluster.alertId, (a) => withAlsoReportedBy(a, cluster))
  }
  for (const storyId of dirtyClusters) await deps.stories.putClusters(storyId, clusters.get(storyId) ?? [])
  for (const match of matches) await deps.stories.putMatch(match)
  return { stories: updated, summary, changed, lessons }
}

/** One confirmed match a run taught a story's profile: applied again to the profile when the API changed it meanwhile. */
export interface ProfileLesson {
  storyId: string
  analysis: ArticleAnalysis
  nowMs: number
}

function learnFrom(profile: StoryProfile, lesson: ProfileLesson): StoryProfile {
  return adaptProfile(profile, lesson.analysis, { now: lesson.nowMs, relevant: true, source: 'match' })
}

/** What one run of followStories read and made, for merging into the registry as it stands at save time. */
export interface RunStories {
  /** The records as read (frozen, shared: a record that is still the same object was not changed meanwhile). */
  read: readonly StoryRecord[]
  /** The records the run started scoring from (with the default story when the run created it). */
  start: readonly StoryRecord[]
  /** The records the run ends with: counts moved, profiles adapted. */
  ours: readonly StoryRecord[]
  lessons: readonly ProfileLesson[]
}

/**
 * The registry to save: `latest` (read just before saving) with this run's work applied. A story unchanged since the
 * run read it takes the run's record. A story the API changed meanwhile (title, keywords, threshold, feedback) keeps
 * that change, gains the run's count increments, and its profile is the run's when the API left the profile as it was,
 * else the API's with the run's lessons applied to it again. A story created meanwhile is kept; one deleted meanwhile
 * stays deleted.
 */
export function mergeIntoLatest(run: RunStories, latest: readonly StoryRecord[]): StoryRecord[] {
  const byId = (list: readonly StoryRecord[]) => new Map(list.map((s) => [s.id, s]))
  const read = byId(run.read)
  const start = byId(run.start)
  const ours = byId(run.ours)
  return latest.map((story) => {
    const mine = ours.get(story.id)
    const before = start.get(story.id)
    if (mine === undefined || before === undefined) return story
    if (read.get(story.id) === story) return mine
    const lessons = run.lessons.filter((l) => l.storyId === story.id)
    const profile = lessons.length === 0 ? story.profile : sameJson(story.profile, before.profile) ? mine.profile : lessons.reduce(learnFrom, story.profile)
    const moved = (key: keyof StoryRecord['counts']) => story.counts[key] + mine.counts[key] - before.counts[key]
    return {
      ...story,
      profile,
      counts: { matches: moved('matches'), alerts: moved('alerts'), feedbackRelevant: moved('feedbackRelevant'), feedbackIrrelevant: moved('feedbackIrrelevant') },
    }
  })
}

/** When an article was reported: its publication time, else when we first saw it. */
function reportedAt(record: ArticleRecord): string {
  return record.publishedAt ?? record.firstSeenAt
}

/** Cluster members in order of report (publication, else first sight), earliest first; a stable sort keeps ties in arrival order. */
function inReportOrder(members: readonly ClusterMember[]): ClusterMember[] {
  const at = (m: ClusterMember): number => {
    const ms = Date.parse(m.firstSeenAt)
    return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY
  }
  return [...members].sort((a, b) => {
    const x = at(a)
    const y = at(b)
    return x === y ? 0 : x < y ? -1 : 1
  })
}

/**
 * The alert of a development, listing every other outlet that reported it, earliest first and once each: never the
 * alert's own article or feed. The alert belongs to the copy seen first, which need not be the cluster's first member
 * (an earlier copy can reach us a tick later, and an alert once raised is not taken back).
 */
function withAlsoReportedBy(alert: Alert, cluster: StoryCluster): Alert {
  const seen = new Set([alert.feedId])
  const others: ClusterMember[] = []
  for (const m of cluster.members) {
    if (m.articleId === alert.articleId || seen.has(m.feedId)) continue
    seen.add(m.feedId)
    others.push({ ...m })
  }
  return { ...alert, alsoReportedBy: others }
}

/** How long after publication an article may first reach us and still be news. */
const OLD_NEWS_MS = 48 * 60 * 60 * 1000

function isOldNews(record: ArticleRecord): boolean {
  if (record.publishedAt === null) return false
  return Date.parse(record.firstSeenAt) - Date.parse(record.publishedAt) > OLD_NEWS_MS
}

/**
 * Story tracking for one invocation's new and revised articles: reads the story registry only when there is something
 * to score, creates the default story on the first such run (when enabled), and saves profiles once, merged into the
 * registry as it stands just before the save (see mergeIntoLatest). A run that fails keeps its articles in the pending
 * list (`stories:pending`); the next run with something to score and a story to score it against scores them with its
 * own and then takes them off the list. Every failure is contained: it shows as `error`.
 */
export async function followStories(
  deps: StoryDeps & { settings: { seedDefaultStory: boolean }; articles: Pick<ArticleStore, 'get'>; kv: KVNamespace },
  given: readonly ArticleRecord[],
  nowMs: number,
  givenQuiet: readonly ArticleRecord[] = [],
): Promise<FollowSummary> {
  const empty: FollowSummary = { scored: 0, matched: 0, alertsRaised: 0, grouped: 0, retried: 0, error: null }
  if (given.length === 0 && givenQuiet.length === 0) return empty
  const pending = new PendingStoryStore(deps.kv)
  try {
    const read = await deps.stories.list()
    let stories = read === null ? null : PROFILES.intern(read)
    let created = false
    if (stories === null) {
      stories = deps.settings.seedDefaultStory ? [await defaultStoryRecord(new Date(nowMs).toISOString())] : []
      created = stories.length > 0
    }
    // Articles an earlier run failed to score join this run's; the list is read only when there is a story to score
    // them against (with none, there is nothing to follow up, and a story created later backfills stored coverage).
    const waiting = stories.length > 0 ? await loadPending(deps.articles, pending, [...given, ...givenQuiet], nowMs) : NOTHING_WAITING
    const news = [...given, ...waiting.news]
    // An article we first see long after it was published is old news (a back catalogue reaching us late), not a new
    // development: it is recorded as a match without an alert, like a feed's first poll.
    const articles = news.filter((a) => !isOldNews(a))
    const quiet = [...givenQuiet, ...waiting.quiet, ...news.filter(isOldNews)]
    // A feed's first poll brings its back catalogue: recorded as matches, not alerted as news.
    const backlog = await trackStories(deps, stories, quiet, { nowMs, raiseAlerts: false, adapt: false, via: 'backfill' })
    const result = await trackStories(deps, backlog.stories, articles, { nowMs, raiseAlerts: true, adapt: true, via: 'tick' })
    if (result.changed || backlog.changed || created) {
      // KV has no compare-and-set: the API may have created, changed or deleted stories (or taken feedback) while this
      // run scored. Reading the registry again just before saving narrows the window in which such an edit is
      // overwritten to this read and the write; the store answers an unchanged text without parsing it again. KV shows
      // a write at once only where it was made: an edit made through another location can stay hidden from this read
      // for up to its cache TTL (60 s), and is then lost, as before.
      const latest = await deps.stories.list()
      const merged = latest === null ? result.stories : mergeIntoLatest({ read: read ?? [], start: stories, ours: result.stories, lessons: result.lessons }, latest)
      await deps.stories.save(merged)
      PROFILES.remember(merged)
    }
    // Only now that they are scored (alerts, clusters, matches and the registry stored) do they leave the list. Should
    // that fail, they are scored again by a later run: harmless (alert and match ids are deterministic), so not an error.
    try {
      await pending.remove(waiting.done)
    } catch (err) {
      console.error(`pipeline: ${waiting.done.size} scored articles could not be taken off the pending list; a later run scores them again`, err)
    }
    return {
      scored: backlog.summary.scored + result.summary.scored,
      matched: backlog.summary.matched + result.summary.matched,
      alertsRaised: result.summary.alertsRaised,
      grouped: backlog.summary.grouped + result.summary.grouped,
      retried: waiting.news.length + waiting.quiet.length,
      error: null,
    }
  } catch (err) {
    // Story tracking must not take the tick down with it; the failure shows in the tick summary, and the run's
    // articles wait in the pending list for the next run that has something to score.
    console.error('pipeline: story tracking failed', err)
    const kept = await keepForRetry(pending, given, givenQuiet)
    return { ...empty, error: `pipeline: story tracking failed (see logs); ${kept ? 'its articles will be scored by the next run' : 'its articles are lost'}` }
  }
}

/** What followStories did: the scoring, the articles of earlier failed runs it scored, and whether it failed. */
export interface FollowSummary extends StorySummary {
  /** Articles an earlier run failed to score, scored by this one (they have left the pending list). */
  retried: number
  error: string | null
}

/**
 * Pending articles scored by one run at most: a long list (after hours of failures) is worked off over several runs,
 * each well inside an invocation's KV operations (one read per article, plus its match markers).
 */
const PENDING_PER_RUN = 100

interface Waiting {
  /** Pending articles scored as news: they may still raise their alert. */
  news: ArticleRecord[]
  /** Pending articles scored as a back catalogue: matches recorded, no alert. */
  quiet: ArticleRecord[]
  /** The ids this run takes off the list once it has scored. */
  done: ReadonlySet<string>
}

const NOTHING_WAITING: Waiting = { news: [], quiet: [], done: new Set() }

/**
 * The pending articles this run scores: up to PENDING_PER_RUN of the oldest, read from the article store. One this run
 * already has is scored with the run's own; one no longer stored is dropped. An article that waited past OLD_NEWS_MS
 * since we first saw it is no longer news: recorded as a match without an alert, like a late back catalogue.
 */
async function loadPending(articles: Pick<ArticleStore, 'get'>, store: PendingStoryStore, given: readonly ArticleRecord[], nowMs: number): Promise<Waiting> {
  const list = await store.list()
  if (list.length === 0) return NOTHING_WAITING
  const givenIds = new Set(given.map((a) => a.id))
  const done = new Set<string>()
  const toLoad: PendingArticle[] = []
  for (const entry of list) {
    if (givenIds.has(entry.articleId)) done.add(entry.articleId)
    else if (toLoad.length < PENDING_PER_RUN) toLoad.push(entry)
  }
  const records = await mapLimit(toLoad, 16, (entry) => articles.get(entry.articleId))
  const waiting = { news: [] as ArticleRecord[], quiet: [] as ArticleRecord[], done }
  for (const [i, entry] of toLoad.entries()) {
    done.add(entry.articleId)
    const record = records[i]
    if (!record) {
      console.error(`stories: pending article ${entry.articleId} is no longer stored; dropped from the pending list`)
      continue
    }
    if (entry.quiet || nowMs - Date.parse(record.firstSeenAt) > OLD_NEWS_MS) waiting.quiet.push(record)
    else waiting.news.push(record)
  }
  return waiting
}

/** Adds a failed run's articles to the pending list; false (logged) when even that fails: those articles are lost. */
async function keepForRetry(store: PendingStoryStore, news: readonly ArticleRecord[], quiet: readonly ArticleRecord[]): Promise<boolean> {
  const entries: PendingArticle[] = [...news.map((a) => ({ articleId: a.id, quiet: false })), ...quiet.map((a) => ({ articleId: a.id, quiet: true }))]
  try {
    await store.add(entries)
    return true
  } catch (err) {
    console.error(`pipeline: ${entries.length} articles could not be kept for a later run of story tracking; they will not be scored`, err)
    return false
  }
}

// --- Profiles across runs ---------------------------------------------------------------------------------------

/**
 * Story profiles and the matcher over them, kept across runs for the life of the isolate. The matcher's compiled form
 * of a profile is cached by object identity (score-article, lexical-score), and every run reads the registry afresh:
 * a profile read again unchanged is swapped for the object seen before, so its compiled form is reused, and while
 * every profile is the same object the matcher itself is. Comparing the values costs less than compiling twenty
 * profiles. Bounded by the number of stories.
 */
export class ProfileCache {
  private readonly known = new Map<string, StoryProfile>()
  /** Profiles with a story's own threshold, per threshold, so they keep their identity (and compiled form) too. */
  private readonly thresholded = new WeakMap<StoryProfile, Map<number, StoryProfile>>()
  private last: { profiles: readonly StoryProfile[]; matcher: StoryMatcher } | null = null

  /** `stories` with every profile equal to the one seen last for its story replaced by that object. */
  intern(stories: StoryRecord[]): StoryRecord[] {
    const ids = new Set(stories.map((s) => s.id))
    for (const id of this.known.keys()) if (!ids.has(id)) this.known.delete(id)
    return stories.map((story) => {
      const known = this.known.get(story.id)
      // The store hands out the same frozen record for a registry text it has seen: keep it, and its identity.
      if (known === story.profile) return story
      // Every adaptation moves `updates`: a cheap first look that spares the full comparison of a changed profile.
      const maybeSame = known !== undefined && known.updates === story.profile.updates && known.updatedAt === story.profile.updatedAt
      if (known !== undefined && maybeSame && sameJson(known, story.profile)) return { ...story, profile: known }
      this.known.set(story.id, story.profile)
      return story
    })
  }

  /** Records the profiles a run saved: the next run reads them back. */
  remember(stories: readonly StoryRecord[]): void {
    for (const story of stories) this.known.set(story.id, story.profile)
  }

  /** The matcher over the stories' profiles (with their own thresholds), built again only when one of them changed. */
  matcherFor(stories: readonly StoryRecord[]): StoryMatcher {
    const profiles = stories.map((s) => this.withThreshold(s.profile, s.threshold))
    const last = this.last
    if (last !== null && last.profiles.length === profiles.length && last.profiles.every((p, i) => p === profiles[i])) return last.matcher
    const matcher = new StoryMatcher(profiles, DEFAULT_BACKGROUND, 'matches')
    this.last = { profiles, matcher }
    return matcher
  }

  private withThreshold(profile: StoryProfile, threshold: number | null): StoryProfile {
    if (threshold === null) return profile
    let byThreshold = this.thresholded.get(profile)
    if (byThreshold === undefined) this.thresholded.set(profile, (byThreshold = new Map()))
    let copy = byThreshold.get(threshold)
    if (copy === undefined) byThreshold.set(threshold, (copy = { ...profile, threshold }))
    return copy
  }
}

/** This isolate's cache: every run of followStories and trackStories goes through it. */
const PROFILES = new ProfileCache()

/** Deep equality of two JSON values (what KV gives back): equal primitives, arrays element by element, objects key by key. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const isArray = Array.isArray(a)
  if (isArray !== Array.isArray(b)) return false
  if (isArray) {
    const x = a as unknown[]
    const y = b as unknown[]
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false
    return true
  }
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  // for…in rather than Object.keys: no arrays allocated for the thousands of small objects in twenty profiles.
  let keys = 0
  for (const key in x) {
    keys++
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false
  }
  for (const _key in y) keys--
  return keys === 0
}
