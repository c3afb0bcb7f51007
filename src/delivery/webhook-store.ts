// WebhookStore: the endpoint registry, the dispatch cursor, delivery records with their index, and the KV outbox.
import type { AlertType } from '../model/alert'
import type { DeliveryRecord, DeliveryStatus, DispatchCursor, WebhookEndpoint } from './webhook-model'
import { KEYS, parseWebhookOutboxKey } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** Delivery records and their index expire after this long (replays and history are kept for a month). */
const DELIVERY_TTL_SECONDS = 30 * 24 * 3600
/** Workers KV returns at most 1000 keys per list call. */
const KV_LIST_LIMIT = 1000

interface Registry {
  version: 1
  endpoints: WebhookEndpoint[]
}

/** Metadata of a delivery index key: the status, so listings filter without reading records. */
interface DeliveryIndexMeta {
  s: DeliveryStatus
}

/** Metadata of an `alerts:` key as the alert store writes it (type and story id). */
export interface AlertKeyMeta {
  t: AlertType
  s?: string
}

export interface AlertKey {
  name: string
  metadata: AlertKeyMeta | null
}

export interface DeliveryPage {
  deliveries: DeliveryRecord[]
  nextKvCursor: string | null
}

export class WebhookStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Every endpoint, enabled or not; [] when none was ever registered. */
  async listEndpoints(): Promise<WebhookEndpoint[]> {
    return (await getJson<Registry>(this.kv, KEYS.webhookRegistry()))?.endpoints ?? []
  }

  async saveEndpoints(endpoints: WebhookEndpoint[]): Promise<void> {
    const registry: Registry = { version: 1, endpoints }
    await putJson(this.kv, KEYS.webhookRegistry(), registry)
  }

  /**
   * Applies `change` to the freshly read registry and writes it when something changed: a tick's health update and an
   * API edit of another endpoint then lose nothing unless they land in the same second (KV has no compare-and-set).
   */
  async updateEndpoints(change: (endpoints: WebhookEndpoint[]) => WebhookEndpoint[] | null): Promise<WebhookEndpoint[]> {
    const current = await this.listEndpoints()
    const next = change(current)
    if (next === null) return current
    await this.saveEndpoints(next)
    return next
  }

  async getCursor(): Promise<DispatchCursor | null> {
    return getJson<DispatchCursor>(this.kv, KEYS.webhookCursor())
  }

  async saveCursor(cursor: DispatchCursor): Promise<void> {
    await putJson(this.kv, KEYS.webhookCursor(), cursor)
  }

  /**
   * Names and metadata of the alert store's listing keys, newest first, down to (and including) `stopAfterKey`'s time
   * (keys sorting after it are older). Reads no alert value: the dispatcher reads only the alerts it needs.
   */
  async listAlertKeysNewerThan(stopAfterKey: string, maxPages: number): Promise<AlertKey[]> {
    const out: AlertKey[] = []
    let cursor: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const listed = await this.kv.list<AlertKeyMeta>({ prefix: KEYS.alertIndexPrefix(), limit: KV_LIST_LIMIT, ...(cursor ? { cursor } : {}) })
      for (const key of listed.keys) {
        if (key.name > stopAfterKey) return out
        out.push({ name: key.name, metadata: key.metadata ?? null })
      }
      if (listed.list_complete) return out
      cursor = listed.cursor
    }
    return out
  }

  async getDelivery(deliveryId: string): Promise<DeliveryRecord | null> {
    return getJson<DeliveryRecord>(this.kv, KEYS.webhookDelivery(deliveryId))
  }

  /** Writes the record, and its index key when the status is new (`previousStatus` differs or the record is new). */
  async saveDelivery(record: DeliveryRecord, previousStatus: DeliveryStatus | null): Promise<void> {
    await putJson(this.kv, KEYS.webhookDelivery(record.id), record, { expirationTtl: DELIVERY_TTL_SECONDS })
    if (previousStatus !== record.status) {
      const meta: DeliveryIndexMeta = { s: record.status }
      await this.kv.put(KEYS.webhookDeliveryIndex(record.endpointId, record.createdAt, record.id), '', {
        metadata: meta,
        expirationTtl: DELIVERY_TTL_SECONDS,
      })
    }
  }

  /** One page of an endpoint's deliveries, newest first, optionally only those with `status`. */
  async listDeliveries(endpointId: string, options: { limit: number; kvCursor: string | null; status: DeliveryStatus | null }): Promise<DeliveryPage> {
    const listed = await this.kv.list<DeliveryIndexMeta>({
      prefix: KEYS.webhookDeliveryIndexPrefix(endpointId),
      limit: options.limit,
      ...(options.kvCursor ? { cursor: options.kvCursor } : {}),
    })
    const ids = listed.keys
      .filter((k) => options.status === null || k.metadata?.s === options.status)
      .map((k) => k.name.slice(k.name.lastIndexOf(':') + 1))
    const records = await Promise.all(ids.map((id) => this.getDelivery(id)))
    return {
      deliveries: records.filter((r): r is DeliveryRecord => r !== null && r.endpointId === endpointId),
      nextKvCursor: listed.list_complete ? null : listed.cursor,
    }
  }

  /** Puts a pending delivery in the outbox, due at `dueMs`. */
  async enqueueOutbox(dueMs: number, deliveryId: string): Promise<void> {
    await this.kv.put(KEYS.webhookOutbox(dueMs, deliveryId), '')
  }

  async removeOutbox(dueMs: number, deliveryId: string): Promise<void> {
    await this.kv.delete(KEYS.webhookOutbox(dueMs, deliveryId))
  }

  /** Outbox entries due at or before `nowMs`, most overdue first, at most `limit` (one list call). */
  async dueOutbox(nowMs: number, limit: number): Promise<{ dueMs: number; deliveryId: string }[]> {
    const listed = await this.kv.list({ prefix: KEYS.webhookOutboxPrefix(), limit: Math.min(KV_LIST_LIMIT, limit) })
    const out: { dueMs: number; deliveryId: string }[] = []
    for (const key of listed.keys) {
      const entry = parseWebhookOutboxKey(key.name)
      if (!entry) continue
      if (entry.dueMs > nowMs) break
      out.push(entry)
    }
    return out
  }
}
