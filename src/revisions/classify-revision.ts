// Classifies one revision of an article: which fields changed, sentence changes, stats, a label and a score (pure).
import type { ArticleSnapshot } from '../model/article'
import type { DiffOp } from '../model/alert'
import { diffBody, type BodyDiffOptions, type SentenceChanges } from './body-diff'
import { normaliseForRevision } from '../core/normalise-for-revision'
import { scoreSignificance } from './significance'
import { countWords, wordDiff } from './word-diff'

export type { SentenceChanges } from './body-diff'

/** The fields of one version that revisions are tracked on. */
export interface RevisionFields {
  title: string
  summary: string
  content: string
  author: string | null
  url: string
}

export type RevisionField = keyof RevisionFields

/** One changed field; `before` and `after` are the texts as compared (normaliseForRevision), which `ops` rebuild. */
export interface RevisionFieldChange {
  field: RevisionField
  before: string
  after: string
  /** Word-level display diff; null when a bound was exceeded (shown as before and after whole). */
  ops: DiffOp[] | null
  wordsAdded: number
  wordsRemoved: number
}

export interface RevisionStats {
  /** Over title, summary and body (byline and URL changes are named in changedFields, not counted). */
  wordsAdded: number
  wordsRemoved: number
  bodyWordsBefore: number
  bodyWordsAfter: number
  /** (body words added + removed) / (body words before + after), 0..1; 1 when the bound was exceeded. */
  bodyChangedShare: number
  sentencesAdded: number
  sentencesDeleted: number
  sentencesEdited: number
  sentencesMoved: number
}

export type RevisionClassification =
  | 'unchanged'
  | 'minor'
  | 'correction'
  | 'rewritten'
  | 'headline'
  | 'standfirst'
  | 'body_addition'
  | 'body_deletion'
  | 'body_edit'
  | 'byline'
  | 'url'

export interface RevisionAnalysis {
  /** Changed fields only, in the order title, summary, content, author, url. */
  fields: RevisionFieldChange[]
  changedFields: RevisionField[]
  /** The field the sentence analysis ran on: content, or summary when content is empty in both versions. */
  bodyField: 'content' | 'summary'
  sentences: SentenceChanges
  stats: RevisionStats
  classification: RevisionClassification
  /** 0..1, see scoreSignificance. */
  significance: number
  /** The raw texts differ but nothing does after normalisation (NewsDiffs' "boring" changes): no alert. */
  minor: boolean
  /** A correction or clarification notice was added (also true when the label is not 'correction'). */
  correction: boolean
  /** The body changed beyond the diff bound or by more than the rewritten share. */
  rewritten: boolean
  /** The body diff bound was exceeded: body ops are null and body stats are whole-body word counts. */
  bounded: boolean
}

export interface ClassifyOptions extends Partial<BodyDiffOptions> {
  /** bodyChangedShare above which a body change is 'rewritten'. */
  rewrittenShare?: number
}

const REWRITTEN_SHARE = 0.6
const FIELDS: readonly RevisionField[] = ['title', 'summary', 'content', 'author', 'url']
// Notices newsrooms append when they fix an error; counted, so a notice already present is not a new correction.
const CORRECTION =
  /\b(correction|clarification|an earlier version of this (article|story)|this article was amended|has been (updated|amended|corrected))\b/gi

const EMPTY_SENTENCES: SentenceChanges = { added: [], deleted: [], edited: [], moved: [] }

/**
 * Compares two versions of an article. Every field is compared after normaliseForRevision; the body (content, or
 * the summary when both contents are empty) also gets the bounded sentence diff. Labels, first match wins:
 * 1. nothing changed after normalisation: 'minor' if the raw texts differ, else 'unchanged';
 * 2. 'correction': a title, summary or body now holds more correction notices (CORRECTION) than before;
 * 3. 'rewritten': the body diff bound was exceeded or bodyChangedShare > 0.6;
 * 4. 'headline': the title changed; 5. 'standfirst': the summary changed (when it is not the body);
 * 6. body changed: 'body_deletion' (only deletions, moves allowed), 'body_addition' (only additions), else 'body_edit';
 * 7. 'byline': the author changed; 8. 'url': only the URL changed.
 */
