// Wire formats of the API (version 1): explicit DTOs built by pure functions; internal records never leak as-is.
import type { FeedConfig, FeedState } from '../model/feed'
import type { ArticleRecord, ArticleSnapshot, VersionSummary } from '../model/article'
import type { Alert, FieldChange } from '../model/alert'

export interface FeedDto {
  id: string
  url: string
  title: string | null
  intervalMinutes: number
  addedAt: string
  source: FeedConfig['source']
  fetchArticles: boolean
  articleSelector: string | null
  minChangeWords: number
  headlineOnly: boolean
  status: {
    lastCheckedAt: string | null
    lastSuccessAt: string | null
    lastChangedAt: string | null
    errorCount: number
    consecutiveFailures: number
    lastError: { code: string; message: string; at: string } | null
    retryAt: string | null
    itemsInFeed: number
    extractionProblems: number
    lastExtractionProblem: { articleId: string; url: string; message: string; at: string } | null
    failingSince: string | null
    disabled: { reason: string; at: string } | null
    /** The publisher's own polling hint (<ttl>, max-age, Expires), when longer than the feed's interval. */
    minIntervalMinutes: number | null
  }
}

/** `lastCheckedAt` may be newer than the stored one: unchanged polls write nothing, so the caller derives it. */
export function toFeedDto(feed: FeedConfig, state: FeedState | null, lastCheckedAt: string | null): FeedDto {
  return {
    id: feed.id,
    url: feed.url,
    title: feed.title ?? state?.feedTitle ?? null,
    intervalMinutes: feed.intervalMinutes,
    addedAt: feed.addedAt,
    source: feed.source,
    fetchArticles: feed.fetchArticles,
    articleSelector: feed.articleSelector,
    minChangeWords: feed.minChangeWords,
    headlineOnly: feed.headlineOnly,
    status: {
      lastCheckedAt,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastChangedAt: state?.lastChangedAt ?? null,
      errorCount: state?.errorCount ?? 0,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      lastError: state?.lastError ?? null,
      retryAt: state?.retryAt ?? null,
      itemsInFeed: state ? Object.keys(state.items).length : 0,
      extractionProblems: state?.extractionProblems ?? 0,
      lastExtractionProblem: state?.lastExtractionProblem ?? null,
      failingSince: state?.failingSince ?? null,
      disabled: state?.disabled ?? null,
      minIntervalMinutes: state?.minIntervalMinutes ?? null,
    },
  }
}

export interface ArticleSummaryDto {
  id: string
  url: string
  title: string
  feedIds: string[]
  publishedAt: string | null
  firstSeenAt: string
  lastChangedAt: string
  versionCount: number
}

export function toArticleSummaryDto(record: ArticleRecord): ArticleSummaryDto {
  return {
    id: record.id,
    url: record.url,
    title: record.current.title,
    feedIds: record.feedIds,
    publishedAt: record.publishedAt,
    firstSeenAt: record.firstSeenAt,
    lastChangedAt: record.lastChangedAt,
    versionCount: record.versionCount,
  }
}

export interface SnapshotDto {
  url: string
  guid: string | null
  title: string
  summary: string
  content: string
  author: string | null
  categories: string[]
  publishedAt: string | null
  updatedAt: string | null
  feedId: string
  capturedAt: string
  source: 'feed' | 'page'
  contentHash: string
}

export function toSnapshotDto(s: ArticleSnapshot): SnapshotDto {
  return {
    url: s.url,
    guid: s.guid,
    title: s.title,
    summary: s.summary,
    content: s.content,
    author: s.author,
    categories: s.categories,
    publishedAt: s.publishedAt,
    updatedAt: s.updatedAt,
    feedId: s.feedId,
    capturedAt: s.capturedAt,
    source: s.source,
    contentHash: s.contentHash,
  }
}

export interface RevisionItemDto {
  n: number
  capturedAt: string
  source: 'feed' | 'page'
  title: string
  minor: boolean
  flipFlopOf: number | null
  changedFields: string[]
  classification: string | null
  significance: number
}

export function toRevisionItemDto(v: VersionSummary): RevisionItemDto {
  return {
    n: v.n,
    capturedAt: v.capturedAt,
    source: v.source,
    title: v.title,
    minor: v.minor,
    flipFlopOf: v.flipFlopOf,
    changedFields: v.changedFields,
    classification: v.classification,
    significance: v.significance,
  }
}

export interface ArticleDto extends ArticleSummaryDto {
  latest: SnapshotDto
}

export function toArticleDto(record: ArticleRecord): ArticleDto {
  return { ...toArticleSummaryDto(record), latest: toSnapshotDto(record.current) }
}

export interface FieldChangeDto {
  field: FieldChange['field']
  before: string
  after: string
  ops: { op: 'equal' | 'insert' | 'delete'; text: string }[] | null
  wordsAdded: number
  wordsRemoved: number
}

export interface AlertDto {
  id: string
  type: Alert['type']
  createdAt: string
  articleId: string
  feedId: string
  title: string
  url: string
  summary: string
  fromVersion?: number
  toVersion?: number
  changes?: FieldChangeDto[]
  classification?: string
  significance?: number
  status?: number
  storyId?: string
  storyTitle?: string
  score?: number
  explanation?: { terms: string[]; entities: string[]; phrases: string[] }
  clusterId?: string
  alsoReportedBy?: { articleId: string; feedId: string; title: string; url: string; firstSeenAt: string }[]
}

export function toAlertDto(alert: Alert): AlertDto {
  const dto: AlertDto = {
    id: alert.id,
    type: alert.type,
    createdAt: alert.createdAt,
    articleId: alert.articleId,
    feedId: alert.feedId,
    title: alert.title,
    url: alert.url,
    summary: alert.summary,
  }
  if (alert.classification !== undefined) dto.classification = alert.classification
  if (alert.significance !== undefined) dto.significance = alert.significance
  if (alert.status !== undefined) dto.status = alert.status
  if (alert.storyId !== undefined) dto.storyId = alert.storyId
  if (alert.storyTitle !== undefined) dto.storyTitle = alert.storyTitle
  if (alert.score !== undefined) dto.score = alert.score
  if (alert.explanation) dto.explanation = { terms: [...alert.explanation.terms], entities: [...alert.explanation.entities], phrases: [...alert.explanation.phrases] }
  if (alert.clusterId !== undefined) dto.clusterId = alert.clusterId
  if (alert.alsoReportedBy) dto.alsoReportedBy = alert.alsoReportedBy.map((m) => ({ ...m }))
  if (alert.fromVersion !== undefined) dto.fromVersion = alert.fromVersion
  if (alert.toVersion !== undefined) dto.toVersion = alert.toVersion
  if (alert.changes) {
    dto.changes = alert.changes.map((c) => ({
      field: c.field,
      before: c.before,
      after: c.after,
      ops: c.ops ? c.ops.map((o) => ({ op: o.op, text: o.text })) : null,
      wordsAdded: c.wordsAdded,
      wordsRemoved: c.wordsRemoved,
    }))
  }
  return dto
}
