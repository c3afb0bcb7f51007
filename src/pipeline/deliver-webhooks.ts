// Orchestrator for webhook delivery: turn new alerts into deliveries, then send them (outbox drain, queue, replay).
import type { Settings } from '../config/settings'
import type { AlertStore } from '../alerts/alert-store'
import type { DeliveryMessage, DeliveryRecord, WebhookEndpoint } from '../delivery/webhook-model'
import type { WebhookStore } from '../delivery/webhook-store'
import { parseAlertIndexKey } from '../storage/keys'
import { mapLimit } from '../core/map-limit'
import { advanceCursor, newAlertKeys, scanStopKey } from '../delivery/webhook-cursor'
import { endpointMayWant, endpointWantsAlert } from '../delivery/webhook-filter'
import { applyHealth, type HealthEvent } from '../delivery/delivery-schedule'
import {
  abandonDelivery,
  attemptDelivery,
  buildDeliveryBody,
  deliveryIdFor,
  newDeliveryRecord,
  randomMessageId,
  sendSigned,
  type AttemptResult,
  type DeliveryContext,
} from '../delivery/dispatch-deliveries'
import { testEventPayload } from '../delivery/webhook-payload'
import { slackTestPayload } from '../delivery/slack-payload'

/** Alerts turned into deliveries per tick at most; the rest wait for the next tick (the cursor moves oldest first). */
const MAX_ALERTS_PER_TICK = 50
/** List pages of `alerts:` read per tick (1000 keys each, Workers KV limit). */
const MAX_ALERT_LIST_PAGES = 2
/**
 * Sends per tick at most: the Free plan allows 50 subrequests per invocation and the feeds and pages need theirs.
 * Due deliveries past the bound wait for the next tick.
 */
const MAX_SENDS_PER_TICK = 10
/** Workers platform limit: 6 simultaneous connections waiting for response headers per invocation. */
const SEND_CONCURRENCY = 6
/** Cloudflare Queues: at most 100 messages per sendBatch. */
const QUEUE_BATCH_SIZE = 100
/** Cloudflare Queues: delaySeconds may be at most 12 hours; longer waits are redelivered and deferred again. */
const QUEUE_MAX_DELAY_SECONDS = 12 * 3600
/** A poison message (one that throws) is retried after this long, until max_retries sends it to the dead-letter queue. */
const POISON_RETRY_DELAY_SECONDS = 60

export interface WebhookDeps {
  fetch: typeof fetch
  alerts: AlertStore
  webhooks: WebhookStore
  settings: Settings
  /** Bound when `DELIVERY_QUEUE` is configured; null means the KV outbox drained by the cron. */
  deliveryQueue: Queue<DeliveryMessage> | null
  /** In [0, 1): retry jitter (tests pin it). */
  random?: () => number
}

export interface WebhookTickSummary {
  /** Endpoints registered (0: the tick read one key and stopped). */
  endpoints: number
  alertsScanned: number
  deliveriesCreated: number
  /** Deliveries handed to DELIVERY_QUEUE (queue mode). */
  enqueued: number
  attempted: number
  delivered: number
  retrying: number
  failed: number
  endpointsDisabled: number
  /** Set when the dispatcher itself failed (the alerts are safe: the cursor did not move past them). */
  error?: string
}

function emptySummary(endpoints: number): WebhookTickSummary {
  return { endpoints, alertsScanned: 0, deliveriesCreated: 0, enqueued: 0, attempted: 0, delivered: 0, retrying: 0, failed: 0, endpointsDisabled: 0 }
}

function deliveryContext(deps: WebhookDeps): DeliveryContext {
  return {
    fetch: deps.fetch,
    store: deps.webhooks,
    timeoutMs: deps.settings.webhookTimeoutMs,
    allowLoopback: deps.settings.allowLoopback,
    userAgent: deps.settings.userAgent,
    random: deps.random ?? Math.random,
  }
}

/**
 * Once per tick, after the alerts of the tick are stored. Reads the registry and stops when no endpoint exists.
 * Then (1) turns alerts newer than the cursor into delivery records (and outbox keys or queue messages), (2) moves the
 * cursor, (3) without a queue, sends every due delivery (bounded), records each attempt and schedules retries.
 * A crash anywhere loses nothing: records exist before the cursor moves, and ids are deterministic.
 */
