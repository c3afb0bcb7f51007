// Orchestrator for the feed queue's consumer (feeds, page re-checks, digests: one verdict per message) and for its
// dead-letter queue.
import type { TickDeps } from './run-tick'
import type { FeedConfig, FeedState } from '../model/feed'
import type { ArticleRecord } from '../model/article'
import type { RefreshResult } from './refresh-feed'
import type { FollowSummary } from './track-stories'
import type { DigestStore } from '../delivery/digest-store'
import type { DigestResult, SendDigestDeps } from './send-digests'
import type { TrackedPage } from '../articles/tracked-pages-store'
import { parseMessage, retryDelaySeconds, type ParsedMessage } from './queue-messages'
import { pollQueuedFeeds, type QueuedFeedsSummary } from './consume-feeds'
import { emptyRecheckSummary, recheckQueuedPages, type RecheckSummary } from './recheck-pages'
import { recordDeadDigest, sendQueuedDigests } from './send-digests'
import { followStories } from './track-stories'
import { emptyFeedState } from '../feeds/feed-store'

/** The digest senders of this invocation, or why email is not configured (built only when a digest message arrives). */
export type DigestSetup = { ok: true; deps: SendDigestDeps } | { ok: false; message: string }

type Verdict = 'ack' | 'retry'

export interface QueueBatchSummary {
  messages: number
  acked: number
  retried: number
  /** Bodies that are not a message of ours: logged and acknowledged. */
  malformed: number
  feeds: QueuedFeedsSummary
  pages: RecheckSummary
  digests: { messages: number; results: DigestResult[] }
  /** Story tracking of the batch's new and revised articles (and of those an earlier failed run left pending). */
  stories: FollowSummary
}

interface Parsed<K extends ParsedMessage['kind']> {
  index: number
  body: Extract<ParsedMessage, { kind: K }>
}

function ofKind<K extends ParsedMessage['kind']>(parsed: readonly ParsedMessage[], kind: K): Parsed<K>[] {
  const out: Parsed<K>[] = []
  for (const [index, body] of parsed.entries()) if (body.kind === kind) out.push({ index, body: body as Extract<ParsedMessage, { kind: K }> })
  return out
}

/**
 * Consumes one batch of the feed queue: polls the feeds of feeds messages, re-checks the pages of pages messages and
 * sends the digest of digest messages, through the same code as the crons; then scores the new and revised articles
 * against the stories once. Each message is acknowledged on its own, or retried with a delay growing with its attempts
 * when its work failed unexpectedly (after the queue's max_retries it lands in the dead-letter queue). A malformed
 * body is logged and acknowledged: retrying it could never succeed.
 */
export async function consumeQueueBatch(deps: TickDeps, digestSetup: () => DigestSetup, batch: MessageBatch<unknown>, nowMs: number): Promise<QueueBatchSummary> {
  const parsed = batch.messages.map((m) => parseMessage(m.body))
  const verdicts: Verdict[] = parsed.map(() => 'ack')
  const retryAll = (items: readonly { index: number }[], what: string, err: unknown): void => {
    console.error(`queue: ${what} failed unexpectedly; ${items.length} messages will be retried`, err)
    for (const { index } of items) verdicts[index] = 'retry'
  }
  for (const { index, body } of ofKind(parsed, 'malformed')) {
    const message = batch.messages[index]
    console.error(`queue: malformed message ${message?.id ?? index} on ${batch.queue} acknowledged (${body.reason}): ${JSON.stringify(message?.body ?? null).slice(0, 200)}`)
  }
  const feedsMessages = ofKind(parsed, 'feeds')
  const pagesMessages = ofKind(parsed, 'pages')
  const digestMessages = ofKind(parsed, 'digest')

  let registry: FeedConfig[] | null = null
  if (feedsMessages.length + pagesMessages.length > 0) {
    try {
      registry = (await deps.feeds.listFeeds()) ?? []
    } catch (err) {
      retryAll([...feedsMessages, ...pagesMessages], 'reading the feed registry', err)
    }
  }

  let results: RefreshResult[] = []
  let feeds: QueuedFeedsSummary = { feeds: 0, polled: 0, unknownFeeds: 0, skipped: 0, newArticles: 0, revisedArticles: 0, failed: 0 }
  if (registry && feedsMessages.length > 0) {
    const polled = await pollQueuedFeeds(deps, registry, feedsMessages.map((m) => m.body), nowMs)
    for (const [i, { index }] of feedsMessages.entries()) if (polled.verdicts[i] === 'retry') verdicts[index] = 'retry'
    results = polled.results
    feeds = polled.summary
  }

  let pages = emptyRecheckSummary()
  let pageCandidates: ArticleRecord[] = []
  if (registry && pagesMessages.length > 0) {
    try {
      const checked = await recheckQueuedPages(deps, registry, pagesMessages.map((m) => m.body.pages), nowMs)
      pages = checked.summary
      pageCandidates = checked.candidates
      for (const [i, { index }] of pagesMessages.entries()) {
        if (checked.verdicts[i] === 'retry') verdicts[index] = 'retry'
        const removed = checked.removedIds[i] ?? []
        try {
          if (removed.length > 0) await deps.trackedPages.stage({ add: [], remove: removed })
        } catch (err) {
          retryAll([{ index }], 'staging removed pages', err)
        }
      }
    } catch (err) {
      retryAll(pagesMessages, 'page re-checks', err)
    }
  }

  let digestResults: DigestResult[] = []
  if (digestMessages.length > 0) {
    const setup = digestSetup()
    if (!setup.ok) {
      // Nothing is claimed, so the watermark stays: the next digest run with a working configuration carries the alerts.
      console.error(`${setup.message}; ${digestMessages.length} digest messages acknowledged without sending`)
    } else {
      try {
        const sent = await sendQueuedDigests(setup.deps, digestMessages.map((m) => m.body), nowMs)
        for (const [i, { index }] of digestMessages.entries()) if (sent.verdicts[i] === 'retry') verdicts[index] = 'retry'
        digestResults = sent.results
      } catch (err) {
        retryAll(digestMessages, 'digests', err)
      }
    }
  }

  // Every new or revised article of the batch is scored against every story, once (failures are contained there).
  const stories = await followStories(deps, [...results.flatMap((r) => r.candidates), ...pageCandidates], nowMs, results.flatMap((r) => r.quietCandidates))

  let acked = 0
  let retried = 0
  for (const [i, message] of batch.messages.entries()) {
    if (verdicts[i] === 'retry') {
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
      retried++
    } else {
      message.ack()
      acked++
    }
  }
  return {
    messages: batch.messages.length,
    acked,
    retried,
    malformed: ofKind(parsed, 'malformed').length,
    feeds,
    pages,
    digests: { messages: digestMessages.length, results: digestResults },
    stories,
  }
}

