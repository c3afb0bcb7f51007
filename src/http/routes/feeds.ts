// /api/feeds: list, add, remove, poll now, and OPML import/export.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import type { FeedConfig } from '../../model/feed'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { toFeedDto } from '../dto'
import { FeedStore } from '../../feeds/feed-store'
import { MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, defaultFeedConfigs, registerFeeds, type UrlVerdict } from '../../feeds/feed-registry'
import { buildOpml, parseOpml } from '../../feeds/opml'
import { cronPeriodMinutes, lastDueSlotAt } from '../../feeds/schedule'
import { checkOutboundUrl } from '../../net/url-guard'
import { selectorProblem } from '../../articles/selector-check'
import { createDeps } from '../../pipeline/deps'
import { HeartbeatStore } from '../../pipeline/heartbeat-store'
import { refreshFeed } from '../../pipeline/refresh-feed'
import { followStories } from '../../pipeline/track-stories'
import { readSettings } from '../../config/settings'

/** JSON bodies are tiny; anything bigger is a mistake or an attack. */
const MAX_JSON_BODY_BYTES = 16 * 1024
/** OPML exports of a few thousand feeds stay well under this. */
const MAX_OPML_BODY_BYTES = 2 * 1024 * 1024

/** Feed titles are labels, not content. */
const MAX_TITLE_CHARS = 300

const selectorSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .superRefine((selector, ctx) => {
    const problem = selectorProblem(selector)
    if (problem) ctx.addIssue({ code: 'custom', message: `not a selector HTMLRewriter supports: ${problem}` })
  })

const feedOptions = {
  fetchArticles: z.boolean().optional(),
  articleSelector: selectorSchema.nullable().optional(),
  minChangeWords: z.number().int().min(0).max(100_000).optional(),
  headlineOnly: z.boolean().optional(),
}

const createFeedSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
  intervalMinutes: z.number().int().min(MIN_INTERVAL_MINUTES).max(MAX_INTERVAL_MINUTES).optional(),
  ...feedOptions,
})

const patchFeedSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).nullable().optional(),
    intervalMinutes: z.number().int().min(MIN_INTERVAL_MINUTES).max(MAX_INTERVAL_MINUTES).optional(),
    /** true re-enables a feed disabled after days of failures (it is polled on its next due tick). */
    enabled: z.literal(true).optional(),
    ...feedOptions,
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' })

type FeedOptionsInput = { fetchArticles?: boolean | undefined; articleSelector?: string | null | undefined; minChangeWords?: number | undefined; headlineOnly?: boolean | undefined }

/** Only the options the client sent (undefined means "leave as is"). */
function pickOptions(body: FeedOptionsInput): Partial<Pick<FeedConfig, 'fetchArticles' | 'articleSelector' | 'minChangeWords' | 'headlineOnly'>> {
  const out: Partial<Pick<FeedConfig, 'fetchArticles' | 'articleSelector' | 'minChangeWords' | 'headlineOnly'>> = {}
  if (body.fetchArticles !== undefined) out.fetchArticles = body.fetchArticles
  if (body.articleSelector !== undefined) out.articleSelector = body.articleSelector
  if (body.minChangeWords !== undefined) out.minChangeWords = body.minChangeWords
  if (body.headlineOnly !== undefined) out.headlineOnly = body.headlineOnly
  return out
}

