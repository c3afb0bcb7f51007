// Builds Alert values for digest tests: every field plausible unless the test names it.
import type { Alert } from '../../src/model/alert'

let n = 0

/** A follow-up on `storyId`, created at `createdAt`. */
export function followUp(createdAt: string, fields: Partial<Alert> = {}): Alert {
  n++
  return {
    id: `fup_${String(n).padStart(24, '0')}`,
    type: 'follow_up',
    createdAt,
    articleId: `a${String(n).padStart(19, '0')}`,
    feedId: 'feed-a',
    title: `Follow-up article ${n}`,
    url: `https://news-a.example.com/news/follow-up-${n}`,
    summary: `Follow-up on "Grooming gangs inquiry"`,
    storyId: 'grooming-gangs-inquiry',
    storyTitle: 'Grooming gangs inquiry',
    score: 0.8,
    explanation: { terms: ['inquiri'], entities: ['Casey'], phrases: ['national inquiry'] },
    clusterId: `dev_${n}`,
    alsoReportedBy: [],
    ...fields,
  }
}

/** A revision alert (body edit unless `changes` says otherwise). */
export function revision(createdAt: string, fields: Partial<Alert> = {}): Alert {
  n++
  return {
    id: `rev_${String(n).padStart(24, '0')}`,
    type: 'revision',
    createdAt,
    articleId: `b${String(n).padStart(19, '0')}`,
    feedId: 'feed-b',
    title: `Revised article ${n}`,
    url: `https://news-b.example.org/news/revised-${n}`,
    summary: 'body edited (+12/-3 words)',
    fromVersion: 1,
    toVersion: 2,
    changes: [{ field: 'content', before: 'old', after: 'new', ops: null, wordsAdded: 12, wordsRemoved: 3 }],
    classification: 'body_edit',
    significance: 0.3,
    ...fields,
  }
}

/** A removed-article alert. */
export function removal(createdAt: string, fields: Partial<Alert> = {}): Alert {
  n++
  return {
    id: `rem_${String(n).padStart(24, '0')}`,
    type: 'removed',
    createdAt,
    articleId: `c${String(n).padStart(19, '0')}`,
    feedId: 'feed-a',
    title: `Removed article ${n}`,
    url: `https://news-a.example.com/news/removed-${n}`,
    summary: 'article page now answers 404: removed or unpublished',
    status: 404,
    ...fields,
  }
}
