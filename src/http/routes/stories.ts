// /api/stories: tracked stories (create with backfill, read, change, delete), their matches and newsroom feedback.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { AppEnv } from '../app-env'
import type { ArticleRecord } from '../../model/article'
import type { StoryMatchRecord, StoryRecord } from '../../stories/story-store'
import { ApiError, methodNotAllowed } from '../errors'
import { validate } from '../validation'
import { DEFAULT_PAGE_SIZE, makeCursor, pageQuery, readCursor } from '../pagination'
import { StoryStore, matchRecordFor } from '../../stories/story-store'
import { ArticleStore } from '../../articles/article-store'
import { AlertStore } from '../../alerts/alert-store'
import { newStoryRecord, profileFor, seedArticle } from '../../stories/story-registry'
import { analyseArticle } from '../../stories/analyse-article'
import { fullTextOf, leadTextOf } from '../../stories/story-text'
import { adaptProfile } from '../../stories/adapt-profile'
import { scoreArticle } from '../../stories/score-article'
import { DEFAULT_BACKGROUND } from '../../stories/background-df'
import { trackStories } from '../../pipeline/track-stories'
import { ARTICLE_ID_PATTERN } from '../version-diff'
import { currentStories, findStory, profileSummary } from '../story-lookup'

/** JSON bodies here carry seed text: a long article is ~50 KB. */
const MAX_BODY_BYTES = 256 * 1024
/** Articles scored when a story is created: the last 7 days of coverage, at most this many. */
const BACKFILL_DAYS = 7
// A request may make 1,000 KV operations: 200 reads plus a few writes per match stays well inside.
const MAX_BACKFILL_ARTICLES = 200
/** Stories one deployment tracks: every tick scores each new article against each story. */
const MAX_STORIES = 50
// What storyIdFor makes (a slug and a hex hash; the default story's slug): ids outside it were never stories.
const STORY_ID = /^[a-z0-9][a-z0-9-]{0,60}$/

const words = z.array(z.string().trim().min(1).max(100)).max(50)
const createSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    seedText: z.string().trim().min(50, 'a seed article of at least 50 characters').max(100_000).optional(),
    seedArticleIds: z.array(z.string().regex(ARTICLE_ID_PATTERN, 'an article id')).min(1).max(4).optional(),
    keywords: words.optional(),
    excludeKeywords: words.optional(),
    threshold: z.number().min(0.05).max(0.99).optional(),
  })
  .refine((b) => b.seedText !== undefined || b.seedArticleIds !== undefined, { message: 'give at least one seed: seedText or seedArticleIds' })
const patchSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    keywords: words.optional(),
    excludeKeywords: words.optional(),
    threshold: z.number().min(0.05).max(0.99).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' })
const feedbackSchema = z.strictObject({ articleId: z.string().regex(ARTICLE_ID_PATTERN, 'an article id'), relevant: z.boolean() })
const matchesSchema = z.strictObject({ ...pageQuery })