export function classifyRevision(before: RevisionFields, after: RevisionFields, options: ClassifyOptions = {}): RevisionAnalysis {
  const { rewrittenShare = REWRITTEN_SHARE, ...bodyOptions } = options
  const normalised = (fields: RevisionFields): Record<RevisionField, string> => ({
    title: normaliseForRevision(fields.title),
    summary: normaliseForRevision(fields.summary),
    content: normaliseForRevision(fields.content),
    author: normaliseForRevision(fields.author ?? ''),
    url: normaliseForRevision(fields.url),
  })
  const old = normalised(before)
  const next = normalised(after)
  const bodyField = old.content === '' && next.content === '' ? 'summary' : 'content'

  const fields: RevisionFieldChange[] = []
  let sentences = EMPTY_SENTENCES
  let bounded = false
  let bodyWordsBefore = 0
  let bodyWordsAfter = 0
  let bodyChangedShare = 0
  for (const field of FIELDS) {
    const b = old[field]
    const a = next[field]
    if (field === bodyField) {
      if (b === a) {
        bodyWordsBefore = countWords(b)
        bodyWordsAfter = bodyWordsBefore
        continue
      }
      const body = diffBody(b, a, bodyOptions)
      bodyWordsBefore = body.wordsBefore
      bodyWordsAfter = body.wordsAfter
      const total = body.wordsBefore + body.wordsAfter
      bodyChangedShare = body.kind === 'bounded' ? 1 : total === 0 ? 0 : Math.min(1, (body.wordsAdded + body.wordsRemoved) / total)
      if (body.kind === 'diffed') sentences = body.sentences
      bounded = body.kind === 'bounded'
      const ops = body.kind === 'diffed' ? body.ops : null
      fields.push({ field, before: b, after: a, ops, wordsAdded: body.wordsAdded, wordsRemoved: body.wordsRemoved })
      continue
    }
    if (b === a) continue
    const d = wordDiff(b, a)
    fields.push({ field, before: b, after: a, ops: d.ops, wordsAdded: d.wordsAdded, wordsRemoved: d.wordsRemoved })
  }

  const changed = (field: RevisionField): RevisionFieldChange | undefined => fields.find((f) => f.field === field)
  const changedFields = fields.map((f) => f.field)
  const body = changed(bodyField)
  const title = changed('title')
  const standfirst = bodyField === 'summary' ? undefined : changed('summary')
  const wordsOf = (f: RevisionFieldChange | undefined): number => (f ? f.wordsAdded + f.wordsRemoved : 0)
  const textFields = fields.filter((f) => f.field === 'title' || f.field === 'summary' || f.field === 'content')
  const correction = (['title', 'summary', 'content'] as const).some(
    (field) => countMatches(next[field], CORRECTION) > countMatches(old[field], CORRECTION),
  )
  const rewritten = body !== undefined && (bounded || bodyChangedShare > rewrittenShare)
  const minor = fields.length === 0 && FIELDS.some((f) => (before[f] ?? '') !== (after[f] ?? ''))

  const stats: RevisionStats = {
    wordsAdded: textFields.reduce((n, f) => n + f.wordsAdded, 0),
    wordsRemoved: textFields.reduce((n, f) => n + f.wordsRemoved, 0),
    bodyWordsBefore,
    bodyWordsAfter,
    bodyChangedShare: Math.round(bodyChangedShare * 10_000) / 10_000,
    sentencesAdded: sentences.added.length,
    sentencesDeleted: sentences.deleted.length,
    sentencesEdited: sentences.edited.length,
    sentencesMoved: sentences.moved.length,
  }
  const classification = label({ fields: changedFields, minor, correction, rewritten, title, standfirst, body, sentences })
  const significance =
    fields.length === 0
      ? 0
      : scoreSignificance({
          titleChanged: title !== undefined,
          titleWordsChanged: wordsOf(title),
          standfirstChanged: standfirst !== undefined,
          standfirstWordsChanged: wordsOf(standfirst),
          bodyChanged: body !== undefined,
          bodyWordsChanged: wordsOf(body),
          bodyChangedShare: stats.bodyChangedShare,
          correction,
          bylineChanged: changed('author') !== undefined,
          urlChanged: changed('url') !== undefined,
        })
  return { fields, changedFields, bodyField, sentences, stats, classification, significance, minor, correction, rewritten, bounded }
}

/** True when the raw fields differ but every one is equal after normaliseForRevision (no alert, still stored). */
export function isMinorChange(before: RevisionFields, after: RevisionFields): boolean {
  let rawDiffers = false
  for (const field of FIELDS) {
    const b = before[field] ?? ''
    const a = after[field] ?? ''
    if (b === a) continue
    if (normaliseForRevision(b) !== normaliseForRevision(a)) return false
    rawDiffers = true
  }
  return rawDiffers
}

function label(r: {
  fields: RevisionField[]
  minor: boolean
  correction: boolean
  rewritten: boolean
  title: RevisionFieldChange | undefined
  standfirst: RevisionFieldChange | undefined
  body: RevisionFieldChange | undefined
  sentences: SentenceChanges
}): RevisionClassification {
  if (r.fields.length === 0) return r.minor ? 'minor' : 'unchanged'
  if (r.correction) return 'correction'
  if (r.rewritten) return 'rewritten'
  if (r.title) return 'headline'
  if (r.standfirst) return 'standfirst'
  if (r.body) {
    const { added, deleted, edited } = r.sentences
    if (edited.length === 0 && added.length === 0 && deleted.length > 0) return 'body_deletion'
    if (edited.length === 0 && deleted.length === 0 && added.length > 0) return 'body_addition'
    return 'body_edit'
  }
  return r.fields.includes('author') ? 'byline' : 'url'
}

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0
}

/** The revision-tracked fields of a stored snapshot. */
export function toRevisionFields(snapshot: ArticleSnapshot): RevisionFields {
  return { title: snapshot.title, summary: snapshot.summary, content: snapshot.content, author: snapshot.author, url: snapshot.url }
}
