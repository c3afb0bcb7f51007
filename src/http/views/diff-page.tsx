// GET /articles/:id/diff?from=&to=: any two versions of an article compared in full.
import type { FC } from 'hono/jsx'
import type { ArticleRecord } from '../../model/article'
import type { VersionDiff } from '../version-diff'
import { ArticleUrl } from './article-page'
import { AnalysisSummary, DiffView, SentenceChangesView } from './diff-view'
import { Layout, Time } from './layout'
import { pageHref, type PageContext } from './page-links'

export interface DiffPageProps {
  ctx: PageContext
  record: ArticleRecord
  diff: VersionDiff
}

const VersionSelect: FC<{ name: string; label: string; record: ArticleRecord; selected: number }> = ({ name, label, record, selected }) => (
  <label>
    {label}
    <br />
    <select name={name}>
      {record.versions.map((v) => (
        <option value={String(v.n)} selected={v.n === selected}>
          {`${v.n}: ${v.capturedAt.slice(0, 16).replace('T', ' ')}`}
        </option>
      ))}
    </select>
  </label>
)

/** The two-version diff page, with a version picker that works as a plain GET form. */
export const DiffPage: FC<DiffPageProps> = ({ ctx, record, diff }) => (
  <Layout title={`Versions ${diff.from} → ${diff.to}: ${record.current.title}`} ctx={ctx}>
    <p class="meta">
      <a href={pageHref(ctx, `/articles/${record.id}`)}>← all versions of this article</a>
    </p>
    <h1>{record.current.title || '(no headline)'}</h1>
    <p class="meta">
      <ArticleUrl url={record.url} />
      <br />
      {`Version ${diff.from} (`}
      <Time iso={diff.before.capturedAt} />
      {`) → version ${diff.to} (`}
      <Time iso={diff.after.capturedAt} />
      {')'}
    </p>
    <form class="pick" method="get" action={`/articles/${record.id}/diff`}>
      <VersionSelect name="from" label="From" record={record} selected={diff.from} />
      <VersionSelect name="to" label="To" record={record} selected={diff.to} />
      {ctx.linkToken && <input type="hidden" name="token" value={ctx.linkToken} />}
      <button type="submit">Compare</button>
    </form>
    <AnalysisSummary diff={diff} version={record.versions[diff.to - 1]} />
    <DiffView diff={diff} fold={false} />
    <SentenceChangesView diff={diff} />
  </Layout>
)
