// GET /articles/:id: the article's timeline of versions, newest first, each with its diff from the one before.
import type { FC } from 'hono/jsx'
import type { ArticleRecord, VersionSummary } from '../../model/article'
import type { VersionDiff } from '../version-diff'
import { AnalysisSummary, DiffView, SentenceChangesView, classificationLabel, formatSignificance } from './diff-view'
import { Layout, Time } from './layout'
import { externalHref, pageHref, type PageContext } from './page-links'

export interface ArticlePageProps {
  ctx: PageContext
  record: ArticleRecord
  /** Diffs from n-1 to n, keyed by n, for the revisions shown inline (the newest ones). */
  diffs: Map<number, VersionDiff>
}

/** The article URL: a link when it is http(s), plain text otherwise. */
export const ArticleUrl: FC<{ url: string }> = ({ url }) => {
  const href = externalHref(url)
  return href ? (
    <a href={href} rel="noreferrer noopener">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  )
}

const VersionHeading: FC<{ v: VersionSummary }> = ({ v }) => (
  <h2>
    {`Version ${v.n} · `}
    <Time iso={v.capturedAt} />
    <span class="meta">{` · from the ${v.source === 'page' ? 'article page' : 'feed'}`}</span>
  </h2>
)

const VersionEntry: FC<{ ctx: PageContext; record: ArticleRecord; v: VersionSummary; diff: VersionDiff | undefined }> = ({ ctx, record, v, diff }) => {
  const diffHref = pageHref(ctx, `/articles/${record.id}/diff`, { from: v.n - 1, to: v.n })
  if (v.n === 1) {
    return (
      <section class="version" id="v1">
        <VersionHeading v={v} />
        <p class="meta">{`First seen, titled “${v.title}”.`}</p>
      </section>
    )
  }
  const body = diff && (
    <>
      <AnalysisSummary diff={diff} version={v} />
      <DiffView diff={diff} fold={true} />
      <SentenceChangesView diff={diff} />
    </>
  )
  return (
    <section class={`version${v.minor ? ' minor' : ''}`} id={`v${v.n}`}>
      <VersionHeading v={v} />
      {!diff && (
        <p class="meta">
          <span class="badge">{v.classification ? classificationLabel(v.classification) : 'revision'}</span>
          {v.minor && v.classification !== 'minor' && <span class="badge flag">minor</span>}
          {v.flipFlopOf !== null && <span class="badge flag">{`flip-flop: back to version ${v.flipFlopOf}`}</span>}
          {`significance ${formatSignificance(v.significance)} · changed: ${v.changedFields.join(', ') || 'nothing'} · `}
          <a href={diffHref}>{`show the diff ${v.n - 1} → ${v.n}`}</a>
        </p>
      )}
      {diff && v.minor ? (
        <details class="fold">
          <summary>Minor change (vanishes under normalisation): show it</summary>
          {body}
        </details>
      ) : (
        body
      )}
      {diff && (
        <p class="meta">
          <a href={diffHref}>{`Diff ${v.n - 1} → ${v.n} on its own page`}</a>
        </p>
      )}
    </section>
  )
}

/** The timeline page of one article. */
export const ArticlePage: FC<ArticlePageProps> = ({ ctx, record, diffs }) => (
  <Layout title={record.current.title || record.url} ctx={ctx}>
    <h1>{record.current.title || '(no headline)'}</h1>
    <p class="meta">
      <ArticleUrl url={record.url} />
      <br />
      {`${record.versionCount} ${record.versionCount === 1 ? 'version' : 'versions'} · first seen `}
      <Time iso={record.firstSeenAt} />
      {' · last changed '}
      <Time iso={record.lastChangedAt} />
      {record.page?.removedAt && (
        <>
          {' · page removed '}
          <Time iso={record.page.removedAt} />
        </>
      )}
    </p>
    {record.versionCount > 1 && (
      <p class="meta">
        <a href={pageHref(ctx, `/articles/${record.id}/diff`, { from: 1, to: record.versionCount })}>Compare any two versions</a>
      </p>
    )}
    {[...record.versions].reverse().map((v) => (
      <VersionEntry ctx={ctx} record={record} v={v} diff={diffs.get(v.n)} />
    ))}
  </Layout>
)
