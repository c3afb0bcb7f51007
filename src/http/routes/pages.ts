// History pages (server-rendered hono/jsx, no script): recent changes, an article's timeline, any two versions, stories, login.
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { readCursor, makeCursor } from '../pagination'
import { TOKEN_COOKIE, isReader } from '../reader-auth'
import { tokenRole } from '../auth'
import { loadArticle, loadDiff, type VersionDiff } from '../version-diff'
import { loadChanges } from './changes'
import { currentStories, findStory, profileSummary } from '../story-lookup'
import { ArticleStore } from '../../articles/article-store'
import { FeedStore } from '../../feeds/feed-store'
import { StoryStore } from '../../stories/story-store'
import { wordDiff } from '../../revisions/word-diff'
import { ArticlePage } from '../views/article-page'
import { ChangesPage, type ChangeEntry } from '../views/changes-page'
import { DiffPage } from '../views/diff-page'
import { LoginPage, MessagePage } from '../views/login-page'
import { pageCsp } from '../views/page-style'
import { StoriesPage } from '../views/stories-page'
import { StoryPage, groupByDevelopment } from '../views/story-page'
import type { PageContext } from '../views/page-links'

type PageEnv = AppEnv & { Variables: { page: PageContext } }

const CHANGES_PER_PAGE = 30
// Each follow-up is one KV read; a page of them is a few days of a busy story.
const FOLLOW_UPS_PER_PAGE = 30
// Each inline diff costs two KV reads and one bounded classification; older revisions link to their diff page.
const INLINE_DIFFS = 10
// The login cookie outlives the browser session so a newsroom desk stays logged in through the working week.
const LOGIN_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60
// Anything longer is not a token this Worker issued; refuse before comparing.
const MAX_TOKEN_LENGTH = 500
const VERSION_PARAM = /^[1-9]\d{0,6}$/

const secure = secureHeaders({ xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: true })

/** Security headers on every page response, errors and the login form included. */
const pageHeaders: MiddlewareHandler<PageEnv> = async (c, next) => {
  await secure(c, next)
  c.res.headers.set('content-security-policy', await pageCsp())
  c.res.headers.set('cache-control', 'private, no-store')
}

/** Lets readers through (PUBLIC_HISTORY, or the token by cookie, ?token= or header); anyone else gets the login form. */
const readerGate: MiddlewareHandler<PageEnv> = async (c, next) => {
  if (!(await isReader(c as unknown as Context<AppEnv>))) return renderPage(c, LoginPage({ next: returnPath(c), failed: false }), 401)
  const bearer = /^Bearer\s/i.test(c.req.header('authorization') ?? '')
  const cookie = getCookie(c, TOKEN_COOKIE)
  const query = c.req.query('token')
  c.set('page', {
    linkToken: c.env.PUBLIC_HISTORY !== 'true' && !bearer && cookie === undefined && query ? query : null,
    cookieLogin: cookie !== undefined,
  })
  await next()
}

async function renderPage(c: Context, node: ReturnType<typeof LoginPage>, status: ContentfulStatusCode = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await node}`, status)
}

/** The page to come back to after logging in: this one, without its ?token=. */
function returnPath(c: Context): string {
  const url = new URL(c.req.url)
  url.searchParams.delete('token')
  return url.pathname + url.search
}

/** A local absolute path (never `//host` or `/\host`, which browsers treat as another origin), else `/`. */
function safeReturnPath(next: unknown): string {
  return typeof next === 'string' && next.length <= 2000 && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/'
}

/** Outlet names by feed id: the feed's title, else its host (one read of the feed registry). */
async function outletNames(kv: KVNamespace): Promise<Map<string, string>> {
  const feeds = (await new FeedStore(kv).listFeeds()) ?? []
  return new Map(feeds.map((f) => [f.id, f.title?.trim() || hostOrUrl(f.url)]))
}

function hostOrUrl(url: string): string {
  try {
    return new URL(url).host || url
  } catch {
    return url
  }
}

function versionParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!VERSION_PARAM.test(value)) throw new ApiError(400, 'invalid_version', `${name} must be a version number (1, 2, …)`)
  return Number(value)
}

const TITLES: Record<number, string> = { 400: 'Bad request', 401: 'Log in', 404: 'Not found', 405: 'Method not allowed' }

/** GET-only pages answer other methods with 405 and Allow, as the API does. */
const getOnly = (c: Context): Promise<Response> => {
  c.header('allow', 'GET, HEAD')
  return renderPage(c, MessagePage({ title: 'Method not allowed', message: `${c.req.method} is not allowed here.` }), 405)
}