const tooLarge = (limit: number) =>
  bodyLimit({
    maxSize: limit,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than ${limit} bytes`)
    },
  })

function urlChecker(env: Env): (url: string) => UrlVerdict {
  const allowLoopback = readSettings(env).allowLoopback
  return (url) => {
    const check = checkOutboundUrl(url, { allowLoopback })
    return check.ok ? { ok: true, url: check.url.href } : { ok: false, code: check.code, message: check.message }
  }
}

/** The registry to add to: on a fresh deployment, the defaults the first tick would seed (saved with the addition). */
async function registryForUpdate(env: Env, store: FeedStore, now: string): Promise<FeedConfig[]> {
  const feeds = await store.listFeeds()
  if (feeds) return feeds
  return readSettings(env).seedDefaultFeeds ? defaultFeedConfigs(now) : []
}

async function findFeed(store: FeedStore, id: string): Promise<{ feeds: FeedConfig[]; feed: FeedConfig }> {
  const feeds = (await store.listFeeds()) ?? []
  const feed = feeds.find((f) => f.id === id)
  if (!feed) throw new ApiError(404, 'feed_not_found', `no feed with id ${id}`)
  return { feeds, feed }
}

export const feedRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const store = new FeedStore(c.env.STORE)
    // Reads never seed the registry: the first tick (or the first POST) does.
    const [feeds, lastTick] = await Promise.all([store.listFeeds().then((f) => f ?? []), new HeartbeatStore(c.env.STORE).read()])
    const states = await Promise.all(feeds.map((f) => store.getState(f.id)))
    const period = cronPeriodMinutes(lastTick?.cron ?? null)
    const items = feeds.map((feed, i) => {
      const state = states[i] ?? null
      // Unchanged polls write nothing: a healthy feed was last checked on its last due slot before the last tick.
      let lastCheckedAt = state?.lastCheckedAt ?? null
      if (lastTick && state && state.retryAt === null && state.lastSuccessAt !== null) {
        const slot = new Date(lastDueSlotAt(feed, Date.parse(lastTick.at), period)).toISOString()
        if (slot >= feed.addedAt && (lastCheckedAt === null || slot > lastCheckedAt)) lastCheckedAt = slot
      }
      return toFeedDto(feed, state, lastCheckedAt)
    })
    return c.json({ items })
  })
  .post('/', tooLarge(MAX_JSON_BODY_BYTES), validate('json', createFeedSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new FeedStore(c.env.STORE)
    const now = new Date().toISOString()
    const existing = await registryForUpdate(c.env, store, now)
    const candidate = { url: body.url, title: body.title ?? null, intervalMinutes: body.intervalMinutes ?? null, options: pickOptions(body) }
    const result = await registerFeeds(existing, [candidate], {
      checkUrl: urlChecker(c.env),
      source: 'api',
      now,
    })
    const refused = result.refused[0]
    if (refused) throw new ApiError(400, refused.code, refused.message)
    const duplicate = result.duplicates[0]
    if (duplicate) throw new ApiError(409, 'duplicate_feed', `feed ${duplicate.url} is already registered as ${duplicate.existingId}`)
    const added = result.added[0]
    if (!added) throw new Error('feeds: registration produced no feed')
    await store.saveFeeds(result.feeds)
    return c.json(toFeedDto(added, null, null), 201)
  })
  .patch('/:id', tooLarge(MAX_JSON_BODY_BYTES), validate('json', patchFeedSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new FeedStore(c.env.STORE)
    const { feeds, feed } = await findFeed(store, c.req.param('id'))
    const updated: FeedConfig = {
      ...feed,
      ...pickOptions(body),
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.intervalMinutes !== undefined ? { intervalMinutes: body.intervalMinutes } : {}),
    }
    let state = await store.getState(feed.id)
    if (body.enabled && state) {
      state = { ...state, disabled: null, failingSince: null, consecutiveFailures: 0, retryAt: null }
      await store.putState(state)
    }
    const { enabled: _enabled, ...configChange } = body
    if (Object.keys(configChange).length > 0) await store.saveFeeds(feeds.map((f) => (f.id === feed.id ? updated : f)))
    return c.json(toFeedDto(updated, state, null))
  })
  .delete('/:id', async (c) => {
    const store = new FeedStore(c.env.STORE)
    const { feeds, feed } = await findFeed(store, c.req.param('id'))
    await store.saveFeeds(feeds.filter((f) => f.id !== feed.id))
    await store.deleteState(feed.id)
    return c.body(null, 204)
  })
  .post('/:id/check', async (c) => {
    const deps = createDeps(c.env)
    const { feed } = await findFeed(deps.feeds, c.req.param('id'))
    const state = await deps.feeds.getState(feed.id)
    const result = await refreshFeed(deps, feed, state, Date.now())
    // With a queue bound, consumers and this route stage their pages and the cron alone writes the list.
    const pages = { add: result.trackedPages, remove: result.removedPages }
    if (deps.feedQueue) await deps.trackedPages.stage(pages)
    else await deps.trackedPages.update(pages, Date.now())
    await followStories(deps, result.candidates, Date.now(), result.quietCandidates)
    return c.json({
      feedId: result.feedId,
      outcome: result.outcome,
      newArticles: result.newArticles,
      revisedArticles: result.revisedArticles,
      ...(result.error ? { error: result.error } : {}),
    })
  })
  .post('/import', tooLarge(MAX_OPML_BODY_BYTES), async (c) => {
    const text = await c.req.text()
    const parsed = parseOpml(text)
    if (!parsed.ok) throw new ApiError(400, 'invalid_opml', parsed.message)
    const store = new FeedStore(c.env.STORE)
    const now = new Date().toISOString()
    const existing = await registryForUpdate(c.env, store, now)
    const result = await registerFeeds(
      existing,
      parsed.feeds.map((f) => ({ url: f.url, title: f.title === null ? null : f.title.slice(0, MAX_TITLE_CHARS), intervalMinutes: null })),
      { checkUrl: urlChecker(c.env), source: 'opml', now },
    )
    if (result.added.length > 0) await store.saveFeeds(result.feeds)
    return c.json({
      added: result.added.map((f) => ({ id: f.id, url: f.url, title: f.title })),
      duplicates: result.duplicates,
      refused: result.refused,
    })
  })
  .all('/', methodNotAllowed('GET, POST'))
  .all('/import', methodNotAllowed('POST'))
  .all('/:id', methodNotAllowed('PATCH, DELETE'))
  .all('/:id/check', methodNotAllowed('POST'))

/** GET /api/feeds.opml: the feed list as OPML 2.0, the format every feed reader imports. */
export const opmlExportRoute = new Hono<AppEnv>().get('/', async (c) => {
  const feeds = (await new FeedStore(c.env.STORE).listFeeds()) ?? []
  const xml = buildOpml(
    feeds.map((f) => ({ url: f.url, title: f.title })),
    { title: 'Storywatch feeds', createdAt: new Date().toISOString() },
  )
  return c.body(xml, 200, { 'content-type': 'text/x-opml; charset=utf-8', 'content-disposition': 'attachment; filename="storywatch-feeds.opml"' })
}).all('/', methodNotAllowed('GET'))
