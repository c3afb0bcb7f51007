// AlertStore: alerts under newest-first keys, with an id marker that makes raising an alert idempotent.
import type { Alert, AlertType } from '../model/alert'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** Metadata on each alert key: filter by type without reading the value. */
interface AlertIndexMeta {
  t: AlertType
  /** Story id of a follow_up alert. */
  s?: string
}

export interface AlertPage {
  alerts: Alert[]
  nextKvCursor: string | null
}

export class AlertStore {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * Stores an alert unless one with the same id exists; true when it is new.
   * The id marker (holding the whole alert) is written first: if the index write is then lost to a crash,
   * the retried tick finds the marker and rewrites the same index key, so the alert is neither lost nor doubled.
   */
  async raise(alert: Alert): Promise<boolean> {
    const existing = await getJson<Alert>(this.kv, KEYS.alertId(alert.id))
    if (existing) {
      await this.writeIndex(existing)
      return false
    }
    await putJson(this.kv, KEYS.alertId(alert.id), alert)
    await this.writeIndex(alert)
    return true
  }

  /**
   * Rewrites a stored alert (e.g. a development's alert gaining `alsoReportedBy`), under the same keys, so listings and
   * deliveries see the update and nothing is duplicated. False when the alert does not exist.
   */
  async amend(alertId: string, change: (alert: Alert) => Alert): Promise<boolean> {
    const existing = await getJson<Alert>(this.kv, KEYS.alertId(alertId))
    if (!existing) return false
    const next = { ...change(existing), id: existing.id, createdAt: existing.createdAt, type: existing.type }
    await putJson(this.kv, KEYS.alertId(alertId), next)
    await this.writeIndex(next)
    return true
  }

  async get(alertId: string): Promise<Alert | null> {
    return getJson<Alert>(this.kv, KEYS.alertId(alertId))
  }

  /** One page of alerts, newest first; `since` stops the listing at older alerts. */
  async list(options: { limit: number; kvCursor: string | null; type: AlertType | null; since: string | null; storyId?: string | null }): Promise<AlertPage> {
    const listed = await this.kv.list<AlertIndexMeta>({
      prefix: KEYS.alertIndexPrefix(),
      limit: options.limit,
      ...(options.kvCursor ? { cursor: options.kvCursor } : {}),
    })
    // Every alert is newer than a `since` before 1970; such a bound filters nothing.
    const sinceKey = options.since && Date.parse(options.since) > 0 ? KEYS.alertIndex(options.since, '~') : null
    let reachedSince = false
    const names: string[] = []
    const seenIds = new Set<string>()
    for (const key of listed.keys) {
      // Inverted times: a key sorting after the `since` boundary is older than `since`.
      if (sinceKey !== null && key.name > sinceKey) {
        reachedSince = true
        break
      }
      const typeOk = options.type === null || key.metadata?.t === options.type
      const storyOk = !options.storyId || key.metadata?.s === options.storyId
      // Two ticks at different scheduled times racing on the same change write one alert under two listing keys
      // (KV has no compare-and-set); the id is the same, so it is listed once.
      const id = key.name.slice(key.name.lastIndexOf(':') + 1)
      if (typeOk && storyOk && !seenIds.has(id)) {
        seenIds.add(id)
        names.push(key.name)
      }
    }
    const alerts = (await Promise.all(names.map((name) => getJson<Alert>(this.kv, name)))).filter((a): a is Alert => a !== null)
    return { alerts, nextKvCursor: listed.list_complete || reachedSince ? null : listed.cursor }
  }

  private async writeIndex(alert: Alert): Promise<void> {
    const meta: AlertIndexMeta = alert.storyId ? { t: alert.type, s: alert.storyId } : { t: alert.type }
    await putJson(this.kv, KEYS.alertIndex(alert.createdAt, alert.id), alert, { metadata: meta })
  }
}
