// /api/articles: listing, one article, its revision history, any version and the diff between two versions.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { toArticleDto, toArticleSummaryDto, toRevisionItemDto, toSnapshotDto } from '../dto'
import { DEFAULT_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { ArticleStore } from '../../articles/article-store'
import { loadArticle, loadDiff, loadVersion } from '../version-diff'
import { revisionText, unifiedPatch } from '../../revisions/revision-text'

const listSchema = z.strictObject({ ...pageQuery, feed: z.string().regex(/^[0-9a-f]{12}$/, 'a feed id').optional() })
const versionNumber = z.coerce.number().int().min(1).max(1_000_000)
const formatSchema = z.strictObject({ format: z.enum(['json', 'text']).optional() })
const diffSchema = z.strictObject({ from: versionNumber.optional(), to: versionNumber.optional(), format: z.enum(['json', 'patch']).optional() })

export const articleRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listSchema), async (c) => {
    const q = c.req.valid('query')
    const kvCursor = await readCursor(q.cursor, 'articles', c.env.API_TOKEN)
    const page = await new ArticleStore(c.env.STORE).list({ limit: q.limit ?? DEFAULT_PAGE_SIZE, kvCursor, feedId: q.feed ?? null })
    return c.json({ items: page.records.map(toArticleSummaryDto), nextCursor: await makeCursor(page.nextKvCursor, 'articles', c.env.API_TOKEN) })
  })
  .get('/:id', async (c) => {
    const { record } = await loadArticle(c.env.STORE, c.req.param('id'))
    return c.json(toArticleDto(record))
  })
  .get('/:id/revisions', async (c) => {
    const { record } = await loadArticle(c.env.STORE, c.req.param('id'))
    return c.json({ articleId: record.id, items: record.versions.map(toRevisionItemDto) })
  })
  .get('/:id/revisions/:n', validate('param', z.object({ id: z.string(), n: versionNumber })), validate('query', formatSchema), async (c) => {
    const { n } = c.req.valid('param')
    const { store, record } = await loadArticle(c.env.STORE, c.req.param('id'))
    const snapshot = await loadVersion(store, record, n)
    if (c.req.valid('query').format === 'text') {
      return c.body(revisionText(snapshot), 200, { 'content-type': 'text/plain; charset=utf-8' })
    }
    return c.json({ articleId: record.id, n, ...toSnapshotDto(snapshot) })
  })
  .get('/:id/diff', validate('query', diffSchema), async (c) => {
    const q = c.req.valid('query')
    const { store, record } = await loadArticle(c.env.STORE, c.req.param('id'))
    const diff = await loadDiff(store, record, q.from, q.to)
    if (q.format === 'patch') {
      const patch = unifiedPatch(revisionText(diff.before), revisionText(diff.after), `${record.id}/v${diff.from}.txt`, `${record.id}/v${diff.to}.txt`)
      return c.body(patch, 200, { 'content-type': 'text/x-diff; charset=utf-8' })
    }
    const a = diff.analysis
    const fields: Record<string, { before: string; after: string; ops: { op: string; text: string }[] | null }> = {}
    for (const f of a.fields) fields[f.field] = { before: f.before, after: f.after, ops: f.ops }
    return c.json({
      articleId: record.id,
      from: diff.from,
      to: diff.to,
      fields,
      sentences: a.sentences,
      stats: a.stats,
      classification: a.classification,
      changedFields: a.changedFields,
      significance: a.significance,
      minor: a.minor,
    })
  })
  .all('/', methodNotAllowed('GET'))
  .all('/:id', methodNotAllowed('GET'))
  .all('/:id/revisions', methodNotAllowed('GET'))
  .all('/:id/revisions/:n', methodNotAllowed('GET'))
  .all('/:id/diff', methodNotAllowed('GET'))
