// The webhook wire format (pure, versioned): an alert as a Standard Webhooks event body, under 20 KB.
import type { Alert, AlertType, DiffOp, FieldChange } from '../model/alert'
import type { WebhookEventType } from './webhook-model'

/** Bumped on any incompatible change to `data`; receivers switch on it. */
export const WEBHOOK_PAYLOAD_VERSION = 1
/** Bodies stay under this (UTF-8 bytes): many receivers cap request bodies around 20–64 KB. */
export const MAX_PAYLOAD_BYTES = 20 * 1024

export interface WebhookEvent<Data> {
  type: WebhookEventType
  /** When the event happened (the alert's time), ISO 8601. */
  timestamp: string
  data: Data
}

export interface ChangeDtoV1 {
  field: FieldChange['field']
  before: string
  after: string
  wordsAdded: number
  wordsRemoved: number
  /** Word diff; null when it was too large to compute or to send. */
  diff: DiffOp[] | null
}

export interface AlertEventDataV1 {
  version: 1
  alertId: string
  alertType: AlertType
  createdAt: string
  summary: string
  article: { id: string; title: string; url: string; feedId: string; historyUrl: string }
  revision: { fromVersion: number | null; toVersion: number | null; classification: string | null; significance: number | null; changes: ChangeDtoV1[] } | null
  followUp: {
    storyId: string | null
    storyTitle: string | null
    score: number | null
    clusterId: string | null
    explanation: { terms: string[]; entities: string[]; phrases: string[] }
    alsoReportedBy: { articleId: string; feedId: string; title: string; url: string; firstSeenAt: string }[]
  } | null
  removed: { status: number | null } | null
  /** True when long texts, diffs or lists were cut to keep the body under MAX_PAYLOAD_BYTES. */
  truncated: boolean
}

export interface TestEventDataV1 {
  version: 1
  webhookId: string
  message: string
}

/** The event type of an alert on the wire. */
export function eventTypeOf(alert: Pick<Alert, 'type'>): WebhookEventType {
  return `alert.${alert.type}`
}

/** Link to an article's history page: absolute under PUBLIC_BASE_URL, else relative to the Worker. */
export function historyUrl(publicBaseUrl: string | null, articleId: string): string {
  return `${publicBaseUrl ?? ''}/articles/${encodeURIComponent(articleId)}`
}

/** Caps applied in turn until the body fits; the first level cuts nothing. */
const TRUNCATION_LEVELS = [
  { text: Infinity, ops: Infinity, list: Infinity },
  { text: 4000, ops: 400, list: 50 },
  { text: 1000, ops: 120, list: 20 },
  { text: 300, ops: 40, list: 5 },
  { text: 80, ops: 0, list: 0 },
] as const

/**
 * The event for `alert` and its exact body: the full alert when it fits, else the first truncation level that keeps
 * the body under MAX_PAYLOAD_BYTES (texts, diffs and lists cut, `truncated: true`).
 */
export function toWebhookPayload(alert: Alert, ctx: { historyUrl: string }): { event: WebhookEvent<AlertEventDataV1>; body: string } {
  for (const level of TRUNCATION_LEVELS) {
    const event = buildEvent(alert, ctx, level)
    const body = JSON.stringify(event)
    if (utf8Length(body) < MAX_PAYLOAD_BYTES) return { event, body }
  }
  throw new Error(`webhooks: alert ${alert.id} does not fit ${MAX_PAYLOAD_BYTES} bytes even truncated`)
}

/** The signed test event `POST /api/webhooks/:id/test` sends. */
export function testEventPayload(webhookId: string, nowIso: string): { event: WebhookEvent<TestEventDataV1>; body: string } {
  const event: WebhookEvent<TestEventDataV1> = {
    type: 'webhook.test',
    timestamp: nowIso,
    data: { version: WEBHOOK_PAYLOAD_VERSION, webhookId, message: 'Storywatch test event: this endpoint receives signed alerts.' },
  }
  return { event, body: JSON.stringify(event) }
}

function buildEvent(alert: Alert, ctx: { historyUrl: string }, level: (typeof TRUNCATION_LEVELS)[number]): WebhookEvent<AlertEventDataV1> {
  let truncated = false
  const cut = (text: string, max: number = level.text): string => {
    if (text.length <= max) return text
    truncated = true
    return truncateText(text, max)
  }
  const take = <T>(items: readonly T[], max: number): T[] => {
    if (items.length <= max) return [...items]
    truncated = true
    return items.slice(0, max)
  }
  const diff = (ops: DiffOp[] | null): DiffOp[] | null => {
    if (ops === null) return null
    if (level.ops === 0) {
      truncated = true
      return null
    }
    return take(ops, level.ops).map((o) => ({ op: o.op, text: cut(o.text) }))
  }
  const data: AlertEventDataV1 = {
    version: WEBHOOK_PAYLOAD_VERSION,
    alertId: alert.id,
    alertType: alert.type,
    createdAt: alert.createdAt,
    summary: cut(alert.summary, Math.max(level.text, 300)),
    article: { id: alert.articleId, title: cut(alert.title, Math.max(level.text, 300)), url: alert.url, feedId: alert.feedId, historyUrl: ctx.historyUrl },
    revision:
      alert.type === 'revision'
        ? {
            fromVersion: alert.fromVersion ?? null,
            toVersion: alert.toVersion ?? null,
            classification: alert.classification ?? null,
            significance: alert.significance ?? null,
            changes: (alert.changes ?? []).map((c) => ({
              field: c.field,
              before: cut(c.before),
              after: cut(c.after),
              wordsAdded: c.wordsAdded,
              wordsRemoved: c.wordsRemoved,
              diff: diff(c.ops),
            })),
          }
        : null,
    followUp:
      alert.type === 'follow_up'
        ? {
            storyId: alert.storyId ?? null,
            storyTitle: alert.storyTitle ?? null,
            score: alert.score ?? null,
            clusterId: alert.clusterId ?? null,
            explanation: {
              terms: take(alert.explanation?.terms ?? [], Math.max(level.list, 5)),
              entities: take(alert.explanation?.entities ?? [], Math.max(level.list, 5)),
              phrases: take(alert.explanation?.phrases ?? [], Math.max(level.list, 5)),
            },
            alsoReportedBy: take(alert.alsoReportedBy ?? [], level.list).map((m) => ({ ...m, title: cut(m.title, Math.max(level.text, 200)) })),
          }
        : null,
    removed: alert.type === 'removed' ? { status: alert.status ?? null } : null,
    truncated: false,
  }
  data.truncated = truncated
  return { type: eventTypeOf(alert), timestamp: alert.createdAt, data }
}

/** Cuts to at most `max` UTF-16 units plus an ellipsis, never splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max)
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

const encoder = new TextEncoder()

export function utf8Length(text: string): number {
  return encoder.encode(text).length
}
