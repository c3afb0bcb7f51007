// Orchestrator for scheduled article-page re-checks: pick the due pages, re-fetch, record versions or removals (in the
// cron, or in the queue consumer for the page messages the cron enqueued).
import type { FeedConfig, FeedState } from '../model/feed'
import type { ArticleRecord } from '../model/article'
import type { RefreshDeps } from './refresh-feed'
import type { TrackedPage, TrackedPagesStore } from '../articles/tracked-pages-store'
import { isRecheckDue } from '../articles/recheck-schedule'
import { emptyFeedState } from '../feeds/feed-store'
import { mapLimit } from '../core/map-limit'
import { capturePage } from './capture-page'
import { recordCapture, recordRemoval } from './record-capture'
import { isTransient } from './refresh-feed'

export interface RecheckSummary {
  due: number
  /** With the queue: due pages handed to the consumer in page messages (checked there, not counted below). */
  enqueued: number
  checked: number
  revised: number
  removed: number
  problems: number
  failed: number
  alertsRaised: number
  /** Due pages left for later because the tick's page budget ran out. */
  deferred: number
}

export interface RecheckDeps extends RefreshDeps {
  trackedPages: TrackedPagesStore
}

/** What re-checking one page came to; `crashed` is an unexpected failure (logged), the rest are expected outcomes. */
type PageOutcome = 'skipped' | 'unchanged' | 'revised' | 'removed' | 'problem' | 'failed' | 'crashed'

interface RecheckRun {
  outcomes: PageOutcome[]
  removedIds: string[]
  candidates: ArticleRecord[]
  counts: Pick<RecheckSummary, 'checked' | 'revised' | 'removed' | 'problems' | 'failed' | 'alertsRaised'>
}

export function emptyRecheckSummary(): RecheckSummary {
  return { due: 0, enqueued: 0, checked: 0, revised: 0, removed: 0, problems: 0, failed: 0, alertsRaised: 0, deferred: 0 }
}

/** The tracked pages due for a re-check on the tick at `nowMs` (feeds that still fetch articles), youngest first. */
export function duePages(feeds: readonly FeedConfig[], tracked: readonly TrackedPage[], nowMs: number, periodMs: number): TrackedPage[] {
  const fetching = new Set(feeds.filter((f) => f.fetchArticles).map((f) => f.id))
  return tracked
    .filter((p) => fetching.has(p.feedId) && isRecheckDue(Date.parse(p.firstSeenAt), nowMs, periodMs))
    .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt))
}

/**
 * Re-fetches the tracked pages due at `nowMs` (youngest first, within the tick's page budget) and records what changed.
 * Extraction problems are recorded on their feed; a page answering 404/410 raises one `removed` alert.
 */
export async function recheckPages(
  deps: RecheckDeps,
  feeds: readonly FeedConfig[],
  tracked: readonly TrackedPage[],
  nowMs: number,
  periodMs: number,
): Promise<{ summary: RecheckSummary; removedIds: string[]; candidates: ArticleRecord[] }> {
  const due = duePages(feeds, tracked, nowMs, periodMs).filter((p) => !deps.pagesFetched.has(p.articleId))
  const runnable = due.slice(0, Math.max(0, deps.pageBudget.remaining))
  deps.pageBudget.remaining -= runnable.length
  const run = await recheckEach(deps, feeds, runnable, nowMs)
  const summary: RecheckSummary = { ...emptyRecheckSummary(), ...run.counts, due: due.length, deferred: due.length - runnable.length }
  return { summary, removedIds: run.removedIds, candidates: run.candidates }
}

/**
 * The queue consumer's re-checks: the pages of each message (the cron already decided they are due), within this
 * invocation's page budget. Per message: `ack` when every page was re-checked or had nothing to do, `retry` when one
 * failed unexpectedly or did not fit the budget (a retry re-checks its pages again: recording a capture is idempotent).
 */
export async function recheckQueuedPages(
  deps: RecheckDeps,
  feeds: readonly FeedConfig[],
  messages: readonly (readonly TrackedPage[])[],
  nowMs: number,
): Promise<{ verdicts: ('ack' | 'retry')[]; removedIds: string[][]; summary: RecheckSummary; candidates: ArticleRecord[] }> {
  const fetching = new Set(feeds.filter((f) => f.fetchArticles).map((f) => f.id))
  const verdicts: ('ack' | 'retry')[] = messages.map(() => 'ack')
  const jobs: { page: TrackedPage; message: number }[] = []
  let deferred = 0
  for (const [message, pages] of messages.entries()) {
    for (const page of pages) {
      // A feed that stopped fetching articles (or was deleted) since the tick, or a page fetched already in this invocation.
      if (!fetching.has(page.feedId) || deps.pagesFetched.has(page.articleId)) continue
      if (deps.pageBudget.remaining <= 0) {
        deferred++
        verdicts[message] = 'retry'
        continue
      }
      deps.pageBudget.remaining--
      deps.pagesFetched.add(page.articleId)
      jobs.push({ page, message })
    }
  }
  const run = await recheckEach(deps, feeds, jobs.map((j) => j.page), nowMs)
  const removedIds: string[][] = messages.map(() => [])
  for (const [i, job] of jobs.entries()) {
    const outcome = run.outcomes[i]
    if (outcome === 'crashed') verdicts[job.message] = 'retry'
    if (outcome === 'removed') removedIds[job.message]?.push(job.page.articleId)
  }
  const due = messages.reduce((n, pages) => n + pages.length, 0)
  return { verdicts, removedIds, summary: { ...emptyRecheckSummary(), ...run.counts, due, deferred }, candidates: run.candidates }
}