/** The history pages, mounted at `/`; each route carries its own middleware so nothing leaks onto /api. */
export const pageRoutes = new Hono<PageEnv>()
  .get('/', pageHeaders, readerGate, async (c) => {
    const cursor = c.req.query('cursor') ?? null
    const showMinor = c.req.query('minor') === '1'
    const kvCursor = await readCursor(cursor ?? undefined, 'changes', c.env.API_TOKEN)
    const store = new ArticleStore(c.env.STORE)
    const page = await store.listRevisions({ limit: CHANGES_PER_PAGE, kvCursor, feedId: null })
    const items = await loadChanges(store, page.refs)
    const shown = showMinor ? items : items.filter((i) => !i.minor)
    const entries: ChangeEntry[] = await Promise.all(
      shown.map(async (item) => {
        if (!item.changedFields.includes('title')) return { item, titleOps: null }
        // loadChanges already read this record: the store answers from its per-request cache.
        const previous = (await store.get(item.articleId))?.versions[item.n - 2]?.title
        return { item, titleOps: previous === undefined ? null : wordDiff(previous, item.title).ops }
      }),
    )
    const nextCursor = await makeCursor(page.nextKvCursor, 'changes', c.env.API_TOKEN)
    return renderPage(
      c,
      ChangesPage({ ctx: c.get('page'), entries, hiddenMinor: items.length - shown.length, showMinor, cursor, nextCursor }),
    )
  })
  .get('/articles/:id', pageHeaders, readerGate, async (c) => {
    const { store, record } = await loadArticle(c.env.STORE, c.req.param('id'))
    const newest = record.versionCount
    const ns = Array.from({ length: Math.max(0, Math.min(INLINE_DIFFS, newest - 1)) }, (_, i) => newest - i)
    const diffs = new Map<number, VersionDiff>()
    for (const diff of await Promise.all(ns.map((n) => loadDiff(store, record, n - 1, n)))) diffs.set(diff.to, diff)
    return renderPage(c, ArticlePage({ ctx: c.get('page'), record, diffs }))
  })
  .get('/articles/:id/diff', pageHeaders, readerGate, async (c) => {
    const from = versionParam('from', c.req.query('from'))
    const to = versionParam('to', c.req.query('to'))
    const { store, record } = await loadArticle(c.env.STORE, c.req.param('id'))
    const diff = await loadDiff(store, record, from, to)
    return renderPage(c, DiffPage({ ctx: c.get('page'), record, diff }))
  })
  .get('/stories', pageHeaders, readerGate, async (c) => {
    const stories = await currentStories(c.env, new StoryStore(c.env.STORE))
    return renderPage(c, StoriesPage({ ctx: c.get('page'), stories }))
  })
  .get('/stories/:id', pageHeaders, readerGate, async (c) => {
    const cursor = c.req.query('cursor') || null
    const store = new StoryStore(c.env.STORE)
    const { story } = await findStory(c.env, store, c.req.param('id'))
    // The same listing as GET /api/stories/:id/matches, so a cursor from either works on both.
    const route = `matches:${story.id}`
    const kvCursor = await readCursor(cursor ?? undefined, route, c.env.API_TOKEN)
    const [page, clusters, outlets] = await Promise.all([
      store.listMatches(story.id, { limit: FOLLOW_UPS_PER_PAGE, kvCursor }),
      store.getClusters(story.id),
      outletNames(c.env.STORE),
    ])
    const nextCursor = await makeCursor(page.nextKvCursor, route, c.env.API_TOKEN)
    return renderPage(
      c,
      StoryPage({
        ctx: c.get('page'),
        story,
        profile: profileSummary(story),
        developments: groupByDevelopment(page.matches, clusters),
        outlets,
        cursor,
        nextCursor,
      }),
    )
  })
  .get('/login', pageHeaders, (c) => renderPage(c, LoginPage({ next: safeReturnPath(c.req.query('next')), failed: false })))
  .post('/login', pageHeaders, async (c) => {
    const form = await c.req.parseBody()
    const token = typeof form.token === 'string' ? form.token.trim() : ''
    const next = safeReturnPath(form.next)
    // Viewers log in with a read-only token (API_READ_TOKENS); the cookie then carries no write power.
    const valid = token.length <= MAX_TOKEN_LENGTH && (await tokenRole(c.env, token)) !== null
    if (!valid) return renderPage(c, LoginPage({ next, failed: true }), 401)
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: LOGIN_COOKIE_MAX_AGE_S,
    })
    return c.redirect(next, 303)
  })
  .post('/logout', pageHeaders, (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' })
    return c.redirect('/login', 303)
  })
  .all('/', pageHeaders, getOnly)
  .all('/articles/:id', pageHeaders, getOnly)
  .all('/articles/:id/diff', pageHeaders, getOnly)
  .all('/stories', pageHeaders, getOnly)
  .all('/stories/:id', pageHeaders, getOnly)
  .all('/login', pageHeaders, (c) => {
    c.header('allow', 'GET, HEAD, POST')
    return renderPage(c, MessagePage({ title: 'Method not allowed', message: `${c.req.method} is not allowed here.` }), 405)
  })

// Page errors are pages too: the same status as the API would give, as HTML, with nothing internal in them.
pageRoutes.onError((err, c) => {
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    const message = err instanceof ApiError ? err.message : (TITLES[status] ?? 'The request could not be handled.')
    return renderPage(c, MessagePage({ title: TITLES[status] ?? 'Error', message }), status)
  }
  console.error('pages: unexpected error', err)
  return renderPage(c, MessagePage({ title: 'Something went wrong', message: 'The page could not be built. Try again in a moment.' }), 500)
})
