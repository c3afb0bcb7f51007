// Benchmarks CPU per feed-check of a 50-item RSS feed through the real pipeline in Node (npx tsx bench/feed-check.bench.ts).
/// <reference path="../worker-configuration.d.ts" />
import { pathToFileURL } from 'node:url'
import Parser from 'rss-parser'
import { createDeps } from '../src/pipeline/deps'
import type { TickDeps } from '../src/pipeline/run-tick'
import { refreshFeed, type RefreshResult } from '../src/pipeline/refresh-feed'
import { followStories } from '../src/pipeline/track-stories'
import { recordCapture } from '../src/pipeline/record-capture'
import { fetchFeed } from '../src/feeds/fetch-feed'
import { parseFeed } from '../src/feeds/parse-feed'
import { feedIdForUrl } from '../src/feeds/feed-store'
import { normaliseFeed } from '../src/articles/normalise-item'
import { sha256Hex } from '../src/core/hash'
import { normaliseForCompare } from '../src/core/normalise-text'
import { normaliseForRevision } from '../src/core/normalise-for-revision'
import { htmlToText } from '../src/articles/html-to-text'
import { classifyRevision, toRevisionFields } from '../src/revisions/classify-revision'
import { analyseArticle } from '../src/stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../src/stories/background-df'
import { buildProfile } from '../src/stories/story-profile'
import { StoryMatcher } from '../src/stories/story-matcher'
import { seedArticle } from '../src/stories/story-registry'
import type { StoryRecord } from '../src/stories/story-store'
import type { FeedConfig, FeedState } from '../src/model/feed'
import type { ArticleRecord } from '../src/model/article'
import type { KvCounts } from '../src/storage/counting-kv'
import { MemoryKv } from './lib/memory-kv'
import { generateFeedSeries } from './lib/generated-feed'
import { fakeFeedFetch, type FeedResponse } from './lib/fake-feed-server'
import { TOPICS, seedText } from './lib/news-text'

const FEED_URL = 'https://news.example.com/rss/uk.xml'
const ITEMS = 50
const NEW_PER_CHECK = 5
const EDITED_PER_CHECK = 5
const STORIES = 20
const WARMUP = 15
/** A cron tick every 5 minutes: the simulated clock advances by this per check. */
const TICK_MS = 5 * 60_000
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
/** Issue 6 targets, as fractions of a bare rss-parser parse of the same bytes. */
const TARGET_UNCHANGED = 0.05
const TARGET_CHANGED = 1.5

/** One measured case: medians over `runs` checks. */
export interface FeedCheckCase {
  id: 'a' | 'b' | 'c' | 'd'
  name: string
  runs: number
  /** process.cpuUsage() user + system, µs per check (the whole process: libuv threads doing SHA-256 included). */
  cpuMedianUs: number
  cpuP90Us: number
  wallMedianUs: number
  /** KV operations per check (median; every check of a case made the same number). */
  kv: KvCounts | null
  outcome: string
}

/** One stage of a changed-feed check, mean CPU µs per check, measured on a replica of refreshFeed's steps. */
export interface StageTiming {
  stage: string
  cpuUs: number
  /** Set for a part of the stage above it, measured separately on the same inputs. */
  partOf?: string
}

export interface FeedCheckResult {
  feedBytes: number
  items: number
  meanContentWords: number
  stories: number
  cases: FeedCheckCase[]
  /** (b) / (d) and (c) / (d), CPU medians. */
  unchangedRatio: number
  changedRatio: number
  /** (c) split: refreshFeed (with the state read) and followStories, CPU medians. */
  changedRefreshUs: number
  changedMatchUs: number
  /** Per changed check: articles new, revised, scored against the stories, matched, alerts. */
  perChange: { newArticles: number; revisedArticles: number; candidates: number; matched: number; alertsRaised: number }
  /** Cost of the fake fetch itself (building the Response and reading its body), µs, included in (a)–(c). */
  harnessUs: number
  breakdown: StageTiming[]
  breakdownTotalUs: number
}

function cpuNow(): number {
  const u = process.cpuUsage()
  return u.user + u.system
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return 0
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (at - lo)
}

const median = (values: readonly number[]): number => quantile(values, 0.5)
const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits

function fakeEnv(kv: MemoryKv): Env {
  const vars = {
    STORE: kv.asBinding(),
    ALLOW_LOOPBACK_FEEDS: 'false',
    SEED_DEFAULT_FEEDS: 'false',
    PUBLIC_HISTORY: 'false',
    SEED_DEFAULT_STORY: 'false',
    PUBLIC_BASE_URL: '',
    EMAIL_PROVIDER: '',
    EMAIL_FROM: '',
    EMAIL_API_URL: '',
    API_TOKEN: 'bench',
  }
  return vars as unknown as Env
}

/** Twenty tracked stories, seeded from the first twenty of the generator's forty topics (the rest go untracked). */
function storyRecords(nowIso: string): StoryRecord[] {
  return TOPICS.slice(0, STORIES).map((topic, i) => {
    const title = topic.subject.charAt(0).toUpperCase() + topic.subject.slice(1)
    return {
      id: `story-${i}`,
      title,
      createdAt: nowIso,
      updatedAt: nowIso,
      isDefault: false,
      seedArticleIds: [],
      keywords: [],
      excludeKeywords: [],
      threshold: null,
      profile: buildProfile({ title, seeds: [seedArticle(seedText(topic, 100 + i)), seedArticle(seedText(topic, 200 + i))] }, DEFAULT_BACKGROUND),
      counts: { matches: 0, alerts: 0, feedbackRelevant: 0, feedbackIrrelevant: 0 },
    }
  })
}

/** A world: in-memory KV holding the feed's first poll and the 20 stories, a feed served by a fake server. */
interface World {
  kv: MemoryKv
  feed: FeedConfig
  serving: FeedResponse
  honourConditional: boolean
  clock: number
  deps(): TickDeps
}

async function createWorld(bodies: readonly Uint8Array[]): Promise<World> {
  const world: World = {
    kv: new MemoryKv(() => world.clock),
    feed: {
      id: await feedIdForUrl(FEED_URL),
      url: FEED_URL,
      title: 'Example News: UK',
      intervalMinutes: 5,
      addedAt: new Date(T0 - 86_400_000).toISOString(),
      source: 'api',
      fetchArticles: false,
      articleSelector: null,
      minChangeWords: 1,
      headlineOnly: false,
    },
    serving: { body: bodies[0] ?? new Uint8Array(), etag: '"v0"' },
    honourConditional: true,
    clock: T0,
    // One invocation's dependencies, as createDeps builds them, with the fake at the one network boundary.
    deps: () => ({ ...createDeps(fakeEnv(world.kv)), fetch: fakeFeedFetch(() => world.serving, { honourConditional: world.honourConditional }) }),
  }
  const deps = world.deps()
  await deps.stories.save(storyRecords(new Date(T0).toISOString()))
  await deps.feeds.saveFeeds([world.feed])
  // The first poll brings the back catalogue: 50 new articles, scored quietly (no alerts).
  const first = await refreshFeed(deps, world.feed, await deps.feeds.getState(world.feed.id), world.clock)
  if (first.outcome !== 'updated' || first.newArticles !== ITEMS) throw new Error(`bench: first poll was ${first.outcome} with ${first.newArticles} new`)
  await followStories(deps, first.candidates, world.clock, first.quietCandidates)
  return world
}

/** One feed-check as a tick makes it: read the feed state, refresh the feed, then score what changed. */
async function check(world: World, match: boolean): Promise<{ result: RefreshResult; kv: KvCounts; matched: number; alerts: number; splitCpu: number }> {
  const deps = world.deps()
  const state = await deps.feeds.getState(world.feed.id)
  const result = await refreshFeed(deps, world.feed, state, world.clock)
  const splitCpu = cpuNow()
  let matched = 0
  let alerts = 0
  if (match) {
    const stories = await followStories(deps, result.candidates, world.clock, result.quietCandidates)
    if (stories.error) throw new Error(stories.error)
    matched = stories.matched
    alerts = stories.alertsRaised
  }
  return { result, kv: { ...deps.kvCounts }, matched, alerts, splitCpu }
}

interface Sample {
  cpu: number
  wall: number
}

async function measure(runs: number, warmup: number, once: (i: number) => Promise<void>): Promise<Sample[]> {
  for (let i = 0; i < warmup; i++) await once(i)
  const samples: Sample[] = []
  for (let i = 0; i < runs; i++) {
    const wall = performance.now()
    const cpu = cpuNow()
    await once(warmup + i)
    samples.push({ cpu: cpuNow() - cpu, wall: (performance.now() - wall) * 1000 })
  }
  return samples
}

