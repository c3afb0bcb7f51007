// Builds a digest from alerts (pure): follow-ups grouped by story, then revisions ranked, then removals; subject with counts.
import { explanationHighlights } from '../model/alert'
import type { Alert, AlertType } from '../model/alert'

/** Bumped when the digest model changes shape (previews are served as JSON). */
export const DIGEST_MODEL_VERSION = 1

/** Story titles longer than this are cut in the subject line, which mail clients truncate anyway. */
const MAX_SUBJECT_TITLE_CHARS = 60
/** Subjects name each story's title up to this many stories, then just count them. */
const MAX_STORIES_NAMED_IN_SUBJECT = 2

export interface DigestLink {
  title: string
  url: string
  feedId: string
}

export interface DigestFollowUp {
  alertId: string
  createdAt: string
  articleId: string
  title: string
  url: string
  feedId: string
  score: number | null
  /** Why it matched: phrases, terms and entities, most telling first. */
  why: string[]
  /** The development (near-duplicate cluster) this article starts, and the other outlets reporting it. */
  clusterId: string | null
  alsoReportedBy: DigestLink[]
}

export interface DigestStorySection {
  storyId: string
  storyTitle: string
  /** Oldest first: the story as it developed. */
  followUps: DigestFollowUp[]
}

export interface DigestRevision {
  alertId: string
  createdAt: string
  articleId: string
  title: string
  url: string
  feedId: string
  classification: string | null
  significance: number
  /** Set when the headline changed: the one thing an editor reads first. */
  headline: { before: string; after: string } | null
  summary: string
  fromVersion: number | null
  toVersion: number | null
}

export interface DigestRemoval {
  alertId: string
  createdAt: string
  articleId: string
  title: string
  url: string
  feedId: string
  status: number | null
}

export interface DigestCounts {
  followUps: number
  revisions: number
  removed: number
  total: number
}

/** The digest as a versioned DTO: what is rendered to HTML and text, and what a preview shows. */
export interface DigestModel {
  version: typeof DIGEST_MODEL_VERSION
  id: string
  period: string
  /** The alerts covered: createdAt in (from, to]. */
  window: { from: string; to: string }
  subject: string
  counts: DigestCounts
  stories: DigestStorySection[]
  revisions: DigestRevision[]
  removed: DigestRemoval[]
  newestAlertAt: string
  alertIds: string[]
}

/** What a subscriber asked for. */
export interface DigestFilter {
  types: readonly AlertType[]
  storyIds: readonly string[]
}

/**
 * The alerts of one subscriber's digest: created in (from, to], of the wanted types, each once. With story filters,
 * follow-ups must be on those stories, and revisions and removals must be of articles matched to them
 * (`relatedArticleIds`, looked up by the caller).
 */
export function selectDigestAlerts(
  alerts: readonly Alert[],
  filter: DigestFilter,
  window: { from: string; to: string },
  relatedArticleIds: ReadonlySet<string>,
): Alert[] {
  const fromMs = Date.parse(window.from)
  const toMs = Date.parse(window.to)
  const seen = new Set<string>()
  return alerts.filter((a) => {
    const at = Date.parse(a.createdAt)
    if (!(at > fromMs && at <= toMs) || seen.has(a.id)) return false
    if (filter.types.length > 0 && !filter.types.includes(a.type)) return false
    if (filter.storyIds.length > 0) {
      const onStory = a.type === 'follow_up' ? a.storyId !== undefined && filter.storyIds.includes(a.storyId) : relatedArticleIds.has(a.articleId)
      if (!onStory) return false
    }
    seen.add(a.id)
    return true
  })
}

function byTime(a: { createdAt: string; alertId: string }, b: { createdAt: string; alertId: string }): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.alertId.localeCompare(b.alertId)
}

function toFollowUp(a: Alert): DigestFollowUp {
  const ex = a.explanation
  const why = ex ? explanationHighlights(ex) : []
  return {
    alertId: a.id,
    createdAt: a.createdAt,
    articleId: a.articleId,
    title: a.title,
    url: a.url,
    feedId: a.feedId,
    score: a.score ?? null,
    why,
    clusterId: a.clusterId ?? null,
    alsoReportedBy: (a.alsoReportedBy ?? []).map((m) => ({ title: m.title, url: m.url, feedId: m.feedId })),
  }
}

