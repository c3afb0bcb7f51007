// Orchestrator for scheduled article-page re-checks: pick the due pages, re-fetch, record versions or removals.
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
  const nowIso = new Date(nowMs).toISOString()
  const feedById = new Map(feeds.map((f) => [f.id, f]))
  const due = tracked
    .filter((p) => feedById.get(p.feedId)?.fetchArticles === true && !deps.pagesFetched.has(p.articleId) && isRecheckDue(Date.parse(p.firstSeenAt), nowMs, periodMs))
    .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt))
  const runnable = due.slice(0, Math.max(0, deps.pageBudget.remaining))
  deps.pageBudget.remaining -= runnable.length
  const summary: RecheckSummary = { due: due.length, checked: 0, revised: 0, removed: 0, problems: 0, failed: 0, alertsRaised: 0, deferred: due.length - runnable.length }
  const removedIds: string[] = []
  const candidates: ArticleRecord[] = []
  const problems = new Map<string, { count: number; last: FeedState['lastExtractionProblem'] }>()
  const noteProblem = (feedId: string, record: ArticleRecord, message: string): void => {
    const entry = problems.get(feedId) ?? { count: 0, last: null }
    problems.set(feedId, { count: entry.count + 1, last: { articleId: record.id, url: record.url, message, at: nowIso } })
  }

  await mapLimit(runnable, deps.settings.fetchConcurrency, async (page) => {
    const feed = feedById.get(page.feedId)
    if (!feed) return
    deps.pagesFetched.add(page.articleId)
    try {
      await recheckOne(page, feed)
    } catch (err) {
      // One page's unexpected failure (a KV error, an extractor bug) must not stop the others or the tick.
      console.error(`pipeline: re-check of ${page.url} failed unexpectedly`, err)
      summary.failed++
    }
  })

  async function recheckOne(page: TrackedPage, feed: FeedConfig): Promise<void> {
    await deps.articleLock.run(page.articleId, async () => {
      const record = await deps.articles.get(page.articleId)
      if (!record || record.page?.removedAt) return
      summary.checked++
      const captured = await capturePage(deps, record.current, { selector: feed.articleSelector, previous: record, capturedAt: nowIso })
      switch (captured.kind) {
        case 'snapshot': {
          const change = await recordCapture(deps, { ...captured.snapshot, feedId: record.current.feedId }, { lastSeenHash: null, policy: feed, trackPage: true, fromFeedPoll: false })
          if (change.kind === 'revised') {
            if (!change.minor) candidates.push(change.record)
            summary.revised++
            if (change.alertRaised) summary.alertsRaised++
          }
          return
        }
        case 'gone':
          summary.removed++
          removedIds.push(record.id)
          if (await recordRemoval(deps, record, captured.status, nowIso)) summary.alertsRaised++
          return
        case 'problem': {
          summary.problems++
          noteProblem(feed.id, record, captured.message)
          return
        }
        case 'failed': {
          summary.failed++
          // A page that will not come back by itself (403, not HTML, too large, refused URL) is shown on its feed,
          // as on a feed poll; a passing failure (timeout, 5xx) just waits for the next slot.
          if (isTransient(captured.code)) return
          noteProblem(feed.id, record, captured.message)
          return
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
  return { summary, removedIds, candidates }
}
