// Builds alerts with deterministic ids (pure): the same change seen twice is one alert.
import type { ArticleSnapshot } from '../model/article'
import type { Alert, FieldChange } from '../model/alert'
import { sha256Hex } from '../core/hash'

const FIELD_LABELS: Record<FieldChange['field'], string> = { title: 'headline', summary: 'summary', content: 'body' }

/**
 * Id of a revision alert: a function of the article, the version it supersedes and the two contents, never of the
 * time it was seen. Retried or overlapping ticks read the same version count and agree; an A → B → A → B flip-flop
 * gets a new id for each change.
 */
export async function revisionAlertId(articleId: string, fromVersion: number, fromHash: string, toHash: string): Promise<string> {
  return `rev_${(await sha256Hex(`revision:${articleId}:${fromVersion}:${fromHash}:${toHash}`)).slice(0, 24)}`
}

/** One-line human summary of a revision: which fields changed and by how many words. */
export function describeRevision(changes: FieldChange[]): string {
  const parts = changes.map((c) => {
    const label = FIELD_LABELS[c.field]
    if (c.field === 'title') return `headline changed from "${c.before}" to "${c.after}"`
    return `${label} edited (+${c.wordsAdded}/-${c.wordsRemoved} words)`
  })
  return parts.join('; ')
}

/** The revision alert for `next` superseding `previous` (version `fromVersion` → `fromVersion + 1`). */
export async function buildRevisionAlert(input: {
  previous: ArticleSnapshot
  next: ArticleSnapshot
  fromVersion: number
  changes: FieldChange[]
}): Promise<Alert> {
  const { previous, next, fromVersion, changes } = input
  return {
    id: await revisionAlertId(next.articleId, fromVersion, previous.contentHash, next.contentHash),
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
  }
}
