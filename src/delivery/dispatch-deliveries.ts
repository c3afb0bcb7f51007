// One delivery's life: create its record (deterministic id, body built once), attempt it, record the attempt.
import type { Alert } from '../model/alert'
import type { DeliveryAttempt, DeliveryRecord, WebhookEndpoint } from './webhook-model'
import type { WebhookStore } from './webhook-store'
import { sha256Hex, toHex } from '../core/hash'
import { eventTypeOf, historyUrl, toWebhookPayload } from './webhook-payload'
import { buildSlackPayload } from './slack-payload'
import { webhookHeaders } from './sign-webhook'
import { describeSendOutcome, sendWebhook, type SendOutcome } from './send-webhook'
import { decideAfterAttempt, type AttemptVerdict, type HealthEvent } from './delivery-schedule'

/** Attempts kept on a record: a full retry schedule (9) and a replay's worth more. */
const MAX_ATTEMPTS_KEPT = 20
/** After a rotation the old secret keeps signing this long, so receivers can switch without missing a request. */
export const ROTATION_WINDOW_MS = 24 * 3600_000

/** What sending needs: the network boundary, the store, and the send rules from settings. */
export interface DeliveryContext {
  fetch: typeof fetch
  store: WebhookStore
  timeoutMs: number
  allowLoopback: boolean
  userAgent: string
  /** In [0, 1): retry jitter. */
  random: () => number
}

export interface AttemptResult {
  record: DeliveryRecord
  verdict: AttemptVerdict
  health: HealthEvent
}

/** The delivery id (and `webhook-id`) of `alertId` to `endpointId`: the same on every tick, retry and replay. */
export async function deliveryIdFor(endpointId: string, alertId: string): Promise<string> {
  return `msg_${(await sha256Hex(`delivery:${endpointId}:${alertId}`)).slice(0, 24)}`
}

/** A random message id for events that are not stored (the test event). */
export function randomMessageId(): string {
  return `msg_${toHex(crypto.getRandomValues(new Uint8Array(12)))}`
}

/** Secrets to sign with at `nowMs`: the current one, and the previous one while its rotation window lasts. */
export function activeSecrets(endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret'>, nowMs: number): string[] {
  const previous = endpoint.previousSecret
  return previous && Date.parse(previous.expiresAt) > nowMs ? [endpoint.secret, previous.secret] : [endpoint.secret]
}

/** The body `endpoint` receives for `alert`, in its format (pure). */
export function buildDeliveryBody(endpoint: Pick<WebhookEndpoint, 'format'>, alert: Alert, ctx: { publicBaseUrl: string | null; feedTitle: string | null }): string {
  const history = historyUrl(ctx.publicBaseUrl, alert.articleId)
  switch (endpoint.format) {
    case 'standard':
      return toWebhookPayload(alert, { historyUrl: history }).body
    case 'slack':
      return JSON.stringify(buildSlackPayload(alert, { historyUrl: history, feedTitle: ctx.feedTitle }))
    default:
      return assertNever(endpoint.format)
  }
}

/** A new pending delivery, due at `nowMs`. */
export function newDeliveryRecord(id: string, endpoint: WebhookEndpoint, alert: Alert, body: string, nowMs: number): DeliveryRecord {
  const nowIso = new Date(nowMs).toISOString()
  return {
    id,
    endpointId: endpoint.id,
    alertId: alert.id,
    eventType: eventTypeOf(alert),
    createdAt: nowIso,
    status: 'pending',
    body,
    attempts: [],
    failedAttempts: 0,
    nextAttemptAt: nowIso,
    failureReason: null,
  }
}

/** Sends one signed request and classifies it; nothing stored. */
export async function sendSigned(ctx: DeliveryContext, endpoint: WebhookEndpoint, msgId: string, body: string, nowMs: number): Promise<{ outcome: SendOutcome; attempt: DeliveryAttempt }> {
  // Signed with the time of sending, not the tick's scheduled time: receivers reject timestamps minutes old.
  const headers = webhookHeaders(activeSecrets(endpoint, nowMs), msgId, Date.now(), body)
  const outcome = await sendWebhook(ctx.fetch, { url: endpoint.url, body, headers }, {
    timeoutMs: ctx.timeoutMs,
    allowLoopback: ctx.allowLoopback,
    userAgent: ctx.userAgent,
    now: () => Date.now(),
  })
  const attempt: DeliveryAttempt = {
    at: new Date(nowMs).toISOString(),
    statusCode: outcome.kind === 'delivered' || outcome.kind === 'http_error' ? outcome.status : null,
    latencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    error: describeSendOutcome(outcome, endpoint.url),
  }
  return { outcome, attempt }
}

/**
 * Attempts `record` now, records the attempt on it and saves it (the index too when the status changes). The caller
 * schedules the retry (outbox key or queue message) from `verdict` and applies `health` to the endpoint.
 */
export async function attemptDelivery(ctx: DeliveryContext, endpoint: WebhookEndpoint, record: DeliveryRecord, nowMs: number, storedStatus: DeliveryRecord['status'] | null = record.status): Promise<AttemptResult> {
  const { outcome, attempt } = await sendSigned(ctx, endpoint, record.id, record.body, nowMs)
  const verdict = decideAfterAttempt(outcome, record.failedAttempts, ctx.random())
  const attempts = [...record.attempts, attempt].slice(-MAX_ATTEMPTS_KEPT)
  let next: DeliveryRecord
  switch (verdict.kind) {
    case 'delivered':
      next = { ...record, attempts, status: 'delivered', nextAttemptAt: null, failureReason: null }
      break
    case 'retry':
      next = { ...record, attempts, status: 'pending', failedAttempts: record.failedAttempts + 1, nextAttemptAt: new Date(nowMs + verdict.delaySeconds * 1000).toISOString() }
      break
    case 'gone':
      next = { ...record, attempts, status: 'failed', failedAttempts: record.failedAttempts + 1, nextAttemptAt: null, failureReason: 'webhooks: receiver answered 410 Gone; endpoint disabled' }
      break
    case 'give_up':
      next = { ...record, attempts, status: 'failed', failedAttempts: record.failedAttempts + 1, nextAttemptAt: null, failureReason: `${verdict.reason}; last error: ${attempt.error ?? 'unknown'}` }
      break
    default:
      return assertNever(verdict)
  }
  await ctx.store.saveDelivery(next, storedStatus)
  return { record: next, verdict, health: { atMs: nowMs, ok: verdict.kind === 'delivered', gone: verdict.kind === 'gone', error: attempt.error } }
}

/** Ends a pending delivery without sending (its endpoint was disabled or deleted); kept for replay. */
export async function abandonDelivery(store: WebhookStore, record: DeliveryRecord, reason: string): Promise<DeliveryRecord> {
  const next: DeliveryRecord = { ...record, status: 'failed', nextAttemptAt: null, failureReason: reason }
  await store.saveDelivery(next, record.status)
  return next
}

function assertNever(value: never): never {
  throw new Error(`webhooks: unhandled case ${JSON.stringify(value)}`)
}
