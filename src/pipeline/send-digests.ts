// Orchestrator for the digest cron: per due subscription, alerts since its watermark → digest → MIME → claim → send → record;
// with a queue, the cron enqueues one message per due subscription and the consumer does the same per message.
import type { Alert } from '../model/alert'
import type { AlertStore } from '../alerts/alert-store'
import type { StoryStore } from '../stories/story-store'
import type { DigestRecord, DigestState, DigestStore, DigestSubscription } from '../delivery/digest-store'
import type { EmailSender, SendOutcome } from '../delivery/email-sender'
import type { RenderedDigest } from '../delivery/render-digest'
import type { DigestModel } from '../delivery/build-digest'
import { buildDigest, selectDigestAlerts } from '../delivery/build-digest'
import { renderDigest } from '../delivery/render-digest'
import { buildDigestMime } from '../delivery/digest-mime'
import { digestId, digestPeriod, isDigestDue, nextDigestAt } from '../delivery/digest-schedule'
import { unsubscribeUrl } from '../delivery/unsubscribe-token'
import { mailboxAddress } from '../delivery/email-sender'
import { mapLimit } from '../core/map-limit'
import { digestMessage, sendMessages, type FeedQueueMessage } from './queue-messages'

/**
 * A digest run covers alerts created up to this long before it. A tick stamps its alerts with its scheduled time but
 * writes them while it runs (feeds time out after 15 s, a tick makes at most 50 subrequests), and a KV write can take
 * 60 s to show in `list` elsewhere. Alerts younger than this wait for the next digest instead of being missed by this one.
 */
export const DIGEST_SETTLE_MS = 10 * 60_000
/**
 * Alerts one run reads at most (each is one KV read; Workers allow 1,000 KV operations per invocation on the Free plan).
 * Listing is newest first, so a window holding more than this loses its oldest alerts (logged): an hourly digest of a
 * normal deployment holds tens.
 */
const MAX_ALERTS_PER_RUN = 500
/** Subscriptions processed at once: each send is one subrequest, and Workers allow 6 open connections. */
const SEND_CONCURRENCY = 4

export interface DigestDeps {
  digests: DigestStore
  alerts: AlertStore
  stories: StoryStore
  settings: {
    /** Sender mailbox (`Name <address>`). */
    from: string
    /** Base URL of links in the digest, without a trailing slash. */
    baseUrl: string
    /** Keys the unsubscribe tokens. */
    apiToken: string
  }
}

export interface SendDigestDeps extends DigestDeps {
  sender: EmailSender
}

/** A digest ready to send: the model, its two parts and the raw MIME message. */
export interface ComposedDigest {
  model: DigestModel
  rendered: RenderedDigest
  raw: string
  headers: Record<string, string>
}

export type DigestResult =
  | { subscriptionId: string; outcome: 'not_due' | 'empty' | 'already_claimed' }
  | { subscriptionId: string; outcome: 'sent' | 'recorded' | 'failed' | 'unknown'; digestId: string; alertCount: number; error: string | null }
  /** An unexpected failure (a KV error, a bug), logged; nothing was claimed unless the claim itself was written. */
  | { subscriptionId: string; outcome: 'crashed'; digestId: string; alertCount: 0; error: string }

export interface DigestRunSummary {
  at: string
  subscriptions: number
  due: number
  sent: number
  recorded: number
  failed: number
  unknown: number
  empty: number
  alreadyClaimed: number
  crashed: number
  alertsRead: number
  truncated: boolean
  results: DigestResult[]
}

/** Alerts created in (from, to], newest first, at most MAX_ALERTS_PER_RUN; `truncated` when older ones were left. */
export async function loadAlertWindow(alerts: AlertStore, from: string, to: string): Promise<{ alerts: Alert[]; truncated: boolean }> {
  const out: Alert[] = []
  let cursor: string | null = null
  do {
    const page = await alerts.list({ limit: 100, kvCursor: cursor, type: null, since: from })
    out.push(...page.alerts.filter((a) => Date.parse(a.createdAt) > Date.parse(from) && Date.parse(a.createdAt) <= Date.parse(to)))
    cursor = page.nextKvCursor
    if (out.length >= MAX_ALERTS_PER_RUN) return { alerts: out.slice(0, MAX_ALERTS_PER_RUN), truncated: cursor !== null || out.length > MAX_ALERTS_PER_RUN }
  } while (cursor)
  return { alerts: out, truncated: false }
}