export interface DeadLetterSummary {
  feedsMarked: number
  pagesMarked: number
  digestsMarked: number
  malformed: number
}

/**
 * The dead-letter queue's consumer: whatever a message could not get done shows where a newsroom looks. Each feed of a
 * dead feeds message gets `dead_letter` as its error (GET /api/feeds); the pages of a dead pages message count as an
 * extraction problem of their feed; a dead digest shows as the subscription's last error (GET /api/digests/:id), and
 * its alerts go into the next digest. Each message is acknowledged once recorded.
 */
export async function consumeDeadLetters(deps: TickDeps, digests: DigestStore, batch: MessageBatch<unknown>, nowMs: number): Promise<DeadLetterSummary> {
  const at = new Date(nowMs).toISOString()
  const summary: DeadLetterSummary = { feedsMarked: 0, pagesMarked: 0, digestsMarked: 0, malformed: 0 }
  let known: Set<string> | null = null
  // Feeds deleted since are left alone (no state is created for them); the registry is read once, when needed.
  const registered = async (): Promise<Set<string>> => (known ??= new Set(((await deps.feeds.listFeeds()) ?? []).map((f) => f.id)))
  for (const message of batch.messages) {
    const body = parseMessage(message.body)
    try {
      switch (body.kind) {
        case 'feeds':
          for (const feedId of new Set(body.feedIds)) {
            if (!(await registered()).has(feedId)) continue
            const state = (await deps.feeds.getState(feedId)) ?? emptyFeedState(feedId)
            await deps.feeds.putState({
              ...state,
              errorCount: state.errorCount + 1,
              lastError: { code: 'dead_letter', message: `queue: polling this feed failed ${message.attempts} times and was given up (dead-letter queue)`, at },
            })
            summary.feedsMarked++
          }
          break
        case 'pages':
          summary.pagesMarked += await markDeadPages(deps, body.pages, await registered(), message.attempts, at)
          break
        case 'digest':
          if (await recordDeadDigest(digests, body.subscriptionId, message.attempts)) summary.digestsMarked++
          break
        case 'malformed':
          summary.malformed++
          console.error(`queue: malformed dead letter ${message.id} acknowledged (${body.reason}): ${JSON.stringify(message.body).slice(0, 200)}`)
          break
        default: {
          const unreachable: never = body
          throw new Error(`queue: unknown message ${JSON.stringify(unreachable)}`)
        }
      }
      message.ack()
    } catch (err) {
      console.error(`queue: could not record dead letter ${message.id}`, err)
      message.retry()
    }
  }
  return summary
}

/** One extraction problem per page of a dead pages message, on its feed (one state write per feed). */
async function markDeadPages(deps: TickDeps, pages: readonly TrackedPage[], registered: ReadonlySet<string>, attempts: number, at: string): Promise<number> {
  const byFeed = new Map<string, TrackedPage[]>()
  for (const page of pages) if (registered.has(page.feedId)) byFeed.set(page.feedId, [...(byFeed.get(page.feedId) ?? []), page])
  for (const [feedId, feedPages] of byFeed) {
    const state: FeedState = (await deps.feeds.getState(feedId)) ?? emptyFeedState(feedId)
    const last = feedPages[feedPages.length - 1]
    await deps.feeds.putState({
      ...state,
      extractionProblems: state.extractionProblems + feedPages.length,
      lastExtractionProblem: last
        ? { articleId: last.articleId, url: last.url, message: `queue: re-checking this page failed ${attempts} times and was given up (dead-letter queue)`, at }
        : state.lastExtractionProblem,
    })
  }
  return [...byFeed.values()].reduce((n, list) => n + list.length, 0)
}