function toRevision(a: Alert): DigestRevision {
  const title = a.changes?.find((c) => c.field === 'title')
  return {
    alertId: a.id,
    createdAt: a.createdAt,
    articleId: a.articleId,
    title: a.title,
    url: a.url,
    feedId: a.feedId,
    classification: a.classification ?? null,
    significance: a.significance ?? 0,
    headline: title ? { before: title.before, after: title.after } : null,
    summary: a.summary,
    fromVersion: a.fromVersion ?? null,
    toVersion: a.toVersion ?? null,
  }
}

/** Headline changes first, then by significance, then newest first. */
function revisionRank(a: DigestRevision, b: DigestRevision): number {
  const headline = (r: DigestRevision): number => (r.headline !== null || r.classification === 'headline' ? 1 : 0)
  return headline(b) - headline(a) || b.significance - a.significance || -byTime(a, b)
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

function shortTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim()
  return t.length <= MAX_SUBJECT_TITLE_CHARS ? t : `${t.slice(0, MAX_SUBJECT_TITLE_CHARS - 1).trimEnd()}…`
}

/** `Storywatch: 3 follow-ups on "Grooming gangs inquiry", 5 revisions, 1 article removed`. */
export function digestSubject(stories: readonly DigestStorySection[], counts: DigestCounts): string {
  const parts: string[] = []
  if (stories.length > MAX_STORIES_NAMED_IN_SUBJECT) {
    parts.push(`${plural(counts.followUps, 'follow-up', 'follow-ups')} on ${stories.length} stories`)
  } else {
    for (const s of stories) parts.push(`${plural(s.followUps.length, 'follow-up', 'follow-ups')} on "${shortTitle(s.storyTitle)}"`)
  }
  if (counts.revisions > 0) parts.push(plural(counts.revisions, 'revision', 'revisions'))
  if (counts.removed > 0) parts.push(`${plural(counts.removed, 'article', 'articles')} removed`)
  return `Storywatch: ${parts.join(', ')}`
}

/** The digest of `alerts` (already selected), or null when there is nothing to say: there is never an empty digest. */
export function buildDigest(input: { id: string; period: string; window: { from: string; to: string }; alerts: readonly Alert[] }): DigestModel | null {
  const { alerts } = input
  if (alerts.length === 0) return null
  const sections = new Map<string, DigestStorySection>()
  const revisions: DigestRevision[] = []
  const removed: DigestRemoval[] = []
  for (const a of alerts) {
    switch (a.type) {
      case 'follow_up': {
        const storyId = a.storyId ?? 'unknown'
        let section = sections.get(storyId)
        if (!section) {
          section = { storyId, storyTitle: a.storyTitle ?? storyId, followUps: [] }
          sections.set(storyId, section)
        }
        section.followUps.push(toFollowUp(a))
        break
      }
      case 'revision':
        revisions.push(toRevision(a))
        break
      case 'removed':
        removed.push({ alertId: a.id, createdAt: a.createdAt, articleId: a.articleId, title: a.title, url: a.url, feedId: a.feedId, status: a.status ?? null })
        break
      default: {
        const never: never = a.type
        throw new Error(`digests: unknown alert type ${String(never)}`)
      }
    }
  }
  const stories = [...sections.values()]
  for (const s of stories) s.followUps.sort(byTime)
  // The busiest story leads; ties by title so the order is stable.
  stories.sort((a, b) => b.followUps.length - a.followUps.length || a.storyTitle.localeCompare(b.storyTitle))
  revisions.sort(revisionRank)
  removed.sort(byTime)
  const followUps = stories.reduce((n, s) => n + s.followUps.length, 0)
  const counts: DigestCounts = { followUps, revisions: revisions.length, removed: removed.length, total: followUps + revisions.length + removed.length }
  const newest = alerts.reduce((max, a) => (Date.parse(a.createdAt) > Date.parse(max) ? a.createdAt : max), alerts[0]?.createdAt ?? input.window.from)
  return {
    version: DIGEST_MODEL_VERSION,
    id: input.id,
    period: input.period,
    window: { ...input.window },
    subject: digestSubject(stories, counts),
    counts,
    stories,
    revisions,
    removed,
    newestAlertAt: newest,
    alertIds: alerts.map((a) => a.id),
  }
}
