// Builds alerts with deterministic ids (pure): the same change seen twice is one alert.
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import type { Alert, FieldChange } from '../model/alert'
import { explanationHighlights } from '../model/alert'
import type { RevisionAnalysis } from '../revisions/classify-revision'
import { sha256Hex } from '../core/hash'

const FIELD_LABELS: Record<FieldChange['field'], string> = { title: 'headline', summary: 'standfirst', content: 'body', author: 'byline', url: 'URL' }

/**
 * Id of a revision alert: a function of the article, the version it supersedes and the two contents, never of the
 * time it was seen. Retried or overlapping ticks read the same version count and agree; an A → B → A → B flip-flop
 * gets a new id for each change.
 */
export async function revisionAlertId(articleId: string, fromVersion: number, fromHash: string, toHash: string): Promise<string> {
  return `rev_${(await sha256Hex(`revision:${articleId}:${fromVersion}:${fromHash}:${toHash}`)).slice(0, 24)}`
}

/** One-line human summary of a revision: which fields changed and by how many words. */
export function describeRevision(changes: readonly FieldChange[]): string {
  return changes
    .map((c) => {
      if (c.field === 'title') return `headline changed from "${c.before}" to "${c.after}"`
      if (c.field === 'author' || c.field === 'url') return `${FIELD_LABELS[c.field]} changed`
      return `${FIELD_LABELS[c.field]} edited (+${c.wordsAdded}/-${c.wordsRemoved} words)`
    })
    .join('; ')
}

/** The revision alert for `next` superseding `previous` (version `fromVersion` → `fromVersion + 1`). */
export async function buildRevisionAlert(input: {
  previous: ArticleSnapshot
  next: ArticleSnapshot
  fromVersion: number
  analysis: RevisionAnalysis
}): Promise<Alert> {
  const { previous, next, fromVersion, analysis } = input
  const changes: FieldChange[] = analysis.fields.map((f) => ({
    field: f.field,
    before: f.before,
    after: f.after,
    ops: f.ops,
    wordsAdded: f.wordsAdded,
    wordsRemoved: f.wordsRemoved,
  }))
  return {
    id: await revisionAlertId(next.articleId, fromVersion, previous.rawHash, next.rawHash),
    type: 'revision',
    createdAt: next.capturedAt,
    articleId: next.articleId,
    feedId: next.feedId,
    title: next.title,
    url: next.url,
    summary: describeRevision(changes),
    fromVersion,
    toVersion: fromVersion + 1,
    changes,
    classification: analysis.classification,
    significance: analysis.significance,
  }
}

/** The one `removed` alert of an article whose page started answering 404/410. */
export async function buildRemovedAlert(record: ArticleRecord, status: number, at: string): Promise<Alert> {
  return {
    id: `rem_${(await sha256Hex(`removed:${record.id}`)).slice(0, 24)}`,
    type: 'removed',
    createdAt: at,
    articleId: record.id,
    feedId: record.current.feedId,
    title: record.current.title,
    url: record.url,
    summary: `article page now answers ${status}: removed or unpublished`,
    status,
  }
}

/** Id of a follow-up alert: one per (story, article), however often the article is seen or revised. */
export async function followUpAlertId(storyId: string, articleId: string): Promise<string> {
  return `fup_${(await sha256Hex(`follow_up:${storyId}:${articleId}`)).slice(0, 24)}`
}

/** The follow-up alert of an article that matched a story, with why it matched. */
export async function buildFollowUpAlert(input: {
  story: { id: string; title: string }
  record: ArticleRecord
  score: number
  explanation: { terms: { term: string }[]; entities: string[]; phrases: string[] }
  clusterId: string
  at: string
}): Promise<Alert> {
  const { story, record, explanation } = input
  const terms = explanation.terms.map((t) => t.term)
  const why = explanationHighlights({ terms, entities: explanation.entities, phrases: explanation.phrases })
  return {
    id: await followUpAlertId(story.id, record.id),
    type: 'follow_up',
    createdAt: input.at,
    articleId: record.id,
    feedId: record.current.feedId,
    title: record.current.title,
    url: record.url,
    summary: `Follow-up on "${story.title}" (score ${input.score.toFixed(2)}): ${why.join(', ')}`,
    storyId: story.id,
    storyTitle: story.title,
    score: input.score,
    explanation: { terms, entities: explanation.entities, phrases: explanation.phrases },
    clusterId: input.clusterId,
    alsoReportedBy: [],
  }
}
