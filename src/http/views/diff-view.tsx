// Inline diff of two versions (headline, standfirst, body paragraphs, byline, URL) and the analysis beside it.
import type { FC } from 'hono/jsx'
import type { VersionSummary } from '../../model/article'
import type { RevisionField, RevisionFieldChange } from '../../revisions/classify-revision'
import type { VersionDiff } from '../version-diff'
import { diffParagraphs, plainParagraphs, type DiffParagraph, type Segment } from './diff-paragraphs'

const FIELD_LABELS: Record<RevisionField, string> = { title: 'Headline', summary: 'Standfirst', content: 'Body', author: 'Byline', url: 'URL' }
const CLASSIFICATION_LABELS: Record<string, string> = {
  unchanged: 'unchanged',
  minor: 'minor',
  correction: 'correction',
  rewritten: 'rewritten',
  headline: 'headline change',
  standfirst: 'standfirst change',
  body_addition: 'body addition',
  body_deletion: 'body deletion',
  body_edit: 'body edit',
  byline: 'byline change',
  url: 'URL change',
}

/** Human label of a classification; unknown ones are shown as they are. */
export function classificationLabel(c: string): string {
  return CLASSIFICATION_LABELS[c] ?? c.replace(/_/g, ' ')
}

/** Significance 0..1 as "0.42". */
export function formatSignificance(s: number): string {
  return (Math.round(s * 100) / 100).toFixed(2)
}

const SegmentView: FC<{ s: Segment }> = ({ s }) => {
  switch (s.kind) {
    case 'equal':
      return <>{s.text}</>
    case 'insert':
      return s.pilcrow ? <ins class="pilcrow" title="paragraph break added">¶</ins> : <ins>{s.text}</ins>
    case 'delete':
      return s.pilcrow ? <del class="pilcrow" title="paragraph break removed">¶</del> : <del>{s.text}</del>
    case 'moved':
      return (
        <mark class="moved" title="sentence moved here from elsewhere in the article">
          <span class="badge">{s.direction ? `moved ${s.direction} ${s.direction === 'up' ? '↑' : '↓'}` : 'moved'}</span>
          {s.text}
        </mark>
      )
    case 'moved-from':
      return (
        <span class="moved-from" title={`moved from here: ${s.text}`}>
          {s.direction ? `a sentence moved ${s.direction} from here ${s.direction === 'up' ? '↑' : '↓'}` : 'a sentence moved from here'}
        </span>
      )
    default: {
      const never: never = s.kind
      return never
    }
  }
}

const Paragraphs: FC<{ paragraphs: DiffParagraph[]; fold: boolean }> = ({ paragraphs, fold }) => {
  if (!fold) return <>{paragraphs.map((p) => <Paragraph p={p} />)}</>
  // Runs of unchanged paragraphs fold into a <details>, which opens without JavaScript.
  const groups: { changed: boolean; items: DiffParagraph[] }[] = []
  for (const p of paragraphs) {
    const last = groups[groups.length - 1]
    if (last && last.changed === p.changed) last.items.push(p)
    else groups.push({ changed: p.changed, items: [p] })
  }
  return (
    <>
      {groups.map((g) =>
        g.changed ? (
          g.items.map((p) => <Paragraph p={p} />)
        ) : (
          <details class="fold">
            <summary>{g.items.length === 1 ? '1 unchanged paragraph' : `${g.items.length} unchanged paragraphs`}</summary>
            {g.items.map((p) => (
              <Paragraph p={p} />
            ))}
          </details>
        ),
      )}
    </>
  )
}

const Paragraph: FC<{ p: DiffParagraph }> = ({ p }) => (
  <p class="text">
    {p.segments.map((s) => (
      <SegmentView s={s} />
    ))}
  </p>
)

function fieldParagraphs(change: RevisionFieldChange, moved: readonly string[]): { paragraphs: DiffParagraph[]; whole: boolean } {
  if (change.ops) return { paragraphs: diffParagraphs(change.ops, moved), whole: false }
  return { paragraphs: [...plainParagraphs(change.before, 'delete'), ...plainParagraphs(change.after, 'insert')], whole: true }
}

/**
 * The inline diff: headline first, then standfirst, then the body paragraph by paragraph, then byline and URL.
 * Unchanged headline and standfirst are shown plain; with `fold`, unchanged body paragraphs fold away.
 */
