// Records one capture of an article (from its feed item or its page): new article, no change, or a new version.
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import type { ArticleStore } from '../articles/article-store'
import type { AlertStore } from '../alerts/alert-store'
import { classifyRevision, toRevisionFields } from '../revisions/classify-revision'
import { shouldAlert } from '../revisions/thresholds'
import { buildRemovedAlert, buildRevisionAlert } from '../alerts/alert-model'

export interface CaptureDeps {
  articles: ArticleStore
  alerts: AlertStore
}

export interface AlertPolicy {
  minChangeWords: number
  headlineOnly: boolean
}

export type CaptureChange =
  | { kind: 'new'; record: ArticleRecord }
  | { kind: 'same'; record: ArticleRecord }
  | { kind: 'revised'; record: ArticleRecord; alertRaised: boolean; minor: boolean }

/**
 * Compares a capture with the stored article and records what changed. The alert is committed before the new version:
 * a crash between the two makes the next tick see the same change, whose deterministic alert id is already taken.
 * Changes that vanish under normalisation are stored as `minor` versions; a return to an earlier version's content
 * (A → B → A) as a flip-flop; a switch between feed and page text as a new baseline. None of those alert.
 */
export async function recordCapture(
  deps: CaptureDeps,
  snapshot: ArticleSnapshot,
  options: { lastSeenHash: string | null; policy: AlertPolicy; trackPage: boolean; fromFeedPoll: boolean },
): Promise<CaptureChange> {
  const record = await deps.articles.get(snapshot.articleId)
  if (!record) return { kind: 'new', record: await deps.articles.create(snapshot, { trackPage: options.trackPage }) }
  if (options.fromFeedPoll && options.lastSeenHash === null && record.feedIds.includes(snapshot.feedId)) {
    // This feed's state does not know the item although the record names the feed: the tick that created the record
    // crashed before writing the feed state, perhaps before the index key. Rewriting the same index key is idempotent.
    await deps.articles.reindex(record)
  }
  // Another feed carrying the same article with a different summary is not an edit. It is one when this feed itself
  // saw the item change, when the stored version came from this feed, or when the page was re-fetched.
  const sameSource = options.lastSeenHash !== null || record.current.feedId === snapshot.feedId || snapshot.source === 'page'
  // On a page-tracked article the page is the reference: a feed item's text never replaces a page version.
  const feedOverPage = record.current.source === 'page' && snapshot.source === 'feed'
  if (record.current.rawHash === snapshot.rawHash || !sameSource || feedOverPage) {
    return { kind: 'same', record: await deps.articles.addFeed(record, snapshot.feedId) }
  }

  const analysis = classifyRevision(toRevisionFields(record.current), toRevisionFields(snapshot))
  const minor = analysis.minor
  // A return to an earlier version's text (A → B → A): only when the text itself changed now.
  const textChanged = record.current.contentHash !== snapshot.contentHash
  const flipFlopOf = minor || !textChanged ? null : (record.versions.find((v) => v.n < record.versionCount && v.contentHash === snapshot.contentHash)?.n ?? null)
  const newBaseline = record.current.source !== snapshot.source
  let alertRaised = false
  if (!minor && flipFlopOf === null && !newBaseline && shouldAlert(analysis, options.policy)) {
    const alert = await buildRevisionAlert({ previous: record.current, next: snapshot, fromVersion: record.versionCount, analysis })
    alertRaised = await deps.alerts.raise(alert)
  }
  const next = await deps.articles.addVersion(record, snapshot, {
    minor,
    flipFlopOf,
    changedFields: analysis.changedFields,
    classification: minor ? 'minor' : newBaseline ? 'new_baseline' : analysis.classification,
    significance: minor ? 0 : analysis.significance,
  })
  return { kind: 'revised', record: next, alertRaised, minor: minor || flipFlopOf !== null }
}

/** Records that an article's page now answers 404/410: one `removed` alert, and no more re-checks. */
export async function recordRemoval(deps: CaptureDeps, record: ArticleRecord, status: number, at: string): Promise<boolean> {
  // Only a page we once read can be removed: one that never answered is not an unpublication.
  if (!record.page || record.page.removedAt || record.page.lastFetchedAt === null) return false
  const raised = await deps.alerts.raise(await buildRemovedAlert(record, status, at))
  await deps.articles.markRemoved(record, at)
  return raised
}