export async function deliverWebhooks(deps: WebhookDeps, nowMs: number, feedTitles: ReadonlyMap<string, string>): Promise<WebhookTickSummary> {
  const endpoints = await deps.webhooks.listEndpoints()
  const summary = emptySummary(endpoints.length)
  if (endpoints.length === 0) return summary
  try {
    const fresh = await createDeliveries(deps, endpoints, nowMs, feedTitles, summary)
    await drainOutbox(deps, endpoints, fresh, nowMs, summary)
  } catch (err) {
    console.error('webhooks: dispatcher failed', err)
    summary.error = err instanceof Error ? err.message : String(err)
  }
  return summary
}

/** Steps 1 and 2: new alerts → delivery records; returns the records created for the outbox (to send right away). */
async function createDeliveries(
  deps: WebhookDeps,
  endpoints: WebhookEndpoint[],
  nowMs: number,
  feedTitles: ReadonlyMap<string, string>,
  summary: WebhookTickSummary,
): Promise<DeliveryRecord[]> {
  const enabled = endpoints.filter((e) => e.enabled)
  if (enabled.length === 0) return []
  const store = deps.webhooks
  const cursor = await store.getCursor()
  const oldest = enabled.map((e) => e.createdAt).sort()[0] ?? new Date(nowMs).toISOString()
  const listed = await store.listAlertKeysNewerThan(scanStopKey(cursor, oldest), MAX_ALERT_LIST_PAGES)
  const metadata = new Map(listed.map((k) => [k.name, k.metadata]))
  const keys = newAlertKeys(
    listed.map((k) => k.name),
    cursor,
  ).slice(0, MAX_ALERTS_PER_TICK)
  summary.alertsScanned = keys.length

  const created: DeliveryRecord[] = []
  const toEnqueue: string[] = []
  for (const key of keys) {
    const parsed = parseAlertIndexKey(key)
    const candidates = enabled.filter((e) => endpointMayWant(e, metadata.get(key) ?? null))
    if (!parsed || candidates.length === 0) continue
    const alert = await deps.alerts.get(parsed.alertId)
    if (!alert) continue
    for (const endpoint of candidates.filter((e) => endpointWantsAlert(e, alert))) {
      const id = await deliveryIdFor(endpoint.id, alert.id)
      const existing = await store.getDelivery(id)
      if (existing) {
        // A re-run after a crash before the cursor moved: the outbox key was written before the record; a queue
        // message may not have been sent, and a duplicate one is acknowledged unsent once the first delivered.
        if (deps.deliveryQueue && existing.status === 'pending' && existing.attempts.length === 0) toEnqueue.push(id)
        continue
      }
      let body: string
      try {
        body = buildDeliveryBody(endpoint, alert, { publicBaseUrl: deps.settings.publicBaseUrl, feedTitle: feedTitles.get(alert.feedId) ?? null })
      } catch (err) {
        // One alert that cannot become a body must not stop every later delivery: it is skipped, and logged.
        console.error(`webhooks: alert ${alert.id} cannot be delivered to ${endpoint.id}`, err)
        continue
      }
      const record = newDeliveryRecord(id, endpoint, alert, body, nowMs)
      // Outbox key first: a record never exists without the key that will send it.
      if (!deps.deliveryQueue) await store.enqueueOutbox(nowMs, id)
      await store.saveDelivery(record, null)
      summary.deliveriesCreated++
      if (deps.deliveryQueue) toEnqueue.push(id)
      else created.push(record)
    }
  }
  if (deps.deliveryQueue && toEnqueue.length > 0) {
    for (let i = 0; i < toEnqueue.length; i += QUEUE_BATCH_SIZE) {
      await deps.deliveryQueue.sendBatch(toEnqueue.slice(i, i + QUEUE_BATCH_SIZE).map((deliveryId) => ({ body: { deliveryId } })))
    }
    summary.enqueued = toEnqueue.length
  }
  const next = advanceCursor(cursor, keys)
  if (next) await store.saveCursor(next)
  return created
}

