// Orchestrator for story tracking: score new and revised articles against every story, group developments, alert.
import type { ArticleRecord } from '../model/article'
import type { Alert } from '../model/alert'
import type { AlertStore } from '../alerts/alert-store'
import type { StoryCluster, StoryMatchRecord, StoryRecord, StoryStore } from '../stories/story-store'
import { analyseArticle } from '../stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../stories/background-df'
import { StoryMatcher } from '../stories/story-matcher'
import { adaptProfile } from '../stories/adapt-profile'
import { isNearDuplicate, signature as textSignature } from '../stories/near-duplicate'
import { buildFollowUpAlert } from '../alerts/alert-model'
import { sha256Hex } from '../core/hash'
import { defaultStoryRecord } from '../stories/story-registry'

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

function articleText(record: ArticleRecord): { title: string; text: string } {
  const c = record.current
  return { title: c.title, text: [c.summary, c.content].filter((t) => t !== '').join('\n\n') }
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
  options: { nowMs: number; raiseAlerts: boolean; via: StoryMatchRecord['via'] },
): Promise<{ stories: StoryRecord[]; summary: StorySummary; changed: boolean }> {
  const summary: StorySummary = { scored: 0, matched: 0, alertsRaised: 0, grouped: 0 }
  if (stories.length === 0 || articles.length === 0) return { stories, summary, changed: false }
  const nowIso = new Date(options.nowMs).toISOString()
  const updated = stories.map((s) => ({ ...s, counts: { ...s.counts } }))
  const clusters = new Map<string, StoryCluster[]>()
  const dirtyClusters = new Set<string>()
  let changed = false
  // One index over every story, built once: each article is analysed once and looked up once per distinct word.
  // Profiles adapted during this call take effect from the next call.
  const matcher = new StoryMatcher(
    updated.map((s) => (s.threshold === null ? s.profile : { ...s.profile, threshold: s.threshold })),
    DEFAULT_BACKGROUND,
  )

  for (const record of articles) {
    const text = articleText(record)
    const analysis = analyseArticle(text)
    const decisions = matcher.scoreAll(analysis)
    let signature: string | null = null
    for (const [index, story] of updated.entries()) {
      summary.scored++
      const match = decisions[index]
      if (!match?.matched) continue
      // The same article is matched (and alerted) once per story, whatever the retries and revisions.
      if (await deps.stories.getMatch(story.id, record.id)) continue
      summary.matched++
      const sig = (signature ??= textSignature(`${text.title}\n${text.text}`))
      const storyClusters = clusters.get(story.id) ?? (await deps.stories.getClusters(story.id))
      clusters.set(story.id, storyClusters)
      const member = { articleId: record.id, feedId: record.current.feedId, title: record.current.title, url: record.url, firstSeenAt: record.firstSeenAt }
      const near = storyClusters.find((c) => isNearDuplicate(c.signature, sig))
      let cluster: StoryCluster
      if (near) {
        cluster = near
        near.members.push(member)
        summary.grouped++
        if (near.alertId && options.raiseAlerts) await deps.alerts.amend(near.alertId, (a) => withAlsoReportedBy(a, near))
      } else {
        cluster = { clusterId: `dev_${(await sha256Hex(`${story.id}:${record.id}`)).slice(0, 16)}`, signature: sig, alertId: null, members: [member] }
        storyClusters.push(cluster)
        if (options.raiseAlerts) {
          const alert = await buildFollowUpAlert({ story, record, score: match.score, explanation: match.explanation, clusterId: cluster.clusterId, at: nowIso })
          if (await deps.alerts.raise(alert)) {
            summary.alertsRaised++
            story.counts.alerts++
          }
          cluster.alertId = alert.id
        }
      }
      dirtyClusters.add(story.id)
      await deps.stories.putMatch({
        storyId: story.id,
        articleId: record.id,
        title: record.current.title,
        url: record.url,
        feedId: record.current.feedId,
        publishedAt: record.publishedAt,
        firstSeenAt: record.firstSeenAt,
        score: match.score,
        matchedAt: nowIso,
        explanation: { terms: match.explanation.terms.map((t) => t.term), entities: match.explanation.entities, phrases: match.explanation.phrases },
        clusterId: cluster.clusterId,
        via: options.via,
        relevant: null,
      })
      story.counts.matches++
      // Adaptive tracking: a confirmed match teaches the profile the story's new vocabulary (bounded, decaying).
      story.profile = adaptProfile(story.profile, analysis, { now: options.nowMs, relevant: true, source: 'match' })
      changed = true
    }
  }
  for (const storyId of dirtyClusters) await deps.stories.putClusters(storyId, clusters.get(storyId) ?? [])
  return { stories: updated, summary, changed }
}

/** The alert of a development, listing every other outlet that reported it. */
function withAlsoReportedBy(alert: Alert, cluster: StoryCluster): Alert {
  return { ...alert, alsoReportedBy: cluster.members.slice(1).map((m) => ({ ...m })) }
}

/**
 * Story tracking for one invocation's new and revised articles: reads the story registry only when there is something
 * to score, creates the default story on the first such run (when enabled), and saves profiles once.
 */
export async function followStories(
  deps: StoryDeps & { settings: { seedDefaultStory: boolean } },
  articles: readonly ArticleRecord[],
  nowMs: number,
): Promise<StorySummary> {
  const empty: StorySummary = { scored: 0, matched: 0, alertsRaised: 0, grouped: 0 }
  if (articles.length === 0) return empty
  let stories = await deps.stories.list()
  let created = false
  if (stories === null) {
    stories = deps.settings.seedDefaultStory ? [await defaultStoryRecord(new Date(nowMs).toISOString())] : []
    created = stories.length > 0
  }
  const result = await trackStories(deps, stories, articles, { nowMs, raiseAlerts: true, via: 'tick' })
  if (result.changed || created) await deps.stories.save(result.stories)
  return result.summary
}