function summarise(id: FeedCheckCase['id'], name: string, samples: Sample[], kv: KvCounts[], outcome: string): FeedCheckCase {
  const cpu = samples.map((s) => s.cpu)
  const kvMedian = (k: keyof KvCounts) => median(kv.map((c) => c[k]))
  return {
    id,
    name,
    runs: samples.length,
    cpuMedianUs: round(median(cpu)),
    cpuP90Us: round(quantile(cpu, 0.9)),
    wallMedianUs: round(median(samples.map((s) => s.wall))),
    kv: kv.length === 0 ? null : { reads: kvMedian('reads'), writes: kvMedian('writes'), deletes: kvMedian('deletes'), lists: kvMedian('lists') },
    outcome,
  }
}

/**
 * Runs (a) 304, (b) identical 200 body, (c) changed feed (5 new + 5 edited of 50, matched against 20 stories) through
 * refreshFeed / followStories on an in-memory KV, and (d) rss-parser's parseString alone on the same bytes; `runs`
 * measured checks per case after warm-up, then a stage breakdown of (c).
 */
export async function runFeedCheckBench(runs = 60): Promise<FeedCheckResult> {
  const versions = WARMUP + runs
  const bodies = generateFeedSeries({ items: ITEMS, newPerVersion: NEW_PER_CHECK, editedPerVersion: EDITED_PER_CHECK, versions: versions * 2 })
  const decoder = new TextDecoder()
  const texts = bodies.map((b) => decoder.decode(b))
  const changedBodies = (offset: number, i: number) => 1 + offset + i

  // (d) rss-parser alone, on the bodies (c) will see.
  const parser = new Parser()
  const dSamples = await measure(runs, WARMUP, async (i) => {
    await parser.parseString(texts[changedBodies(0, i)] ?? '')
  })

  const world = await createWorld(bodies)

  // (a) The server answers 304 to the conditional GET.
  world.honourConditional = true
  world.serving = { body: bodies[0] ?? new Uint8Array(), etag: '"v0"' }
  const aKv: KvCounts[] = []
  const aOutcomes = new Set<string>()
  const aSamples = await measure(runs, WARMUP, async (i) => {
    world.clock = T0 + (i + 1) * TICK_MS
    const r = await check(world, true)
    aKv.push(r.kv)
    aOutcomes.add(r.result.outcome)
  })

  // (b) The server ignores validators and sends the same bytes with 200: hashed, found equal, not parsed.
  world.honourConditional = false
  const bKv: KvCounts[] = []
  const bOutcomes = new Set<string>()
  const bSamples = await measure(runs, WARMUP, async (i) => {
    world.clock = T0 + (versions + i + 1) * TICK_MS
    const r = await check(world, true)
    bKv.push(r.kv)
    bOutcomes.add(r.result.outcome)
  })

  // (c) Each check serves the next version: 5 new items, 5 edited, 40 as before. Parsed, normalised, detected, matched.
  world.honourConditional = true
  const cKv: KvCounts[] = []
  const cOutcomes = new Set<string>()
  const split: { refresh: number; match: number }[] = []
  const per = { newArticles: 0, revisedArticles: 0, candidates: 0, matched: 0, alertsRaised: 0 }
  let cCount = 0
  const cSamples = await measure(runs, WARMUP, async (i) => {
    const v = changedBodies(0, i)
    world.clock = T0 + (2 * versions + i + 1) * TICK_MS
    world.serving = { body: bodies[v] ?? new Uint8Array(), etag: `"v${v}"` }
    const start = cpuNow()
    const r = await check(world, true)
    const end = cpuNow()
    cKv.push(r.kv)
    cOutcomes.add(`${r.result.outcome} (${r.result.newArticles} new, ${r.result.revisedArticles} revised)`)
    if (i >= WARMUP) {
      split.push({ refresh: r.splitCpu - start, match: end - r.splitCpu })
      per.newArticles += r.result.newArticles
      per.revisedArticles += r.result.revisedArticles
      per.candidates += r.result.candidates.length
      per.matched += r.matched
      per.alertsRaised += r.alerts
      cCount++
    }
  })
  const measuredKv = (kv: KvCounts[]) => kv.slice(WARMUP)

  const cases = [
    summarise('a', '(a) 304 Not Modified', aSamples, measuredKv(aKv), [...aOutcomes].join(', ')),
    summarise('b', '(b) 200, identical body (hash equal, no parse)', bSamples, measuredKv(bKv), [...bOutcomes].join(', ')),
    summarise('c', '(c) changed: parse, normalise, detect, match 20 stories', cSamples, measuredKv(cKv), [...cOutcomes].join(', ')),
    summarise('d', "(d) rss-parser parseString alone, same bytes", dSamples, [], 'parsed'),
  ]
  const cpuOf = (id: FeedCheckCase['id']) => cases.find((c) => c.id === id)?.cpuMedianUs ?? NaN

  const harnessUs = await measureHarness(bodies[1] ?? new Uint8Array(), runs)
  const { stages, total } = await breakdown(bodies, texts, runs, parser)
  const contentWords = texts[1]?.match(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]>/g)?.map((m) => m.replace(/<[^>]+>/g, ' ').split(/\s+/).filter(Boolean).length) ?? []

  return {
    feedBytes: bodies[1]?.byteLength ?? 0,
    items: ITEMS,
    meanContentWords: round(contentWords.reduce((s, n) => s + n, 0) / Math.max(1, contentWords.length)),
    stories: STORIES,
    cases,
    unchangedRatio: round(cpuOf('b') / cpuOf('d'), 3),
    changedRatio: round(cpuOf('c') / cpuOf('d'), 2),
    changedRefreshUs: round(median(split.map((s) => s.refresh))),
    changedMatchUs: round(median(split.map((s) => s.match))),
    perChange: {
      newArticles: round(per.newArticles / cCount, 1),
      revisedArticles: round(per.revisedArticles / cCount, 1),
      candidates: round(per.candidates / cCount, 1),
      matched: round(per.matched / cCount, 1),
      alertsRaised: round(per.alertsRaised / cCount, 1),
    },
    harnessUs,
    breakdown: stages,
    breakdownTotalUs: total,
  }
}