/** Step 3: send due outbox deliveries (the ones just created first), record attempts, schedule retries. */
async function drainOutbox(deps: WebhookDeps, endpoints: WebhookEndpoint[], fresh: DeliveryRecord[], nowMs: number, summary: WebhookTickSummary): Promise<void> {
  const store = deps.webhooks
  // Fresh records are sent from memory: a KV list may not show a key written a moment ago.
  const due = new Map<string, { dueMs: number; record: DeliveryRecord | null }>(fresh.map((r) => [r.id, { dueMs: nowMs, record: r }]))
  for (const entry of await store.dueOutbox(nowMs, MAX_SENDS_PER_TICK * 2)) {
    const seen = due.get(entry.deliveryId)
    if (seen && seen.dueMs !== entry.dueMs) {
      // Two keys for one delivery (a crash between writing the new key and deleting the old): keep the newer.
      await store.removeOutbox(Math.min(seen.dueMs, entry.dueMs), entry.deliveryId)
      due.set(entry.deliveryId, { dueMs: Math.max(seen.dueMs, entry.dueMs), record: seen.record })
    } else if (!seen) due.set(entry.deliveryId, { dueMs: entry.dueMs, record: null })
  }
  const work = [...due.entries()].slice(0, MAX_SENDS_PER_TICK)
  const ctx = deliveryContext(deps)
  const byId = new Map(endpoints.map((e) => [e.id, e]))
  const results = await mapLimit(work, SEND_CONCURRENCY, async ([deliveryId, { dueMs, record: known }]): Promise<{ endpointId: string; result: AttemptResult } | null> => {
    const record = known ?? (await store.getDelivery(deliveryId))
    // Delivered, failed, expired, or a stale key left behind by a reschedule: nothing to send.
    if (!record || record.status !== 'pending' || (record.nextAttemptAt !== null && Date.parse(record.nextAttemptAt) > dueMs)) {
      await store.removeOutbox(dueMs, deliveryId)
      return null
    }
    const endpoint = byId.get(record.endpointId)
    if (!endpoint || !endpoint.enabled) {
      if (endpoint) await abandonDelivery(store, record, `webhooks: endpoint disabled: ${endpoint.disabledReason ?? 'by request'}`)
      await store.removeOutbox(dueMs, deliveryId)
      summary.failed++
      return null
    }
    const result = await attemptDelivery(ctx, endpoint, record, nowMs)
    summary.attempted++
    if (result.verdict.kind === 'retry' && result.record.nextAttemptAt) {
      // New key before deleting the old one: a crash in between leaves a stale key, never no key.
      await store.enqueueOutbox(Date.parse(result.record.nextAttemptAt), deliveryId)
    }
    await store.removeOutbox(dueMs, deliveryId)
    return { endpointId: endpoint.id, result }
  })
  const attempted = results.filter((r): r is { endpointId: string; result: AttemptResult } => r !== null)
  for (const { result } of attempted) {
    if (result.verdict.kind === 'delivered') summary.delivered++
    else if (result.verdict.kind === 'retry') summary.retrying++
    else summary.failed++
  }
  summary.endpointsDisabled = await recordHealth(store, attempted.map((a) => ({ endpointId: a.endpointId, event: a.result.health })))
}

/** Applies attempts' health events to their endpoints in one registry write (none when nothing changed). */
async function recordHealth(store: WebhookStore, events: { endpointId: string; event: HealthEvent }[]): Promise<number> {
  if (events.length === 0) return 0
  let disabled = 0
  await store.updateEndpoints((endpoints) => {
    let changed = false
    const next = endpoints.map((endpoint) => {
      const mine = events.filter((e) => e.endpointId === endpoint.id).map((e) => e.event)
      const updated = mine.length ? applyHealth(endpoint, mine) : null
      if (!updated) return endpoint
      changed = true
      if (endpoint.enabled && !updated.enabled) disabled++
      return updated
    })
    return changed ? next : null
  })
  return disabled
}

/** What the queue consumer did with a batch. */
export interface QueueBatchSummary {
  acked: number
  retried: number
}

function parseMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null
  const id = (body as { deliveryId?: unknown }).deliveryId
  return typeof id === 'string' && /^msg_[0-9a-f]{24}$/.test(id) ? id : null
}

/**
 * The DELIVERY_QUEUE consumer: sends each message's delivery, acks it when delivered or finally failed, and retries it
 * with `delaySeconds` from the retry schedule. A message that cannot be processed is retried until the queue's
 * max_retries moves it to the dead-letter queue.
 */