/** Articles of these revision/removal alerts matched to any of the subscription's stories (its story filter). */
async function relatedArticles(stories: StoryStore, sub: DigestSubscription, alerts: readonly Alert[]): Promise<Set<string>> {
  const related = new Set<string>()
  if (sub.storyIds.length === 0) return related
  const articleIds = [...new Set(alerts.filter((a) => a.type !== 'follow_up').map((a) => a.articleId))]
  await mapLimit(articleIds, 8, async (articleId) => {
    for (const storyId of sub.storyIds) {
      if (await stories.getMatch(storyId, articleId)) {
        related.add(articleId)
        return
      }
    }
  })
  return related
}

/** Builds the digest of one subscription for a window and period, or null when it would be empty. */
export async function composeDigest(
  deps: DigestDeps,
  sub: DigestSubscription,
  window: { from: string; to: string },
  period: string,
  alerts: readonly Alert[],
  now: string,
): Promise<ComposedDigest | null> {
  const inWindow = alerts.filter((a) => Date.parse(a.createdAt) > Date.parse(window.from) && Date.parse(a.createdAt) <= Date.parse(window.to))
  const selected = selectDigestAlerts(inWindow, sub, window, await relatedArticles(deps.stories, sub, inWindow))
  const id = digestId(sub.id, period)
  const model = buildDigest({ id, period, window, alerts: selected })
  if (!model) return null
  const unsubscribe = await unsubscribeUrl(deps.settings.baseUrl, sub.id, deps.settings.apiToken)
  const rendered = renderDigest(model, { baseUrl: deps.settings.baseUrl, unsubscribeUrl: unsubscribe })
  // RFC 2369 and RFC 8058: mail clients show their own unsubscribe button and POST to it in one click.
  const headers = { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
  const domain = mailboxAddress(deps.settings.from).split('@')[1] ?? 'storywatch.invalid'
  const raw = buildDigestMime({
    from: deps.settings.from,
    to: sub.email,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: `<${id}@${domain}>`,
    date: now,
    headers,
  })
  return { model, rendered, raw, headers }
}

/**
 * The next digest of a subscription as it stands now: alerts since its watermark up to `nowMs` (no settling delay: a
 * preview shows everything pending). Reads only; the watermark does not move.
 */
export async function previewDigest(deps: DigestDeps, sub: DigestSubscription, nowMs: number): Promise<ComposedDigest | null> {
  const state = await deps.digests.getState(sub.id)
  const window = { from: state?.watermark ?? sub.createdAt, to: new Date(nowMs).toISOString() }
  const { alerts } = await loadAlertWindow(deps.alerts, window.from, window.to)
  return composeDigest(deps, sub, window, digestPeriod(sub, nextDigestAt(sub, nowMs)), alerts, window.to)
}

function initialState(sub: DigestSubscription): DigestState {
  return { subscriptionId: sub.id, watermark: sub.createdAt, lastPeriod: null, lastDigest: null, lastSentAt: null, errorCount: 0, lastError: null, sentCount: 0 }
}

/** How an outcome is recorded: the digest's status, and whether its alerts count as delivered (the watermark moves). */
function settle(outcome: SendOutcome): { status: DigestRecord['status']; delivered: boolean; error: string | null } {
  switch (outcome.kind) {
    case 'sent':
      return { status: 'sent', delivered: true, error: null }
    case 'skipped':
      return { status: 'recorded', delivered: true, error: null }
    case 'rejected':
      // Refused by the provider: nothing left, so the alerts go into the next period's digest (a different digest id).
      return { status: 'failed', delivered: false, error: outcome.message }
    case 'unknown':
      // It may have been delivered: never twice wins over never lost (at-most-once, as after a crash mid-send).
      return { status: 'unknown', delivered: true, error: outcome.message }
    default: {
      const never: never = outcome
      throw new Error(`digests: unhandled outcome ${JSON.stringify(never)}`)
    }
  }
}

/** When a digest run happens: its scheduled time (which decides the period, hence the digest id) and the clock now. */
interface RunClock {
  scheduledMs: number
  nowMs: number
}

async function runOne(deps: SendDigestDeps, sub: DigestSubscription, clock: RunClock, cutoff: string, alerts: readonly Alert[]): Promise<DigestResult> {
  if (!isDigestDue(sub, clock.scheduledMs)) return { subscriptionId: sub.id, outcome: 'not_due' }
  const period = digestPeriod(sub, clock.scheduledMs)
  const id = digestId(sub.id, period)
  const [state, marker] = await Promise.all([deps.digests.getState(sub.id), deps.digests.getMarker(id)])
  // A retried or overlapping run of this period: the digest was claimed (sent, failed or mid-send), never again.
  if (marker || state?.lastPeriod === period) return { subscriptionId: sub.id, outcome: 'already_claimed' }
  const previous = state ?? initialState(sub)
  const window = { from: previous.watermark, to: cutoff }
  if (Date.parse(window.from) >= Date.parse(window.to)) return { subscriptionId: sub.id, outcome: 'empty' }
  const now = new Date(clock.nowMs).toISOString()
  const digest = await composeDigest(deps, sub, window, period, alerts, now)
  // Never an empty digest; nothing is written, so the next run's window simply starts at the same watermark.
  if (!digest) return { subscriptionId: sub.id, outcome: 'empty' }

  const record: DigestRecord = {
    id,
    subscriptionId: sub.id,
    period,
    status: 'sending',
    windowFrom: window.from,
    windowTo: window.to,
    alertCount: digest.model.counts.total,
    newestAlertAt: digest.model.newestAlertAt,
    subject: digest.model.subject,
    at: now,
    error: null,
  }
  // Claim before sending (at-most-once): the marker stops a retry of this period, the advanced watermark stops the
  // next period from repeating these alerts. A crash from here until the outcome is recorded leaves status "sending":
  // the digest may or may not have gone out, and it is not sent again.
  await deps.digests.putMarker(record)
  await deps.digests.putState({ ...previous, watermark: window.to, lastPeriod: period, lastDigest: record })

  let outcome: SendOutcome
  try {
    outcome = await deps.sender.send({
      from: deps.settings.from,
      to: sub.email,
      subject: digest.rendered.subject,
      html: digest.rendered.html,
      text: digest.rendered.text,
      raw: digest.raw,
      headers: digest.headers,
      idempotencyKey: id,
    })
  } catch (error) {
    // Senders return their expected failures; a throw is a bug whose effect on delivery is unknown.
    console.error(`digests: sender threw for ${id}`, error)
    outcome = { kind: 'unknown', message: `digests: sender failed unexpectedly for ${id}` }
  }
  const { status, delivered, error } = settle(outcome)
  const final: DigestRecord = { ...record, status, error }
  await deps.digests.putMarker(final)
  await deps.digests.putState({
    ...previous,
    watermark: delivered ? window.to : window.from,
    lastPeriod: period,
    lastDigest: final,
    lastSentAt: status === 'sent' ? now : previous.lastSentAt,
    errorCount: error === null ? 0 : previous.errorCount + 1,
    lastError: error ?? (status === 'sent' || status === 'recorded' ? null : previous.lastError),
    sentCount: previous.sentCount + (status === 'sent' ? 1 : 0),
  })
  if (error) console.warn(`${error} (digest ${id}, ${status})`)
  return { subscriptionId: sub.id, outcome: status === 'sending' ? 'unknown' : status, digestId: id, alertCount: record.alertCount, error }
}

/**
 * Builds and sends the digests of these due subscriptions for the run scheduled at `clock.scheduledMs`. Each
 * subscription's failure is recorded on it (or returned as `crashed`) and never stops the others. Reads the alerts once
 * for all of them.
 */
async function runDigests(deps: SendDigestDeps, due: readonly DigestSubscription[], clock: RunClock): Promise<{ results: DigestResult[]; alertsRead: number; truncated: boolean }> {
  const cutoff = new Date(clock.scheduledMs - DIGEST_SETTLE_MS).toISOString()
  let alerts: Alert[] = []
  let truncated = false
  if (due.length > 0) {
    const states = await Promise.all(due.map((s) => deps.digests.getState(s.id)))
    const from = due.map((s, i) => states[i]?.watermark ?? s.createdAt).reduce((min, w) => (Date.parse(w) < Date.parse(min) ? w : min))
    if (Date.parse(from) < Date.parse(cutoff)) ({ alerts, truncated } = await loadAlertWindow(deps.alerts, from, cutoff))
    if (truncated) console.warn(`digests: more than ${MAX_ALERTS_PER_RUN} alerts since ${from}; the oldest are left out of this run`)
  }
  const results = await mapLimit(due, SEND_CONCURRENCY, async (sub): Promise<DigestResult> => {
    try {
      return await runOne(deps, sub, clock, cutoff, alerts)
    } catch (error) {
      // A KV failure for one subscription: nothing was claimed unless the claim itself was written.
      console.error(`digests: subscription ${sub.id} failed`, error)
      return { subscriptionId: sub.id, outcome: 'crashed', digestId: digestId(sub.id, digestPeriod(sub, clock.scheduledMs)), alertCount: 0, error: 'digests: unexpected error' }
    }
  })
  return { results, alertsRead: alerts.length, truncated }
}

/**
 * Runs the digest cron at `nowMs` (its scheduled time) without a queue: every due subscription's digest in this
 * invocation. Each subscription's failure is recorded on it and never stops the others.
 */
export async function sendDigests(deps: SendDigestDeps, nowMs: number): Promise<DigestRunSummary> {
  const subs = await deps.digests.listSubscriptions()
  const due = subs.filter((s) => isDigestDue(s, nowMs))
  const { results, alertsRead, truncated } = await runDigests(deps, due, { scheduledMs: nowMs, nowMs })
  const count = (o: DigestResult['outcome']): number => results.filter((r) => r.outcome === o).length
  return {
    at: new Date(nowMs).toISOString(),
    subscriptions: subs.length,
    due: due.length,
    sent: count('sent'),
    recorded: count('recorded'),
    failed: count('failed'),
    unknown: count('unknown'),
    empty: count('empty'),
    alreadyClaimed: count('already_claimed'),
    crashed: count('crashed'),
    alertsRead,
    truncated,
    results,
  }
}

export interface DigestEnqueueSummary {
  at: string
  subscriptions: number
  due: number
  enqueued: number
  /** Due, but this period's digest was claimed already (a retried or overlapping cron run): not enqueued again. */
  alreadyClaimed: number
}

/**
 * The digest cron with a queue: one message per due subscription of this run (the run's scheduled time fixes the
 * period, so a retried message or run computes the same digest id). A subscription whose digest of this period was
 * already claimed is left out (one state read each); the consumer checks the claim again before sending.
 */
export async function enqueueDigests(digests: DigestStore, queue: Queue<FeedQueueMessage>, nowMs: number): Promise<DigestEnqueueSummary> {
  const subs = await digests.listSubscriptions()
  const due = subs.filter((s) => isDigestDue(s, nowMs))
  const states = await mapLimit(due, 8, (s) => digests.getState(s.id))
  const open = due.filter((s, i) => states[i]?.lastPeriod !== digestPeriod(s, nowMs))
  const enqueued = await sendMessages(queue, open.map((s) => digestMessage(s.id, nowMs)))
  return { at: new Date(nowMs).toISOString(), subscriptions: subs.length, due: due.length, enqueued, alreadyClaimed: due.length - open.length }
}

/**
 * The queue consumer's digests: each message is one subscription and the scheduled time of the cron run that enqueued
 * it, sent exactly as that run would have (same period, digest id, window and claim-before-send). Per message: `retry`
 * only after an unexpected failure (a retry finds the claim if one was written, so a digest is never sent twice);
 * otherwise `ack`, including a deleted subscription and a digest already claimed.
 */
export async function sendQueuedDigests(
  deps: SendDigestDeps,
  messages: readonly { subscriptionId: string; tick: number }[],
  nowMs: number,
): Promise<{ verdicts: ('ack' | 'retry')[]; results: DigestResult[] }> {
  const verdicts: ('ack' | 'retry')[] = messages.map(() => 'ack')
  const results: DigestResult[] = []
  const ticks = [...new Set(messages.map((m) => m.tick))]
  for (const tick of ticks) {
    const indexes = [...messages.keys()].filter((i) => messages[i]?.tick === tick)
    const ids = [...new Set(indexes.map((i) => messages[i]?.subscriptionId ?? ''))]
    const subs = await mapLimit(ids, 8, (id) => deps.digests.getSubscription(id))
    const due = subs.filter((s): s is DigestSubscription => s !== null && isDigestDue(s, tick))
    const run = await runDigests(deps, due, { scheduledMs: tick, nowMs })
    results.push(...run.results)
    const crashed = new Set(run.results.filter((r) => r.outcome === 'crashed').map((r) => r.subscriptionId))
    for (const i of indexes) if (crashed.has(messages[i]?.subscriptionId ?? '')) verdicts[i] = 'retry'
  }
  return { verdicts, results }
}

/**
 * The dead-letter consumer's digests: a digest message that kept failing before its claim shows on the subscription
 * (`errorCount`, `lastError`). Its alerts are not lost: the watermark did not move, so the next period's digest carries
 * them. Returns false for a subscription deleted since.
 */
export async function recordDeadDigest(digests: DigestStore, subscriptionId: string, attempts: number): Promise<boolean> {
  const sub = await digests.getSubscription(subscriptionId)
  if (!sub) return false
  const state = (await digests.getState(sub.id)) ?? initialState(sub)
  await digests.putState({
    ...state,
    errorCount: state.errorCount + 1,
    lastError: `digests: dead_letter: this digest failed ${attempts} times and was given up (dead-letter queue); its alerts go into the next one`,
  })
  return true
}