/** CPU of the fake server alone: building the Response and reading its body, as guardedFetch does. */
async function measureHarness(body: Uint8Array, runs: number): Promise<number> {
  const fetchFn = fakeFeedFetch(() => ({ body, etag: '"x"' }), { honourConditional: false })
  const samples = await measure(runs, WARMUP, async () => {
    const response = await fetchFn(FEED_URL, { headers: {} })
    const reader = response.body?.getReader()
    while (reader && !(await reader.read()).done);
  })
  return round(median(samples.map((s) => s.cpu)))
}

/**
 * Where the time of a changed check goes. Replays refreshFeed's steps for a feed without page fetches (state read,
 * fetchFeed, parseFeed, normaliseFeed, recordCapture per changed item, state write) and followStories, on a fresh
 * world, timing each; parts (rss-parser, SHA-256, classify, registry JSON, matcher, scoring) are timed separately on
 * the same inputs. Means per check over `runs` checks.
 */
async function breakdown(bodies: readonly Uint8Array[], texts: readonly string[], runs: number, parser: Parser): Promise<{ stages: StageTiming[]; total: number }> {
  const world = await createWorld(bodies)
  const sums = new Map<string, number>()
  const order: StageTiming[] = []
  const add = (stage: string, us: number, partOf?: string) => {
    if (!sums.has(stage)) order.push({ stage, cpuUs: 0, ...(partOf ? { partOf } : {}) })
    sums.set(stage, (sums.get(stage) ?? 0) + us)
  }
  const timed = async <T>(stage: string, fn: () => Promise<T> | T, partOf?: string): Promise<T> => {
    const start = cpuNow()
    const out = await fn()
    add(stage, cpuNow() - start, partOf)
    return out
  }
  let measured = 0
  for (let i = 0; i < WARMUP + runs; i++) {
    if (i === WARMUP) {
      sums.clear()
      order.length = 0
    }
    const v = 1 + i
    world.clock = T0 + (i + 1) * TICK_MS
    world.serving = { body: bodies[v] ?? new Uint8Array(), etag: `"v${v}"` }
    const deps = world.deps()
    const nowIso = new Date(world.clock).toISOString()
    const STATE = 'feed state: KV read + JSON.parse'
    const state = (await timed(STATE, () => deps.feeds.getState(world.feed.id))) as FeedState
    const FETCH = 'fetchFeed: fake response, body read, SHA-256 of body, decode'
    const fetched = await timed(FETCH, () =>
      fetchFeed(deps.fetch, world.feed.url, state.validators, { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, allowLoopback: false, userAgent: 'bench' }),
    )
    if (fetched.kind !== 'ok') throw new Error(`bench: breakdown fetch was ${fetched.kind}`)
    await timed('SHA-256 of the body (crypto.subtle)', () => sha256Hex(bodies[v] ?? new Uint8Array()), FETCH)
    const PARSE = 'parseFeed (rss-parser + entity repair + item mapping)'
    const parsed = await timed(PARSE, () => parseFeed(fetched.text, fetched.finalUrl))
    if (parsed.kind !== 'ok') throw new Error('bench: breakdown parse failed')
    await timed('rss-parser parseString (custom fields off)', () => parser.parseString(texts[v] ?? ''), PARSE)
    const NORMALISE = 'normaliseFeed (50 items: ids, html-to-text, hashes)'
    const { snapshots } = await timed(NORMALISE, () => normaliseFeed(parsed.feed, { feedId: world.feed.id, feedUrl: fetched.finalUrl, capturedAt: nowIso }))
    await timed(
      '150 × SHA-256 (id, raw hash, content hash per item)',
      () => Promise.all(snapshots.flatMap((s) => [sha256Hex(s.url), sha256Hex(`${s.title}\u0000${s.summary}\u0000${s.content}\u0000${s.author ?? ''}\u0000${s.url}`), sha256Hex(`${s.title}\u0000${s.summary}\u0000${s.content}`)])),
      NORMALISE,
    )
    await timed('htmlToText of title, description, content (50 items)', () => {
      for (const item of parsed.feed.items) for (const html of [item.title, item.summaryHtml, item.contentHtml]) htmlToText(html ?? '')
    }, NORMALISE)
    await timed('normaliseForCompare ×2 + normaliseForRevision ×3 per item', () => {
      for (const s of snapshots) {
        normaliseForCompare(s.summary)
        normaliseForCompare(s.content)
        for (const text of [s.title, s.summary, s.content]) normaliseForRevision(text)
      }
    }, NORMALISE)
    const changed = snapshots.filter((s) => state.items[s.articleId] !== s.rawHash)
    const records = await timed('article records: KV read + JSON.parse (changed items)', () => Promise.all(changed.map((s) => deps.articles.get(s.articleId))))
    await timed('classifyRevision (edited items)', () => {
      changed.forEach((s, k) => {
        const record = records[k]
        if (record && record.current.rawHash !== s.rawHash) classifyRevision(toRevisionFields(record.current), toRevisionFields(s))
      })
    })
    const RECORD = 'recordCapture: classify again, build alerts, KV JSON writes'
    const candidates: ArticleRecord[] = []
    const items: Record<string, string> = {}
    for (const s of snapshots) items[s.articleId] = s.rawHash
    await timed(RECORD, async () => {
      for (const s of changed) {
        const outcome = await deps.articleLock.run(s.articleId, () =>
          recordCapture(deps, s, { lastSeenHash: state.items[s.articleId] ?? null, policy: world.feed, trackPage: false, fromFeedPoll: true }),
        )
        if (outcome.kind === 'new' || (outcome.kind === 'revised' && !outcome.minor)) candidates.push(outcome.record)
      }
    })
    await timed('feed state: JSON.stringify + KV write', () =>
      deps.feeds.putState({ ...state, validators: fetched.validators, feedTitle: parsed.feed.title, lastCheckedAt: nowIso, lastSuccessAt: nowIso, lastChangedAt: nowIso, items }),
    )
    const MATCH = 'followStories (10 articles × 20 stories, writes, adapt, save)'
    await timed(MATCH, () => followStories(deps, candidates, world.clock, []))
    const stories = await timed('story registry: KV read + JSON.parse (×2 per changed run)', async () => [await deps.stories.list(), await deps.stories.list()][0] ?? [], MATCH)
    const matcher = await timed('StoryMatcher index over 20 profiles', () => new StoryMatcher(stories.map((s) => s.profile), DEFAULT_BACKGROUND), MATCH)
    await timed(
      'analyseArticle + scoreAll (10 articles)',
      () => {
        for (const r of candidates) matcher.scoreAll(analyseArticle({ title: r.current.title, text: [r.current.summary, r.current.content].filter(Boolean).join('\n\n') }))
      },
      MATCH,
    )
    await timed('story registry: JSON.stringify + KV write', () => deps.stories.save(stories), MATCH)
    if (i >= WARMUP) measured++
  }
  const stages = order.map((s) => ({ ...s, cpuUs: round((sums.get(s.stage) ?? 0) / measured) }))
  const total = round(stages.filter((s) => !s.partOf && !s.stage.startsWith('classifyRevision') && !s.stage.startsWith('article records')).reduce((n, s) => n + s.cpuUs, 0))
  return { stages, total }
}