const tooLarge = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`)
  },
})

function toStoryDto(story: StoryRecord) {
  return {
    id: story.id,
    title: story.title,
    isDefault: story.isDefault,
    createdAt: story.createdAt,
    updatedAt: story.updatedAt,
    keywords: story.keywords,
    excludeKeywords: story.excludeKeywords,
    threshold: story.threshold ?? story.profile.threshold,
    seedArticleIds: story.seedArticleIds,
    counts: { ...story.counts },
  }
}

function toStoryDetailDto(story: StoryRecord) {
  return { ...toStoryDto(story), profile: profileSummary(story) }
}

function toMatchDto(m: StoryMatchRecord) {
  return {
    articleId: m.articleId,
    title: m.title,
    url: m.url,
    feedId: m.feedId,
    publishedAt: m.publishedAt,
    score: Math.round(m.score * 1000) / 1000,
    matchedAt: m.matchedAt,
    explanation: { terms: [...m.explanation.terms], entities: [...m.explanation.entities], phrases: [...m.explanation.phrases] },
    clusterId: m.clusterId,
    via: m.via,
    relevant: m.relevant,
  }
}

/** Stored articles first seen in the last `BACKFILL_DAYS`, newest first. */
async function recentArticles(articles: ArticleStore, nowMs: number): Promise<ArticleRecord[]> {
  const since = new Date(nowMs - BACKFILL_DAYS * 86_400_000).toISOString()
  const out: ArticleRecord[] = []
  let cursor: string | null = null
  do {
    const page = await articles.list({ limit: 100, kvCursor: cursor, feedId: null })
    for (const r of page.records) {
      if (r.firstSeenAt < since) return out
      out.push(r)
      if (out.length >= MAX_BACKFILL_ARTICLES) return out
    }
    cursor = page.nextKvCursor
  } while (cursor)
  return out
}

export const storyRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const stories = await currentStories(c.env, new StoryStore(c.env.STORE))
    return c.json({ items: stories.map(toStoryDto) })
  })
  .post('/', tooLarge, validate('json', createSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new StoryStore(c.env.STORE)
    const articles = new ArticleStore(c.env.STORE)
    const now = Date.now()
    const seeds = body.seedText ? [seedArticle(body.seedText)] : []
    for (const id of body.seedArticleIds ?? []) {
      const record = await articles.get(id)
      if (!record) throw new ApiError(400, 'unknown_seed_article', `seedArticleIds: no stored article with id ${id}`)
      seeds.push(fullTextOf(record))
    }
    const stories = await currentStories(c.env, store)
    if (stories.length >= MAX_STORIES) throw new ApiError(409, 'too_many_stories', `stories: at most ${MAX_STORIES} stories can be tracked`)
    const story = await newStoryRecord(
      {
        title: body.title,
        seeds,
        seedArticleIds: body.seedArticleIds ?? [],
        keywords: body.keywords ?? [],
        excludeKeywords: body.excludeKeywords ?? [],
        threshold: body.threshold ?? null,
      },
      { now: new Date(now).toISOString() },
    )
    if (body.seedText) await store.putSeed(story.id, body.seedText)
    // Backfill: the last week's stored coverage is scored at once (matches recorded, no alerts for old news).
    const backfill = await trackStories({ stories: store, alerts: new AlertStore(c.env.STORE) }, [story], await recentArticles(articles, now), {
      nowMs: now,
      raiseAlerts: false,
      // Old coverage is not reviewed news: it does not teach the new profile anything.
      adapt: false,
      via: 'backfill',
    })
    const saved = backfill.stories[0] ?? story
    await store.save([...stories, saved])
    return c.json({ ...toStoryDetailDto(saved), backfill: { scored: backfill.summary.scored, matched: backfill.summary.matched } }, 201)
  })
  .get('/:id', async (c) => {
    const { story } = await findStory(c.env, new StoryStore(c.env.STORE), c.req.param('id'))
    return c.json(toStoryDetailDto(story))
  })
  .patch('/:id', tooLarge, validate('json', patchSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new StoryStore(c.env.STORE)
    const articles = new ArticleStore(c.env.STORE)
    const { stories, story } = await findStory(c.env, store, c.req.param('id'))
    const next: StoryRecord = {
      ...story,
      title: body.title ?? story.title,
      keywords: body.keywords ?? story.keywords,
      excludeKeywords: body.excludeKeywords ?? story.excludeKeywords,
      threshold: body.threshold === undefined ? story.threshold : body.threshold,
      updatedAt: new Date().toISOString(),
    }
    if (body.keywords !== undefined || body.excludeKeywords !== undefined) {
      // New keywords rebuild the profile from the seeds (what the story learned from matches starts again).
      const seedText = story.isDefault ? null : await store.getSeed(story.id)
      const seeds = story.isDefault ? [seedArticle((await import('../../stories/default-story')).DEFAULT_STORY_SEED)] : seedText ? [seedArticle(seedText)] : []
      for (const id of story.seedArticleIds) {
        const record = await articles.get(id)
        if (record) seeds.push(fullTextOf(record))
      }
      next.profile = profileFor({ ...next, seeds })
    }
    await store.save(stories.map((s) => (s.id === story.id ? next : s)))
    return c.json(toStoryDetailDto(next))
  })
  .delete('/:id', async (c) => {
    const store = new StoryStore(c.env.STORE)
    const id = c.req.param('id')
    const stories = await currentStories(c.env, store)
    const story = stories.find((s) => s.id === id)
    if (story) await store.save(stories.filter((s) => s.id !== story.id))
    // A story with more match keys than one request deletes answers 202 and is finished by deleting it again, after it
    // has left the registry; an id that never was a story (or is clean) is 404.
    const deletion = story || STORY_ID.test(id) ? await store.deleteStory(id) : null
    if (!story && (deletion === null || deletion.matchKeysDeleted === 0)) throw new ApiError(404, 'story_not_found', `no story with id ${id}`)
    if (deletion?.matchKeysRemain) return c.json({ id, deleted: true, matchKeysDeleted: deletion.matchKeysDeleted, matchKeysRemain: true }, 202)
    return c.body(null, 204)
  })
  .get('/:id/matches', validate('query', matchesSchema), async (c) => {
    const q = c.req.valid('query')
    const store = new StoryStore(c.env.STORE)
    const { story } = await findStory(c.env, store, c.req.param('id'))
    const route = `matches:${story.id}`
    const kvCursor = await readCursor(q.cursor, route, c.env.API_TOKEN)
    const page = await store.listMatches(story.id, { limit: q.limit ?? DEFAULT_PAGE_SIZE, kvCursor })
    return c.json({ items: page.matches.map(toMatchDto), nextCursor: await makeCursor(page.nextKvCursor, route, c.env.API_TOKEN) })
  })
  .post('/:id/feedback', tooLarge, validate('json', feedbackSchema), async (c) => {
    const body = c.req.valid('json')
    const store = new StoryStore(c.env.STORE)
    const { stories, story } = await findStory(c.env, store, c.req.param('id'))
    const record = await new ArticleStore(c.env.STORE).get(body.articleId)
    if (!record) throw new ApiError(404, 'article_not_found', `no article with id ${body.articleId}`)
    const now = Date.now()
    const analysis = analyseArticle(leadTextOf(record))
    // The profile learns either way: a confirmed miss adds the article's vocabulary, a false alarm pushes it down.
    const next: StoryRecord = {
      ...story,
      profile: adaptProfile(story.profile, analysis, { now, relevant: body.relevant, source: 'feedback' }),
      counts: {
        ...story.counts,
        feedbackRelevant: story.counts.feedbackRelevant + (body.relevant ? 1 : 0),
        feedbackIrrelevant: story.counts.feedbackIrrelevant + (body.relevant ? 0 : 1),
      },
      updatedAt: new Date(now).toISOString(),
    }
    const existing = await store.getMatch(story.id, record.id)
    // The same verdict twice is one verdict: the profile does not learn it again.
    if (existing?.relevant === body.relevant) return c.json({ storyId: story.id, articleId: record.id, relevant: body.relevant, matched: true })
    if (existing) {
      await store.putMatch({ ...existing, relevant: body.relevant })
    } else if (body.relevant) {
      const score = scoreArticle(story.profile, analysis, DEFAULT_BACKGROUND)
      await store.putMatch(matchRecordFor(story.id, record, score, { matchedAt: new Date(now).toISOString(), clusterId: `dev_feedback_${record.id}`, via: 'feedback', relevant: true }))
      next.counts.matches++
    }
    await store.save(stories.map((s) => (s.id === story.id ? next : s)))
    return c.json({ storyId: story.id, articleId: record.id, relevant: body.relevant, matched: existing !== null || body.relevant })
  })
  .all('/', methodNotAllowed('GET, POST'))
  .all('/:id', methodNotAllowed('GET, PATCH, DELETE'))
  .all('/:id/matches', methodNotAllowed('GET'))
  .all('/:id/feedback', methodNotAllowed('POST'))
