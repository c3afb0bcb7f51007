// Orchestrator for one feed: conditional GET → parse → normalise → detect new and revised articles → store → alert.
import type { FeedConfig, FeedError, FeedState, FeedValidators } from '../model/feed'
import type { ArticleSnapshot } from '../model/article'
import type { FeedStore } from '../feeds/feed-store'
import type { ArticleStore } from '../articles/article-store'
import type { AlertStore } from '../alerts/alert-store'
import type { Settings } from '../config/settings'
import type { KeyedMutex } from '../core/keyed-mutex'
import { emptyFeedState } from '../feeds/feed-store'
import { fetchFeed } from '../feeds/fetch-feed'
import { parseFeed } from '../feeds/parse-feed'
import { backoffMs } from '../feeds/schedule'
import { normaliseFeed } from '../articles/normalise-item'
import { detectRevision } from '../revisions/detect-revision'
import { buildRevisionAlert } from '../alerts/alert-model'

export interface RefreshDeps {
  fetch: typeof fetch
  /** Serialises work on one article id across the feeds of one invocation. */
  articleLock: KeyedMutex
  feeds: FeedStore
  articles: ArticleStore
  alerts: AlertStore
  settings: Settings
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
}

function needsRecoveryWrite(state: FeedState): boolean {
  return state.consecutiveFailures > 0 || state.retryAt !== null || state.lastSuccessAt === null
}

/**
 * State after a poll that found nothing new; null when nothing worth a KV write changed. Validators alone are not
 * worth one: servers that rotate ETag or Last-Modified on every request would otherwise cost a write per feed per tick.
 */
function healthyState(state: FeedState, validators: FeedValidators, nowIso: string): FeedState | null {
  if (!needsRecoveryWrite(state)) return null
  return { ...state, validators, lastCheckedAt: nowIso, lastSuccessAt: nowIso, consecutiveFailures: 0, retryAt: null }
}

function sameItems(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

function failedState(state: FeedState, error: FeedError, retryAfterSeconds: number | null, nowMs: number): FeedState {
  const consecutiveFailures = state.consecutiveFailures + 1
  return {
    ...state,
    lastCheckedAt: error.at,
    errorCount: state.errorCount + 1,
    consecutiveFailures,
    lastError: error,
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
    return { feedId: feed.id, outcome: 'error', newArticles: 0, revisedArticles: 0, alertsRaised: 0, error, stateWritten }
  }
}

async function pollFeed(deps: RefreshDeps, feed: FeedConfig, stored: FeedState | null, nowMs: number): Promise<RefreshResult> {
  const nowIso = new Date(nowMs).toISOString()
  const state = stored ?? emptyFeedState(feed.id)
  const base = { feedId: feed.id, newArticles: 0, revisedArticles: 0, alertsRaised: 0 }

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
      const next = healthyState(state, state.validators, nowIso)
      if (next) await deps.feeds.putState(next)
      return { ...base, outcome: 'not_modified', stateWritten: next !== null }
    }
    case 'unchanged_body': {
      const next = healthyState(state, fetched.validators, nowIso)
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

  const parsed = await parseFeed(fetched.text, fetched.finalUrl)
  if (parsed.kind !== 'ok') return fail(parsed.code, parsed.message, null)

  const { snapshots } = await normaliseFeed(parsed.feed, { feedId: feed.id, feedUrl: fetched.finalUrl, capturedAt: nowIso })
  let newArticles = 0
  let revisedArticles = 0
  let alertsRaised = 0
  const items: Record<string, string> = {}
  for (const snapshot of snapshots) {
    items[snapshot.articleId] = snapshot.contentHash
    // The feed's own view of this item did not change since the last body: nothing to read or write.
    if (state.items[snapshot.articleId] === snapshot.contentHash) continue
    const lastSeen = state.items[snapshot.articleId] ?? null
    const change = await deps.articleLock.run(snapshot.articleId, () => storeSnapshot(deps, snapshot, lastSeen))
    if (change.kind === 'new') newArticles++
    if (change.kind === 'revised') {
      revisedArticles++
      if (change.alertRaised) alertsRaised++
    }
  }

  const changed = newArticles + revisedArticles > 0
  // A new body with the same items (only <lastBuildDate> moved, say) is not worth a write: the cost of keeping the
  // old body hash is one more parse next tick, which is CPU, not a KV write against the daily quota.
  if (!changed && !needsRecoveryWrite(state) && sameItems(items, state.items) && parsed.feed.title === state.feedTitle) {
    return { ...base, outcome: 'unchanged', stateWritten: false }
  }
  const next: FeedState = {
    ...state,
    validators: fetched.validators,
    feedTitle: parsed.feed.title,
    lastCheckedAt: nowIso,
    lastSuccessAt: nowIso,
    lastChangedAt: changed ? nowIso : state.lastChangedAt,
    consecutiveFailures: 0,
    retryAt: null,
    items,
  }
  await deps.feeds.putState(next)
  const outcome: RefreshOutcome = changed ? 'updated' : 'unchanged'
  return { ...base, outcome, newArticles, revisedArticles, alertsRaised, stateWritten: true }
}

type StoreChange = { kind: 'new' } | { kind: 'revised'; alertRaised: boolean } | { kind: 'same' }

/**
 * Stores one snapshot against the article's record. The alert is committed before the new version: a crash between
 * the two makes the next tick detect the same change, whose deterministic alert id is already taken.
 */
async function storeSnapshot(deps: RefreshDeps, snapshot: ArticleSnapshot, lastSeenHash: string | null): Promise<StoreChange> {
  const record = await deps.articles.get(snapshot.articleId)
  if (!record) {
    await deps.articles.create(snapshot)
    return { kind: 'new' }
  }
  if (lastSeenHash === null && record.feedIds.includes(snapshot.feedId)) {
    // This feed's state does not know the item although the record names the feed: the tick that created the record
    // crashed before writing the feed state, perhaps before the index key. Rewriting the same index key is idempotent.
    await deps.articles.reindex(record)
  }
  // Another feed carrying the same article with a different summary is not an edit. It is one when this feed itself
  // saw the item change (its last view differs from now), or when the stored version came from this feed. The diff is
  // against the stored version, which for syndicated copies may show their differences too.
  const sameSource = lastSeenHash !== null || record.current.feedId === snapshot.feedId
  const detection = detectRevision(record.current, snapshot)
  if (detection.kind === 'same' || !sameSource) {
    await deps.articles.addFeed(record, snapshot.feedId)
    return { kind: 'same' }
  }
  const alert = await buildRevisionAlert({
    previous: record.current,
    next: snapshot,
    fromVersion: record.versionCount,
    changes: detection.changes,
  })
  const alertRaised = await deps.alerts.raise(alert)
  await deps.articles.addVersion(record, snapshot)
  return { kind: 'revised', alertRaised }
}