/** The results as markdown: the cases, the ratios against the targets, KV operations and the breakdown of (c). */
export function formatFeedCheckTable(r: FeedCheckResult): string {
  const d = r.cases.find((c) => c.id === 'd')?.cpuMedianUs ?? NaN
  const kv = (c: FeedCheckCase) => (c.kv ? `${c.kv.reads} / ${c.kv.writes} / ${c.kv.lists} / ${c.kv.deletes}` : '–')
  const verdict = (ratio: number, target: number) => (ratio <= target ? `**met** (target ≤ ${target})` : `**not met** (target ≤ ${target})`)
  const lines = [
    `A ${ITEMS}-item RSS 2.0 feed (${Math.round(r.feedBytes / 1024)} KB; descriptions of 40–80 words, content:encoded of about ` +
      `${r.meanContentWords} words in 4–8 paragraphs), polled through \`refreshFeed\` with deps from \`createDeps\` on an in-memory KV ` +
      `and a fake fetch; (c) then runs \`followStories\` against ${r.stories} stories built with \`buildProfile\`. CPU is ` +
      '`process.cpuUsage()` (user + system, whole process) per check; medians after warm-up.',
    '',
    '| Case | Checks | CPU µs (median) | CPU µs (p90) | Wall µs (median) | KV reads / writes / lists / deletes per check | Outcome |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...r.cases.map((c) => `| ${c.name} | ${c.runs} | ${c.cpuMedianUs} | ${c.cpuP90Us} | ${c.wallMedianUs} | ${kv(c)} | ${c.outcome} |`),
    '',
    `- (b) / (d) = ${r.unchangedRatio} (${round(r.unchangedRatio * 100, 1)}% of a bare parse): ${verdict(r.unchangedRatio, TARGET_UNCHANGED)}.`,
    `- (c) / (d) = ${r.changedRatio}×: ${verdict(r.changedRatio, TARGET_CHANGED)}. Of (c)'s median, refreshFeed with its state read took ` +
      `${r.changedRefreshUs} µs (${round(r.changedRefreshUs / d, 2)}× the bare parse) and followStories ${r.changedMatchUs} µs.`,
    `- Per changed check: ${r.perChange.newArticles} new and ${r.perChange.revisedArticles} revised articles, ${r.perChange.candidates} scored ` +
      `against ${r.stories} stories, ${r.perChange.matched} matches, ${r.perChange.alertsRaised} alerts raised.`,
    `- The fake fetch itself (Response built, body read) costs ${r.harnessUs} µs of CPU per 200 response; it is included in (b) and (c). ` +
      'In Node, each crypto.subtle digest is a libuv thread-pool job; whole-process CPU counts that thread too.',
    '',
    `Where the time of a changed check goes (mean CPU µs per check; a replica of refreshFeed's steps calling the same functions; ` +
      `indented rows are parts of the row above, timed separately on the same inputs; stages sum to ${r.breakdownTotalUs} µs):`,
    '',
    '| Stage | CPU µs | Share of stages |',
    '| --- | ---: | ---: |',
    ...r.breakdown.map((s) => `| ${s.partOf ? '  ↳ ' : ''}${s.stage} | ${s.cpuUs} | ${s.partOf || s.stage.startsWith('classifyRevision') || s.stage.startsWith('article records') ? '' : `${round((s.cpuUs / r.breakdownTotalUs) * 100)}%`} |`),
  ]
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.env.BENCH_RUNS ?? 60)
  console.log(`Feed-check CPU, Node ${process.version}, ${runs} checks per case\n`)
  console.log(formatFeedCheckTable(await runFeedCheckBench(runs)))
}
