// Orchestrator for one feed: conditional GET → parse → normalise → detect new and revised articles → store → alert.
import type { BodyMemory, FeedConfig, FeedError, FeedState, FeedValidators, ParsedFeed, StoredBodyMemory } from '../model/feed'
import type { FeedStore } from '../feeds/feed-store'
import type { ArticleStore } from '../articles/article-store'
import type { AlertStore } from '../alerts/alert-store'
import type { Settings } from '../config/settings'
import type { KeyedMutex } from '../core/keyed-mutex'
import { decodeBodyMemory, emptyFeedState, encodeBodyMemory } from '../feeds/feed-store'
import { fetchFeed, type CacheHints } from '../feeds/fetch-feed'
import { parseFeedBody, type NotAFeed } from '../feeds/parse-feed'
import { backoffMs } from '../feeds/schedule'
import { normaliseBody, type NormaliseContext, type NormaliseResult } from '../articles/normalise-item'
import type { TrackedPage } from '../articles/tracked-pages-store'
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import { capturePage } from './capture-page'
import { recordCapture, recordRemoval } from './record-capture'

export interface RefreshDeps {
  fetch: typeof fetch
  /** Serialises work on one article id across the feeds of one invocation. */
  articleLock: KeyedMutex
  feeds: FeedStore
  articles: ArticleStore
  alerts: AlertStore
  settings: Settings
  /** Page fetches left in this invocation (shared by all feeds and re-checks of one tick). */
  pageBudget: { remaining: number }
  /** Article ids whose page was already fetched in this invocation. */
  pagesFetched: Set<string>
  /** Live KV operation counts of this invocation, to stay inside the platform's per-invocation limit. */
  kvCounts: { reads: number; writes: number; deletes: number; lists: number }
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'not_modified' | 'error'

export interface RefreshResult {
  feedId: string
  outcome: RefreshOutcome
  newArticles: number
  revisedArticles: number
  alertsRaised: number
  error?: { code: string; message: string }
  /** Whether the feed state was written (the KV budget of an unchanged tick depends on this being rare). */
  stateWritten: boolean
  /** New articles whose pages are to be re-checked, and articles whose pages are gone. */
  trackedPages: TrackedPage[]
  removedPages: string[]
  /** New and revised (not minor) articles, to be scored against the stories. */
  candidates: ArticleRecord[]
  /** Articles of the feed's first successful poll (its back catalogue): scored, but not alerted as news. */
  quietCandidates: ArticleRecord[]
}

function needsRecoveryWrite(state: FeedState): boolean {
  return state.consecutiveFailures > 0 || state.retryAt !== null || state.lastSuccessAt === null || state.failingSince !== null
}

/** A feed failing for this long without a single success is disabled (with the reason) until someone re-enables it. */
export const FEED_DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000
/** Publisher hints longer than this are read as this: a feed is polled at least daily. */
const MAX_HINT_MINUTES = 24 * 60

/**
 * The publisher's own polling hint in minutes: the largest of `<ttl>`, `Cache-Control: max-age` and `Expires`,
 * rounded up to the cron period so a drifting `Expires` does not rewrite the state on every poll.
 */
function hintMinutes(hints: CacheHints, ttlMinutes: number | null, periodMinutes: number): number | null {
  const candidates = [ttlMinutes, hints.maxAgeSeconds === null ? null : hints.maxAgeSeconds / 60, hints.expiresSeconds === null ? null : hints.expiresSeconds / 60]
  const largest = Math.max(0, ...candidates.filter((c): c is number => c !== null && Number.isFinite(c)))
  if (largest <= periodMinutes) return null
  return Math.min(MAX_HINT_MINUTES, Math.ceil(largest / periodMinutes) * periodMinutes)
}

/**
 * State after a poll that found nothing new; null when nothing worth a KV write changed. Validators alone are not
 * worth one: servers that rotate ETag or Last-Modified on every request would otherwise cost a write per feed per tick.
 */
/**
 * A 304 or an identical body carries only header hints; the feed's own <ttl> was read with the last parsed body and is
 * part of the stored hint, so the larger of the two is kept (the next parsed body refreshes it).
 */
function keepHint(state: FeedState, headerHint: number | null): number | null {
  const kept = Math.max(headerHint ?? 0, state.minIntervalMinutes ?? 0)
  return kept > 0 ? kept : null
}

function healthyState(state: FeedState, validators: FeedValidators, nowIso: string, minIntervalMinutes: number | null): FeedState | null {
  if (!needsRecoveryWrite(state) && state.minIntervalMinutes === minIntervalMinutes) return null
  return { ...state, validators, lastCheckedAt: nowIso, lastSuccessAt: nowIso, consecutiveFailures: 0, retryAt: null, failingSince: null, minIntervalMinutes }
}

/** Items of one feed body processed at most (from the top); the rest are left out. */
const MAX_ITEMS_PER_FEED = 500

function kvOperations(c: { reads: number; writes: number; deletes: number; lists: number }): number {
  return c.reads + c.writes + c.deletes + c.lists
}

/** Page fetch failures worth retrying on the next tick; the rest will not fix themselves. */
export function isTransient(code: string): boolean {
  return code === 'timeout' || code === 'network_error' || code === 'http_429' || /^http_5\d\d$/.test(code)
}

function sameItems(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

function sameBody(a: StoredBodyMemory, b: StoredBodyMemory | null): boolean {
  return b !== null && a.context === b.context && a.printKind === b.printKind && a.items === b.items
}

export type ReadItems = { kind: 'ok'; feed: ParsedFeed; normalised: NormaliseResult } | NotAFeed

/**
 * Parses and normalises a new body, doing the work only for items whose raw XML changed since the last body: the
 * others are cut from the document before parsing and taken over from the feed state (see parseFeedBody and
 * normaliseBody). When one of them cannot be taken over exactly, the body is parsed again in full.
 */
export async function readFeedItems(text: string, feedUrl: string, state: FeedState, ctx: NormaliseContext): Promise<ReadItems> {
  const remembered = decodeBodyMemory(state.body)
  // Only items whose raw hash the state holds can be taken over (the hash is what the next poll compares with).
  const memory: BodyMemory | null =
    remembered === null
      ? null
      : { ...remembered, items: remembered.items.map((item) => (item.settled && (item.articleId === null || state.items[item.articleId] === undefined) ? { ...item, settled: false } : item)) }
  const leaveOut = memory?.printKind === 'chunk' ? new Set(memory.items.filter((item) => item.settled).map((item) => item.print)) : undefined
  const options = { maxItems: MAX_ITEMS_PER_FEED }
  const cut = await parseFeedBody(text, feedUrl, leaveOut === undefined ? options : { ...options, leaveOut })
  if (cut.kind !== 'ok') return cut
  const normalised = normaliseBody(cut.body, ctx, memory)
  if (normalised.kind === 'ok') return { kind: 'ok', feed: cut.body.feed, normalised: normalised.result }
  const whole = await parseFeedBody(text, feedUrl, options)
  if (whole.kind !== 'ok') return whole
  const again = normaliseBody(whole.body, ctx, memory)
  if (again.kind !== 'ok') throw new Error(`pipeline: a body parsed in full still needs a full parse (${again.reason})`)
  return { kind: 'ok', feed: whole.body.feed, normalised: again.result }
}

function failedState(state: FeedState, error: FeedError, retryAfterSeconds: number | null, nowMs: number): FeedState {
  const consecutiveFailures = state.consecutiveFailures + 1
  const failingSince = state.failingSince ?? error.at
  const disabled =
    state.disabled ?? (nowMs - Date.parse(failingSince) >= FEED_DISABLE_AFTER_MS ? { reason: `failing since ${failingSince}: ${error.message}`, at: error.at } : null)
  return {
    ...state,
    lastCheckedAt: error.at,
    errorCount: state.errorCount + 1,
    consecutiveFailures,
    lastError: error,
    failingSince,
    disabled,
    retryAt: new Date(nowMs + backoffMs(consecutiveFailures, retryAfterSeconds)).toISOString(),
  }
}

/**
 * Polls one feed and records what changed. Expected failures (HTTP error, timeout, not a feed) become the feed's
 * `lastError` and a backoff. An unexpected one (a bug, a KV outage) is logged and, if KV still answers, recorded the
 * same way with code `internal`, so a feed that always crashes backs off and shows its error instead of looking healthy.
 */
export async function refreshFeed(deps: RefreshDeps, feed: FeedConfig, stored: FeedState | null, nowMs: number): Promise<RefreshResult> {
  try {
    return await pollFeed(deps, feed, stored, nowMs)
  } catch (err) {
    console.error(`pipeline: feed ${feed.id} (${feed.url}) failed unexpectedly`, err)
    const error = { code: 'internal', message: `pipeline: unexpected failure while polling ${feed.url}` }
    const at = new Date(nowMs).toISOString()
    let stateWritten = false
    try {
      await deps.feeds.putState(failedState(stored ?? emptyFeedState(feed.id), { ...error, at }, null, nowMs))
      stateWritten = true
    } catch (writeErr) {
      console.error(`pipeline: could not record the failure of feed ${feed.id}`, writeErr)
    }
    return { feedId: feed.id, outcome: 'error', newArticles: 0, revisedArticles: 0, alertsRaised: 0, error, stateWritten, trackedPages: [], removedPages: [], candidates: [], quietCandidates: [] }
  }
}

async function pollFeed(deps: RefreshDeps, feed: FeedConfig, stored: FeedState | null, nowMs: number): Promise<RefreshResult> {
  const nowIso = new Date(nowMs).toISOString()
  const state = stored ?? emptyFeedState(feed.id)
  const base = { feedId: feed.id, newArticles: 0, revisedArticles: 0, alertsRaised: 0, trackedPages: [], removedPages: [], candidates: [], quietCandidates: [] }

  const fail = async (code: string, message: string, retryAfterSeconds: number | null): Promise<RefreshResult> => {
    await deps.feeds.putState(failedState(state, { code, message, at: nowIso }, retryAfterSeconds, nowMs))
    return { ...base, outcome: 'error', error: { code, message }, stateWritten: true }
  }

  const fetched = await fetchFeed(deps.fetch, feed.url, state.validators, {
    timeoutMs: deps.settings.fetchTimeoutMs,
    maxBytes: deps.settings.maxFeedBytes,
    allowLoopback: deps.settings.allowLoopback,
    userAgent: deps.settings.userAgent,
  })

  switch (fetched.kind) {
    case 'failed':
      return fail(fetched.code, fetched.message, fetched.retryAfterSeconds)
    case 'not_modified': {
      const next = healthyState(state, state.validators, nowIso, keepHint(state, hintMinutes(fetched.hints, null, deps.settings.cronPeriodMinutes)))
      if (next) await deps.feeds.putState(next)
      return { ...base, outcome: 'not_modified', stateWritten: next !== null }
    }
    case 'unchanged_body': {
      const next = healthyState(state, fetched.validators, nowIso, keepHint(state, hintMinutes(fetched.hints, null, deps.settings.cronPeriodMinutes)))
      if (next) await deps.feeds.putState(next)
      return { ...base, outcome: 'unchanged', stateWritten: next !== null }
    }
    case 'ok':
      break
    default: {
      const unreachable: never = fetched
      throw new Error(`pipeline: unknown fetch outcome ${JSON.stringify(unreachable)}`)
    }
  }

  const read = await readFeedItems(fetched.text, fetched.finalUrl, state, { feedId: feed.id, feedUrl: fetched.finalUrl, capturedAt: nowIso })
  if (read.kind !== 'ok') return fail(read.code, read.message, null)
  const { feed: parsedFeed, normalised } = read
  const { snapshots } = normalised
  let newArticles = 0
  let revisedArticles = 0
  let alertsRaised = 0
  let extraction = { problems: state.extractionProblems, last: state.lastExtractionProblem }
  const noteProblem = (snapshot: ArticleSnapshot, message: string): void => {
    extraction = { problems: extraction.problems + 1, last: { articleId: snapshot.articleId, url: snapshot.url, message, at: nowIso } }
  }
  const trackedPages: TrackedPage[] = []
  const candidates: ArticleRecord[] = []
  const removedPages: string[] = []
  const items: Record<string, string> = {}
  /** Articles whose item is to be processed again with the next body. */
  const unsettled = new Set<string>()
  for (const articleId of normalised.unchanged) {
    const hash = state.items[articleId]
    if (hash !== undefined) items[articleId] = hash // always: only items the state knows are taken over
  }
  for (const snapshot of snapshots) {
    const lastSeen = state.items[snapshot.articleId] ?? null
    items[snapshot.articleId] = snapshot.rawHash
    // The feed's own view of this item did not change since the last body: nothing to read or write.
    if (lastSeen === snapshot.rawHash) continue
    const outcome = await deps.articleLock.run(snapshot.articleId, async () => {
      // Workers allow 1,000 KV operations per invocation: past the tick's share, items wait for the next tick.
      if (kvOperations(deps.kvCounts) >= deps.settings.maxKvOperationsForItems) return 'deferred' as const
      let capture = snapshot
      let trackPage = feed.fetchArticles
      if (feed.fetchArticles) {
        const existing = await deps.articles.get(snapshot.articleId)
        // Another feed (or a re-check) already read this page in this invocation: do not fetch it twice.
        if (existing && deps.pagesFetched.has(snapshot.articleId)) return recordCapture(deps, snapshot, { lastSeenHash: lastSeen, policy: feed, trackPage, fromFeedPoll: true })
        if (deps.pageBudget.remaining <= 0) return 'deferred' as const
        deps.pageBudget.remaining--
        deps.pagesFetched.add(snapshot.articleId)
        // The page version keeps the standfirst of the feed that owns the record, unless this is that feed.
        const base = existing && existing.current.feedId !== feed.id ? { ...existing.current, capturedAt: nowIso } : snapshot
        const page = await capturePage(deps, base, { selector: feed.articleSelector, previous: existing, capturedAt: nowIso })
        switch (page.kind) {
          case 'snapshot':
            capture = { ...page.snapshot, feedId: feed.id }
            break
          case 'gone':
            if (existing) {
              if (await recordRemoval(deps, existing, page.status, nowIso)) alertsRaised++
              removedPages.push(existing.id)
              return 'done' as const
            }
            trackPage = false // a page that never answered for us: keep the feed's text, nothing to re-check
            break
          case 'problem':
            noteProblem(snapshot, page.message)
            if (existing) return 'done' as const // the previous version stays current
            break
          case 'failed':
            // A passing failure is retried next tick; a permanent one (403, not HTML, too large, refused URL) is an
            // extraction problem, and the feed's own text is kept so the feed still records its articles.
            if (isTransient(page.code)) return 'deferred' as const
            noteProblem(snapshot, page.message)
            if (existing) return 'done' as const
            break
          default: {
            const unreachable: never = page
            throw new Error(`pipeline: unknown page capture ${JSON.stringify(unreachable)}`)
          }
        }
      }
      return recordCapture(deps, capture, { lastSeenHash: lastSeen, policy: feed, trackPage, fromFeedPoll: true })
    })
    if (outcome === 'deferred') {
      // Out of page budget or the page did not answer: the next tick sees this item as changed again.
      if (lastSeen === null) delete items[snapshot.articleId]
      else items[snapshot.articleId] = lastSeen
      unsettled.add(snapshot.articleId) // so the next body processes it again
      continue
    }
    if (outcome === 'done') continue
    if (outcome.kind === 'new' || (outcome.kind === 'revised' && !outcome.minor)) candidates.push(outcome.record)
    if (outcome.kind === 'new') {
      newArticles++
      if (outcome.record.page) trackedPages.push({ articleId: outcome.record.id, url: outcome.record.url, feedId: feed.id, firstSeenAt: outcome.record.firstSeenAt })
    }
    if (outcome.kind === 'revised') {
      revisedArticles++
      if (outcome.alertRaised) alertsRaised++
    }
  }

  const changed = newArticles + revisedArticles > 0
  const firstPoll = state.lastSuccessAt === null
  // A feed's first poll brings its back catalogue: only items with a publication date can be told apart from it (story
  // tracking then treats any first seen over 48 hours after publication as old news); undated ones are recorded quietly.
  const split = (list: ArticleRecord[]) =>
    firstPoll ? { candidates: list.filter((r) => r.publishedAt !== null), quietCandidates: list.filter((r) => r.publishedAt === null) } : { candidates: list, quietCandidates: [] }
  // A new body with the same items (only <lastBuildDate> moved, say) is not worth a write: the cost of keeping the
  // old body hash is one more parse next tick, which is CPU, not a KV write against the daily quota.
  const extractionChanged = extraction.problems !== state.extractionProblems
  const minIntervalMinutes = hintMinutes(fetched.hints, parsedFeed.ttlMinutes, deps.settings.cronPeriodMinutes)
  const memory = normalised.memory
  const body = encodeBodyMemory(
    unsettled.size === 0
      ? memory
      : { ...memory, items: memory.items.map((item) => (item.articleId !== null && unsettled.has(item.articleId) ? { ...item, settled: false } : item)) },
  )
  if (
    !changed &&
    !extractionChanged &&
    !needsRecoveryWrite(state) &&
    sameItems(items, state.items) &&
    sameBody(body, state.body) &&
    parsedFeed.title === state.feedTitle &&
    minIntervalMinutes === state.minIntervalMinutes
  ) {
    return { ...base, alertsRaised, trackedPages, removedPages, ...split(candidates), outcome: 'unchanged', stateWritten: false }
  }
  const next: FeedState = {
    ...state,
    // Items deferred to the next tick need that tick to read this body again: kept validators or body hash would let a
    // 304 or an identical body skip them until the feed changes (days, for a quiet feed).
    validators: unsettled.size > 0 ? { etag: null, lastModified: null, bodyHash: null } : fetched.validators,
    feedTitle: parsedFeed.title,
    lastCheckedAt: nowIso,
    lastSuccessAt: nowIso,
    lastChangedAt: changed ? nowIso : state.lastChangedAt,
    consecutiveFailures: 0,
    retryAt: null,
    failingSince: null,
    minIntervalMinutes,
    items,
    body,
    extractionProblems: extraction.problems,
    lastExtractionProblem: extraction.last,
  }
  await deps.feeds.putState(next)
  const outcome: RefreshOutcome = changed ? 'updated' : 'unchanged'
  return { ...base, outcome, newArticles, revisedArticles, alertsRaised, trackedPages, removedPages, ...split(candidates), stateWritten: true }
}
