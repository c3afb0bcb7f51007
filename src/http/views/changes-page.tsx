// GET /: recent revisions across all feeds, headline changes first in weight, minor ones folded away.
import type { FC } from 'hono/jsx'
import type { DiffOp } from '../../model/alert'
import type { ChangeItem } from '../routes/changes'
import { diffParagraphs } from './diff-paragraphs'
import { classificationLabel, formatSignificance } from './diff-view'
import { Layout, Time } from './layout'
import { pageHref, type PageContext } from './page-links'

export interface ChangeEntry {
  item: ChangeItem
  /** Word diff of the previous headline to this one, when the headline changed. */
  titleOps: DiffOp[] | null
}

export interface ChangesPageProps {
  ctx: PageContext
  entries: ChangeEntry[]
  /** Minor revisions left out of `entries` on this page (shown with ?minor=1). */
  hiddenMinor: number
  showMinor: boolean
  /** The cursor this page was opened with, kept by the show / hide minor links. */
  cursor: string | null
  nextCursor: string | null
}

const InlineOps: FC<{ ops: DiffOp[] }> = ({ ops }) => (
  <>
    {diffParagraphs(ops).flatMap((p) =>
      p.segments.map((s) => (s.kind === 'insert' ? <ins>{s.text}</ins> : s.kind === 'delete' ? <del>{s.text}</del> : <>{s.text}</>)),
    )}
  </>
)

const ChangeRow: FC<{ ctx: PageContext; entry: ChangeEntry }> = ({ ctx, entry }) => {
  const i = entry.item
  const articleHref = pageHref(ctx, `/articles/${i.articleId}`)
  const diffHref = pageHref(ctx, `/articles/${i.articleId}/diff`, { from: i.n - 1, to: i.n })
  const headline = i.changedFields.includes('title')
  return (
    <li class={i.minor ? 'minor' : headline ? 'headline' : 'other'}>
      {headline && !i.minor ? (
        // Not a link: link underlines would blur the diff's own underline and strike-through.
        <h2>
          <span class="badge headline">headline changed</span>
          {entry.titleOps ? <InlineOps ops={entry.titleOps} /> : i.title}
        </h2>
      ) : (
        <h3>
          <a href={articleHref}>{i.title}</a>
        </h3>
      )}
      <p class="meta">
        <span class="badge">{i.classification ? classificationLabel(i.classification) : 'revision'}</span>
        {i.minor && i.classification !== 'minor' && <span class="badge flag">minor</span>}
        {i.flipFlopOf !== null && <span class="badge flag">{`flip-flop: back to version ${i.flipFlopOf}`}</span>}
        <Time iso={i.capturedAt} />
        {` · version ${i.n} · ${i.changedFields.join(', ') || 'no field'} changed · significance ${formatSignificance(i.significance)} · from the ${i.source === 'page' ? 'article page' : 'feed'} · `}
        <a href={diffHref}>{`diff ${i.n - 1} → ${i.n}`}</a>
        {' · '}
        <a href={articleHref}>all versions</a>
      </p>
    </li>
  )
}

/** The recent-changes page. */
export const ChangesPage: FC<ChangesPageProps> = ({ ctx, entries, hiddenMinor, showMinor, cursor, nextCursor }) => (
  <Layout title="Recent changes" ctx={ctx}>
    <h1>Recent changes</h1>
    {entries.length === 0 && hiddenMinor === 0 && <p class="notice">No revisions yet: articles appear here once a second version of them is seen.</p>}
    <ol class="changes">
      {entries.map((entry) => (
        <ChangeRow ctx={ctx} entry={entry} />
      ))}
    </ol>
    <p class="pager">
      {hiddenMinor > 0 && (
        <a href={pageHref(ctx, '/', { cursor: cursor ?? undefined, minor: 1 })}>{`${hiddenMinor} minor ${hiddenMinor === 1 ? 'change' : 'changes'} hidden: show them`}</a>
      )}
      {showMinor && <a href={pageHref(ctx, '/', { cursor: cursor ?? undefined })}>Hide minor changes</a>}
      {nextCursor && (
        <>
          {' · '}
          <a href={pageHref(ctx, '/', { cursor: nextCursor, minor: showMinor ? 1 : undefined })}>Older changes</a>
        </>
      )}
    </p>
  </Layout>
)
