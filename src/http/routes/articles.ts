// /api/articles: newest-first listing and one article with its latest snapshot.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { toArticleDto, toArticleSummaryDto } from '../dto'
import { DEFAULT_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { ArticleStore } from '../../articles/article-store'

const listSchema = z.strictObject({ ...pageQuery, feed: z.string().regex(/^[0-9a-f]{12}$/, 'a feed id').optional() })
const ID_PATTERN = /^[0-9a-f]{20}$/

export const articleRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listSchema), async (c) => {
    const q = c.req.valid('query')
    const kvCursor = await readCursor(q.cursor, 'articles', c.env.API_TOKEN)
    const page = await new ArticleStore(c.env.STORE).list({ limit: q.limit ?? DEFAULT_PAGE_SIZE, kvCursor, feedId: q.feed ?? null })
    return c.json({ items: page.records.map(toArticleSummaryDto), nextCursor: await makeCursor(page.nextKvCursor, 'articles', c.env.API_TOKEN) })
  })
  .get('/:id', async (c) => {
    const id = c.req.param('id')
    const record = ID_PATTERN.test(id) ? await new ArticleStore(c.env.STORE).get(id) : null
    if (!record) throw new ApiError(404, 'article_not_found', `no article with id ${id}`)
    return c.json(toArticleDto(record))
  })
  .all('/', methodNotAllowed('GET'))
  .all('/:id', methodNotAllowed('GET'))
