// Decides whether a newly captured snapshot revises the stored one, and which fields changed (pure).
import type { ArticleSnapshot } from '../model/article'
import type { FieldChange, RevisableField } from '../model/alert'
import { normaliseForCompare } from '../core/normalise-text'
import { wordDiff } from './word-diff'

export type RevisionDetection = { kind: 'same' } | { kind: 'revised'; changes: FieldChange[] }

const FIELDS: readonly RevisableField[] = ['title', 'summary', 'content']

/**
 * Compares two versions of one article field by field. Texts are compared after normaliseForCompare, so
 * whitespace, typographic quotes and markup re-serialisation are not revisions; diffs are shown on the stored text.
 */
export function detectRevision(previous: ArticleSnapshot, next: ArticleSnapshot): RevisionDetection {
  if (previous.contentHash === next.contentHash) return { kind: 'same' }
  const changes: FieldChange[] = []
  for (const field of FIELDS) {
    const before = previous[field]
    const after = next[field]
    if (normaliseForCompare(before) === normaliseForCompare(after)) continue
    const diff = wordDiff(before, after)
    changes.push({ field, before, after, ops: diff.ops, wordsAdded: diff.wordsAdded, wordsRemoved: diff.wordsRemoved })
  }
  return changes.length === 0 ? { kind: 'same' } : { kind: 'revised', changes }
}
