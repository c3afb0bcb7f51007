// Recent revisions across all feeds: GET /api/changes (JSON) and GET /changes.atom (one Atom entry per revision).
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import type { ArticleRecord } from '../../model/article'
import type { RevisionRef } from '../../articles/article-store'
import { methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { requireReader } from '../reader-auth'
import { ArticleStore } from '../../articles/article-store'
import { buildAtom } from '../../delivery/atom-feed'

const listSchema = z.strictObject({ ...pageQuery, feed: z.string().regex(/^[0-9a-f]{12}$/, 'a feed id').optional() })
const atomSchema = z.strictObject({ feed: z.string().regex(/^[0-9a-f]{12}$/, 'a feed id').optional(), token: z.string().max(500).optional() })

export interface ChangeItem {
  articleId: string
  n: number
  capturedAt: string
  feedId: string | null
  title: string
  url: string
  source: 'feed' | 'page'
  minor: boolean
  flipFlopOf: number | null
  changedFields: string[]
  classification: string | null
  significance: number
}

/** Resolves revision refs to items, reading each article once. */
export async function loadChanges(store: ArticleStore, refs: RevisionRef[]): Promise<ChangeItem[]> {
  const ids = [...new Set(refs.map((r) => r.articleId))]
  const records = new Map<string, ArticleRecord>()
  for (const record of await Promise.all(ids.map((id) => store.get(id)))) if (record) records.set(record.id, record)
  const items: ChangeItem[] = []
  for (const ref of refs) {
    const record = records.get(ref.articleId)
    const version = record?.versions[ref.n - 1]
    // A ref written by a tick that crashed before its record (or superseded by the retry) matches no stored version.
    if (!record || !version || version.capturedAt !== ref.capturedAt) continue
    items.push({
      articleId: record.id,
      n: ref.n,
      capturedAt: version.capturedAt,
      feedId: ref.meta?.f ?? null,
      title: version.title,
      url: record.url,
      source: version.source,
      minor: version.minor,
      flipFlopOf: version.flipFlopOf,
      changedFields: version.changedFields,
      classification: version.classification,
      significance: version.significance,
    })
  }
  return items
}

function baseUrl(c: { env: Env; req: { url: string } }): string {
  return c.env.PUBLIC_BASE_URL.trim().replace(/\/+$/, '') || new URL(c.req.url).origin
}

export const changeRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listSchema), async (c) => {
    const q = c.req.valid('query')
    const kvCursor = await readCursor(q.cursor, 'changes', c.env.API_TOKEN)
    const store = new ArticleStore(c.env.STORE)
    const page = await store.listRevisions({ limit: q.limit ?? DEFAULT_PAGE_SIZE, kvCursor, feedId: q.feed ?? null })
    return c.json({ items: await loadChanges(store, page.refs), nextCursor: await makeCursor(page.nextKvCursor, 'changes', c.env.API_TOKEN) })
  })
  .all('/', methodNotAllowed('GET'))

/** GET /changes.atom: every revision its own entry with its own id, so readers never resurface an old entry. */
export const changesAtomRoute = new Hono<AppEnv>()
  .get('/', requireReader, validate('query', atomSchema), async (c) => {
    const q = c.req.valid('query')
    const store = new ArticleStore(c.env.STORE)
    const page = await store.listRevisions({ limit: MAX_PAGE_SIZE, kvCursor: null, feedId: q.feed ?? null })
    const items = (await loadChanges(store, page.refs)).filter((i) => !i.minor && i.classification !== 'new_baseline')
    const base = baseUrl(c)
    const xml = buildAtom({
      id: `${base}/changes.atom`,
      title: 'Storywatch: article revisions',
      selfLink: `${base}/changes.atom`,
      alternateLink: `${base}/`,
      updated: items[0]?.capturedAt ?? new Date(0).toISOString(),
      entries: items.map((i) => ({
        id: `urn:storywatch:revision:${i.articleId}:${i.n}`,
        title: `${i.classification ?? 'revision'}: ${i.title}`,
        link: `${base}/articles/${i.articleId}/diff?from=${i.n - 1}&to=${i.n}`,
        updated: i.capturedAt,
        summary: `Version ${i.n} of ${i.url}: ${i.changedFields.join(', ') || 'no field'} changed${i.flipFlopOf ? ` (back to version ${i.flipFlopOf})` : ''}.`,
        categories: i.classification ? [i.classification] : [],
      })),
    })
    return c.body(xml, 200, { 'content-type': 'application/atom+xml; charset=utf-8' })
  })
  .all('/', methodNotAllowed('GET'))