export async function consumeDeliveryBatch(deps: WebhookDeps, batch: MessageBatch<unknown>, nowMs: number): Promise<QueueBatchSummary> {
  const store = deps.webhooks
  const endpoints = new Map((await store.listEndpoints()).map((e) => [e.id, e]))
  const ctx = deliveryContext(deps)
  const out: QueueBatchSummary = { acked: 0, retried: 0 }
  const events: { endpointId: string; event: HealthEvent }[] = []
  const retry = (message: Message<unknown>, delaySeconds: number): void => {
    message.retry({ delaySeconds: Math.min(Math.max(0, Math.ceil(delaySeconds)), QUEUE_MAX_DELAY_SECONDS) })
    out.retried++
  }
  const ack = (message: Message<unknown>): void => {
    message.ack()
    out.acked++
  }
  await mapLimit(batch.messages, SEND_CONCURRENCY, async (message) => {
    try {
      const deliveryId = parseMessage(message.body)
      if (!deliveryId) throw new Error(`webhooks: malformed queue message ${JSON.stringify(message.body).slice(0, 200)}`)
      const record = await store.getDelivery(deliveryId)
      if (!record || record.status !== 'pending') return ack(message)
      const waitMs = record.nextAttemptAt === null ? 0 : Date.parse(record.nextAttemptAt) - nowMs
      // Delivered early (a delay longer than the queue's 12 h cap, or a duplicate message): wait out the rest.
      if (waitMs > 1000) return retry(message, waitMs / 1000)
      const endpoint = endpoints.get(record.endpointId)
      if (!endpoint || !endpoint.enabled) {
        if (endpoint) await abandonDelivery(store, record, `webhooks: endpoint disabled: ${endpoint.disabledReason ?? 'by request'}`)
        return ack(message)
      }
      const result = await attemptDelivery(ctx, endpoint, record, nowMs)
      events.push({ endpointId: endpoint.id, event: result.health })
      if (result.verdict.kind === 'retry') return retry(message, result.verdict.delaySeconds)
      return ack(message)
    } catch (err) {
      console.error('webhooks: queue message failed', err)
      return retry(message, POISON_RETRY_DELAY_SECONDS)
    }
  })
  await recordHealth(store, events)
  return out
}

/**
 * `POST …/replay`: sends a delivery again now (whatever its status), with a fresh retry schedule; a failed attempt
 * is retried like any other (outbox key or queue message). Returns the updated record.
 */
export async function replayDelivery(deps: WebhookDeps, endpoint: WebhookEndpoint, record: DeliveryRecord, nowMs: number): Promise<DeliveryRecord> {
  const reset: DeliveryRecord = { ...record, status: 'pending', failedAttempts: 0, failureReason: null, nextAttemptAt: new Date(nowMs).toISOString() }
  const result = await attemptDelivery(deliveryContext(deps), endpoint, reset, nowMs, record.status)
  if (result.verdict.kind === 'retry') {
    if (deps.deliveryQueue) {
      await deps.deliveryQueue.send({ deliveryId: record.id }, { delaySeconds: Math.min(result.verdict.delaySeconds, QUEUE_MAX_DELAY_SECONDS) })
    } else if (result.record.nextAttemptAt) {
      await deps.webhooks.enqueueOutbox(Date.parse(result.record.nextAttemptAt), record.id)
    }
  }
  await recordHealth(deps.webhooks, [{ endpointId: endpoint.id, event: result.health }])
  return result.record
}

/** `POST …/test`: one signed `webhook.test` event, sent now and not stored. */
export async function sendTestEvent(deps: WebhookDeps, endpoint: WebhookEndpoint, nowMs: number): Promise<{ messageId: string; delivered: boolean; statusCode: number | null; latencyMs: number; error: string | null }> {
  const messageId = randomMessageId()
  const body = endpoint.format === 'slack' ? JSON.stringify(slackTestPayload(endpoint.id)) : testEventPayload(endpoint.id, new Date(nowMs).toISOString()).body
  const { outcome, attempt } = await sendSigned(deliveryContext(deps), endpoint, messageId, body, nowMs)
  return { messageId, delivered: outcome.kind === 'delivered', statusCode: attempt.statusCode, latencyMs: attempt.latencyMs, error: attempt.error }
}
