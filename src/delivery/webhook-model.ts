// Webhook records as stored: endpoints (with secrets and health), deliveries with their attempts, the dispatch cursor.
import type { AlertType } from '../model/alert'

export type WebhookFormat = 'standard' | 'slack'

/** Event types on the wire: one per alert type, plus the test event. */
export type WebhookEventType = `alert.${AlertType}` | 'webhook.test'

export interface WebhookEndpoint {
  /** `wh_` + 16 hex. */
  id: string
  url: string
  format: WebhookFormat
  /** Filters: null means "all". */
  types: AlertType[] | null
  /** Follow-ups only of these stories (revisions and removals are not story-bound, so this does not filter them). */
  storyIds: string[] | null
  feedIds: string[] | null
  /** Revisions below this significance and follow-ups below this score are not sent. */
  minSignificance: number | null
  /** `whsec_` + base64 key (Standard Webhooks). Never leaves the API except on create and rotate. */
  secret: string
  /** The secret before the last rotation, still signed with until `expiresAt`. */
  previousSecret: { secret: string; expiresAt: string } | null
  createdAt: string
  updatedAt: string
  enabled: boolean
  disabledReason: string | null
  disabledAt: string | null
  /** Start of the current run of failed attempts (null after any success); 5 days of it disables the endpoint. */
  failingSince: string | null
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

export interface DeliveryAttempt {
  at: string
  /** HTTP status when the receiver answered; null on timeout, network error or a refused URL. */
  statusCode: number | null
  latencyMs: number
  /** Why this attempt did not count as delivered; null on 2xx. */
  error: string | null
}

export interface DeliveryRecord {
  /** `msg_` + 24 hex, deterministic from (endpoint, alert): the `webhook-id` header, stable across retries. */
  id: string
  endpointId: string
  alertId: string
  eventType: WebhookEventType
  createdAt: string
  status: DeliveryStatus
  /** The exact bytes sent (built once, so every retry sends and signs the same body). */
  body: string
  /** Newest last, capped at MAX_ATTEMPTS_KEPT. */
  attempts: DeliveryAttempt[]
  /** Failed attempts since creation or the last replay: the step in the retry schedule. */
  failedAttempts: number
  nextAttemptAt: string | null
  /** Why a delivery ended as failed (schedule exhausted, 410, endpoint disabled). */
  failureReason: string | null
}

/** The dispatcher's position: alert keys already turned into deliveries, within the look-back window of the newest. */
export interface DispatchCursor {
  version: 1
  /** createdAt of the newest alert key processed. */
  newestAt: string
  /** Every processed alert key whose time is within the look-back window of `newestAt`. */
  recent: string[]
}

/** What a queue message carries: only the id, the record holds the rest. */
export interface DeliveryMessage {
  deliveryId: string
}
