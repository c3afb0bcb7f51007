// DigestStore: email digest subscriptions, their delivery state and the per-digest sent-markers, in KV.
import type { AlertType } from '../model/alert'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

export type DigestSchedule = 'hourly' | 'daily'

/** Subscription ids: `ds_` and 64 random bits in hex. */
export const SUBSCRIPTION_ID_PATTERN = /^ds_[0-9a-f]{16}$/

/** What a newsroom subscribed to. Written only by the API: the cron never rewrites it, so a DELETE cannot be undone by a run. */
export interface DigestSubscription {
  id: string
  email: string
  schedule: DigestSchedule
  /** Hour of the day (UTC) a daily digest is sent; null for hourly. */
  hourUtc: number | null
  /** Only these stories' follow-ups (and revisions/removals of articles matched to them); empty: everything. */
  storyIds: string[]
  /** Only these alert types; empty: every type. */
  types: AlertType[]
  createdAt: string
}

/** Outcome of one digest, as recorded on its marker and on the subscription's state. */
export type DigestStatus =
  /** Claimed and handed to the sender; still this after a crash mid-send (never resent: at-most-once). */
  | 'sending'
  | 'sent'
  /** EMAIL_PROVIDER "none": built and recorded, not sent. */
  | 'recorded'
  /** The provider answered and refused: nothing was sent, so its alerts go into the next period's digest. */
  | 'failed'
  /** No answer (timeout, network error): it may have been sent, so it is not resent. */
  | 'unknown'

/** One digest: a subscription and a period, sent at most once. */
export interface DigestRecord {
  /** `<subscriptionId>.<period>`: the idempotency key of the digest (marker key, provider Idempotency-Key, Message-ID). */
  id: string
  subscriptionId: string
  period: string
  status: DigestStatus
  /** The alerts covered: createdAt in (windowFrom, windowTo]. */
  windowFrom: string
  windowTo: string
  alertCount: number
  newestAlertAt: string
  subject: string
  at: string
  error: string | null
}

/** Delivery state of a subscription. Written only by the digest cron. */
export interface DigestState {
  subscriptionId: string
  /** Every alert created at or before this time has been put in a digest (or fell outside the filters). */
  watermark: string
  /** Period of the last digest claimed: a retried or overlapping run of that period skips the subscription. */
  lastPeriod: string | null
  lastDigest: DigestRecord | null
  lastSentAt: string | null
  /** Consecutive failed digests, and the latest failure's message. */
  errorCount: number
  lastError: string | null
  sentCount: number
}

/** Sent-markers outlive any retry or overlap of their period by far; after that they are an audit trail only. */
const MARKER_TTL_SECONDS = 30 * 24 * 60 * 60

export class DigestStore {
  constructor(private readonly kv: KVNamespace) {}

  async getSubscription(id: string): Promise<DigestSubscription | null> {
    return getJson<DigestSubscription>(this.kv, KEYS.digestSubscription(id))
  }

  /** Every subscription (one list, one read each), oldest first by creation. */
  async listSubscriptions(): Promise<DigestSubscription[]> {
    const names: string[] = []
    let cursor: string | undefined
    do {
      const page = await this.kv.list({ prefix: KEYS.digestSubscriptionPrefix(), ...(cursor ? { cursor } : {}) })
      names.push(...page.keys.map((k) => k.name))
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)
    const subs = await Promise.all(names.map((name) => getJson<DigestSubscription>(this.kv, name)))
    return subs.filter((s): s is DigestSubscription => s !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  }

  async putSubscription(sub: DigestSubscription): Promise<void> {
    await putJson(this.kv, KEYS.digestSubscription(sub.id), sub)
  }

  /** Deletes the subscription and its state; its sent-markers expire on their own. */
  async deleteSubscription(id: string): Promise<void> {
    await this.kv.delete(KEYS.digestSubscription(id))
    await this.kv.delete(KEYS.digestState(id))
  }

  async getState(id: string): Promise<DigestState | null> {
    return getJson<DigestState>(this.kv, KEYS.digestState(id))
  }

  async putState(state: DigestState): Promise<void> {
    await putJson(this.kv, KEYS.digestState(state.subscriptionId), state)
  }

  async getMarker(digestId: string): Promise<DigestRecord | null> {
    return getJson<DigestRecord>(this.kv, KEYS.digestSent(digestId))
  }

  async putMarker(record: DigestRecord): Promise<void> {
    await putJson(this.kv, KEYS.digestSent(record.id), record, { expirationTtl: MARKER_TTL_SECONDS })
  }
}
