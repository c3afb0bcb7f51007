// Decides whether a newly captured snapshot revises the stored one, and which text fields changed (pure).
import type { ArticleSnapshot } from '../model/article'
import type { FieldChange, RevisableField } from '../model/alert'
import { classifyRevision, type RevisionAnalysis, type RevisionFields } from './classify-revision'

export type RevisionDetection = { kind: 'same' } | { kind: 'revised'; changes: FieldChange[]; analysis: RevisionAnalysis }

const TEXT_FIELDS: readonly RevisableField[] = ['title', 'summary', 'content']

/**
 * Compares two versions of one article's title, summary and content. Texts are compared after
 * normaliseForRevision, so whitespace, typographic quotes, markup re-serialisation and "Updated 5 minutes ago"
 * are not revisions; `before`, `after` and the bounded diff ops are on the normalised texts. The full analysis
 * (byline and URL too, sentences, classification, significance) comes along for callers that want it.
 */
export function detectRevision(previous: ArticleSnapshot, next: ArticleSnapshot): RevisionDetection {
  if (previous.contentHash === next.contentHash) return { kind: 'same' }
  const analysis = classifyRevision(toRevisionFields(previous), toRevisionFields(next))
  const changes: FieldChange[] = []
  for (const change of analysis.fields) {
    const field = TEXT_FIELDS.find((f) => f === change.field)
    if (field) changes.push({ ...change, field })
  }
  return changes.length === 0 ? { kind: 'same' } : { kind: 'revised', changes, analysis }
}

/** The revision-tracked fields of a snapshot. */
export function toRevisionFields(snapshot: ArticleSnapshot): RevisionFields {
  return { title: snapshot.title, summary: snapshot.summary, content: snapshot.content, author: snapshot.author, url: snapshot.url }
}