/** Re-checks each page (its budget already taken) and records the feeds' extraction problems; outcomes in input order. */
async function recheckEach(deps: RecheckDeps, feeds: readonly FeedConfig[], pages: readonly TrackedPage[], nowMs: number): Promise<RecheckRun> {
  const nowIso = new Date(nowMs).toISOString()
  const feedById = new Map(feeds.map((f) => [f.id, f]))
  const counts: RecheckRun['counts'] = { checked: 0, revised: 0, removed: 0, problems: 0, failed: 0, alertsRaised: 0 }
  const removedIds: string[] = []
  const candidates: ArticleRecord[] = []
  const problems = new Map<string, { count: number; last: FeedState['lastExtractionProblem'] }>()
  const noteProblem = (feedId: string, record: ArticleRecord, message: string): void => {
    const entry = problems.get(feedId) ?? { count: 0, last: null }
    problems.set(feedId, { count: entry.count + 1, last: { articleId: record.id, url: record.url, message, at: nowIso } })
  }

  const outcomes = await mapLimit(pages, deps.settings.fetchConcurrency, async (page): Promise<PageOutcome> => {
    const feed = feedById.get(page.feedId)
    if (!feed) return 'skipped'
    deps.pagesFetched.add(page.articleId)
    try {
      return await recheckOne(page, feed)
    } catch (err) {
      // One page's unexpected failure (a KV error, an extractor bug) must not stop the others or the tick.
      console.error(`pipeline: re-check of ${page.url} failed unexpectedly`, err)
      counts.failed++
      return 'crashed'
    }
  })

  async function recheckOne(page: TrackedPage, feed: FeedConfig): Promise<PageOutcome> {
    return deps.articleLock.run(page.articleId, async (): Promise<PageOutcome> => {
      const record = await deps.articles.get(page.articleId)
      if (!record || record.page?.removedAt) return 'skipped'
      counts.checked++
      const captured = await capturePage(deps, record.current, { selector: feed.articleSelector, previous: record, capturedAt: nowIso })
      switch (captured.kind) {
        case 'snapshot': {
          const change = await recordCapture(deps, { ...captured.snapshot, feedId: record.current.feedId }, { lastSeenHash: null, policy: feed, trackPage: true, fromFeedPoll: false })
          if (change.kind !== 'revised') return 'unchanged'
          if (!change.minor) candidates.push(change.record)
          counts.revised++
          if (change.alertRaised) counts.alertsRaised++
          return 'revised'
        }
        case 'gone':
          counts.removed++
          removedIds.push(record.id)
          if (await recordRemoval(deps, record, captured.status, nowIso)) counts.alertsRaised++
          return 'removed'
        case 'problem': {
          counts.problems++
          noteProblem(feed.id, record, captured.message)
          return 'problem'
        }
        case 'failed': {
          counts.failed++
          // A page that will not come back by itself (403, not HTML, too large, refused URL) is shown on its feed,
          // as on a feed poll; a passing failure (timeout, 5xx) just waits for the next slot.
          if (!isTransient(captured.code)) noteProblem(feed.id, record, captured.message)
          return 'failed'
        }
        default: {
          const unreachable: never = captured
          throw new Error(`pipeline: unknown page capture ${JSON.stringify(unreachable)}`)
        }
      }
    })
  }

  // Extraction problems are shown on their feed (GET /api/feeds); one state write per affected feed.
  for (const [feedId, p] of problems) {
    const state = (await deps.feeds.getState(feedId)) ?? emptyFeedState(feedId)
    const last = state.lastExtractionProblem
    // The same page failing the same way on every re-check is one known problem, not a write per tick.
    if (p.count === 1 && last && p.last && last.articleId === p.last.articleId && last.message === p.last.message) continue
    await deps.feeds.putState({ ...state, extractionProblems: state.extractionProblems + p.count, lastExtractionProblem: p.last })
  }
  return { outcomes, removedIds, candidates, counts }
}
