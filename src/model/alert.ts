// Alert types: what the newsroom is told.

export type AlertType = 'revision' | 'follow_up' | 'removed'

export type DiffOp = { op: 'equal' | 'insert' | 'delete'; text: string }

export type RevisableField = 'title' | 'summary' | 'content' | 'author' | 'url'

export interface FieldChange {
  field: RevisableField
  before: string
  after: string
  /** Word-level diff; null when the bound was exceeded (the change is too large to diff cheaply). */
  ops: DiffOp[] | null
  wordsAdded: number
  wordsRemoved: number
}

export interface Alert {
  /** Deterministic: the same change seen twice yields the same id. */
  id: string
  type: AlertType
  createdAt: string
  articleId: string
  feedId: string
  title: string
  url: string
  summary: string
  /** For revisions: version numbers compared and the fields that changed. */
  fromVersion?: number
  toVersion?: number
  changes?: FieldChange[]
  /** Revision label (e.g. headline, body_edit, correction, rewritten) and its 0..1 significance. */
  classification?: string
  significance?: number
  /** For `removed`: the HTTP status the article page started answering. */
  status?: number
  /** For `follow_up`: the story, the match score and why, the development's cluster and the other outlets. */
  storyId?: string
  storyTitle?: string
  score?: number
  explanation?: { terms: string[]; entities: string[]; phrases: string[] }
  clusterId?: string
  alsoReportedBy?: { articleId: string; feedId: string; title: string; url: string; firstSeenAt: string }[]
}

/** The few words that best say why a follow-up matched: its top phrases, terms and names, each once. */
export function explanationHighlights(explanation: { terms: string[]; entities: string[]; phrases: string[] }): string[] {
  return [...new Set([...explanation.phrases.slice(0, 3), ...explanation.terms.slice(0, 4), ...explanation.entities.slice(0, 3)])]
}