export const DiffView: FC<{ diff: VersionDiff; fold: boolean }> = ({ diff, fold }) => {
  const a = diff.analysis
  const changeOf = (field: RevisionField): RevisionFieldChange | undefined => a.fields.find((f) => f.field === field)
  const textFields: RevisionField[] = ['title', 'summary', 'content']
  const metaFields: RevisionField[] = ['author', 'url']
  return (
    <div class="diff">
      {textFields.map((field) => {
        const change = changeOf(field)
        const unchangedText = diff.after[field] ?? ''
        if (!change && unchangedText.trim() === '') return null
        if (!change) {
          return (
            <section class={`field ${field}`}>
              <h3>{`${FIELD_LABELS[field]} (unchanged)`}</h3>
              <Paragraphs paragraphs={plainParagraphs(unchangedText)} fold={fold && field === 'content'} />
            </section>
          )
        }
        const { paragraphs, whole } = fieldParagraphs(change, field === a.bodyField ? a.sentences.moved : [])
        return (
          <section class={`field ${field}`}>
            <h3>{`${FIELD_LABELS[field]} changed: +${change.wordsAdded} / −${change.wordsRemoved} words`}</h3>
            {whole && <p class="notice">Too different to compare word by word: the earlier text is struck through, the later one underlined.</p>}
            <Paragraphs paragraphs={paragraphs} fold={fold && !whole} />
          </section>
        )
      })}
      {metaFields.map((field) => {
        const change = changeOf(field)
        if (!change) return null
        return (
          <section class={`field ${field}`}>
            <h3>{`${FIELD_LABELS[field]} changed`}</h3>
            <p class="text">
              {change.before !== '' && <del>{change.before}</del>} → {change.after !== '' ? <ins>{change.after}</ins> : <em>none</em>}
            </p>
          </section>
        )
      })}
      {a.fields.length === 0 && <p class="notice">No difference after normalisation (whitespace, quotes, relative timestamps).</p>}
    </div>
  )
}

/** Classification, significance, changed fields, flags, source and counts of one revision. */
export const AnalysisSummary: FC<{ diff: VersionDiff; version: VersionSummary | undefined }> = ({ diff, version }) => {
  const a = diff.analysis
  const s = a.stats
  return (
    <div class="analysis">
      <p class="flags">
        <span class={`badge${a.changedFields.includes('title') ? ' headline' : ''}`}>{classificationLabel(a.classification)}</span>
        {a.minor && a.classification !== 'minor' && <span class="badge flag">minor</span>}
        {version?.flipFlopOf != null && <span class="badge flag">{`flip-flop: back to version ${version.flipFlopOf}`}</span>}
        {a.correction && a.classification !== 'correction' && <span class="badge flag">correction notice</span>}
        {`significance ${formatSignificance(a.significance)}`}
        {` · changed: ${a.changedFields.length > 0 ? a.changedFields.map((f) => FIELD_LABELS[f]).join(', ') : 'nothing'}`}
        {version && ` · source: ${version.source === 'page' ? 'article page' : 'feed item'}`}
      </p>
      <p class="stats">
        {`+${s.wordsAdded} / −${s.wordsRemoved} words · ${Math.round(s.bodyChangedShare * 100)}% of the body changed · sentences: ` +
          `${s.sentencesAdded} added, ${s.sentencesDeleted} deleted, ${s.sentencesEdited} edited, ${s.sentencesMoved} moved`}
      </p>
    </div>
  )
}

/** The sentence-level changes (NewsEdits taxonomy) as lists. */
export const SentenceChangesView: FC<{ diff: VersionDiff }> = ({ diff }) => {
  const { added, deleted, edited, moved } = diff.analysis.sentences
  if (added.length + deleted.length + edited.length + moved.length === 0) return null
  return (
    <details class="sentences">
      <summary class="meta">Sentence changes</summary>
      {added.length > 0 && (
        <>
          <h3>Added</h3>
          <ul>{added.map((t) => <li><ins>{t}</ins></li>)}</ul>
        </>
      )}
      {deleted.length > 0 && (
        <>
          <h3>Deleted</h3>
          <ul>{deleted.map((t) => <li><del>{t}</del></li>)}</ul>
        </>
      )}
      {edited.length > 0 && (
        <>
          <h3>Edited</h3>
          <ul>
            {edited.map((e) => (
              <li>
                <del>{e.before}</del>
                <br />
                <ins>{e.after}</ins>
              </li>
            ))}
          </ul>
        </>
      )}
      {moved.length > 0 && (
        <>
          <h3>Moved</h3>
          <ul>{moved.map((t) => <li><mark class="moved">{t}</mark></li>)}</ul>
        </>
      )}
    </details>
  )
}
