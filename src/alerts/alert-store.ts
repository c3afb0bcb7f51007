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
  /** Opaque: where the next page starts (pass it back as `kvCursor`); null when the listing ended. */
  nextKvCursor: string | null
}

/** Keys one KV `list` call returns at most. */
const KV_LIST_LIMIT = 1000
/** `list` calls one filtered page makes at most: up to 10,000 index keys read for one page, and 10 KV operations. */
export const MAX_LIST_CALLS = 10

/**
 * Where a listing resumes: in the KV page that starts at `cursor` (null: the first page), after the key `after` (null:
 * from its start). KV lists only from a cursor, and a cursor points past a whole page, so stopping inside a page
 * keeps the page's own cursor and the last key taken; the page is listed again and the keys up to `after` skipped.
 */
interface ListPosition {
  cursor: string | null
  after: string | null
}

/**
 * A position as a string: a plain KV cursor at a page boundary (what this store always returned, so positions
 * handed out before stay valid); otherwise JSON, which a KV cursor (base64) never starts with.
 */
function writePosition(position: ListPosition): string {
  if (position.after === null && position.cursor !== null) return position.cursor
  return JSON.stringify({ c: position.cursor, a: position.after })
}

function readPosition(text: string | null): ListPosition {
  if (text === null || text === '') return { cursor: null, after: null }
  if (!text.startsWith('{')) return { cursor: text, after: null }
  const parsed = JSON.parse(text) as { c?: unknown; a?: unknown }
  const cursor = parsed.c === null || typeof parsed.c === 'string' ? parsed.c : undefined
  const after = parsed.a === null || (typeof parsed.a === 'string' && parsed.a.startsWith(KEYS.alertIndexPrefix())) ? parsed.a : undefined
  if (cursor === undefined || after === undefined) throw new Error('alerts: unreadable listing position')
  return { cursor, after }
}

/** The alert id at the end of a listing key. */
function alertIdOf(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1)
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

  /**
   * One page of alerts, newest first; `since` stops the listing at older alerts. With a type or story filter, further
   * KV pages are listed (at most MAX_LIST_CALLS per call) until `limit` alerts match, the listing ends or `since` is
   * reached, so a filtered page is short only at the end (or, when matches are sparser than the bound, empty with a
   * position to go on from). `kvCursor`/`nextKvCursor` are opaque positions made by this method: a KV cursor, or a KV
   * page and the last key taken from it; null `nextKvCursor`: nothing more.
   */
  async list(options: { limit: number; kvCursor: string | null; type: AlertType | null; since: string | null; storyId?: string | null }): Promise<AlertPage> {
    const filtering = options.type !== null || !!options.storyId
    // Every alert is newer than a `since` before 1970; such a bound filters nothing.
    const sinceKey = options.since && Date.parse(options.since) > 0 ? KEYS.alertIndex(options.since, '~') : null
    // Inverted times: a key sorting after the `since` boundary is older than `since` (and so is every key after it).
    const tooOld = (name: string): boolean => sinceKey !== null && name > sinceKey
    const wanted = (key: KVNamespaceListKey<AlertIndexMeta>): boolean =>
      (options.type === null || key.metadata?.t === options.type) && (!options.storyId || key.metadata?.s === options.storyId)
    const names: string[] = []
    // Two ticks at different scheduled times racing on the same change write one alert under two listing keys
    // (KV has no compare-and-set); the id is the same, so it is listed once.
    const seenIds = new Set<string>()
    const load = async (next: ListPosition | null): Promise<AlertPage> => {
      const alerts = (await Promise.all(names.map((name) => getJson<Alert>(this.kv, name)))).filter((a): a is Alert => a !== null)
      return { alerts, nextKvCursor: next === null ? null : writePosition(next) }
    }

    let { cursor, after } = readPosition(options.kvCursor)
    for (let calls = 0; calls < MAX_LIST_CALLS; calls++) {
      const listed = await this.kv.list<AlertIndexMeta>({
        prefix: KEYS.alertIndexPrefix(),
        // Unfiltered, every key is taken: list what is still needed, so the page ends on a KV page boundary.
        limit: filtering || after !== null ? KV_LIST_LIMIT : options.limit - names.length,
        ...(cursor ? { cursor } : {}),
      })
      const pageStart = cursor
      const nextPage: ListPosition | null = listed.list_complete ? null : { cursor: listed.cursor, after: null }
      for (const [i, key] of listed.keys.entries()) {
        if (after !== null && key.name <= after) continue
        if (tooOld(key.name)) return load(null)
        const id = alertIdOf(key.name)
        if (!wanted(key) || seenIds.has(id)) continue
        seenIds.add(id)
        names.push(key.name)
        if (names.length < options.limit) continue
        // Full. Resume right after this key if the rest of this KV page holds another alert to list; otherwise at the
        // next KV page, or nowhere when the listing (or `since`) ends within this one.
        for (const rest of listed.keys.slice(i + 1)) {
          if (tooOld(rest.name)) return load(null)
          if (wanted(rest) && !seenIds.has(alertIdOf(rest.name))) return load({ cursor: pageStart, after: key.name })
        }
        return load(nextPage)
      }
      if (nextPage === null) return load(null)
      cursor = nextPage.cursor
      after = null
    }
    // The bound on list calls: what matched so far, and the next KV page to go on from.
    return load({ cursor, after: null })
  }

  private async writeIndex(alert: Alert): Promise<void> {
    const meta: AlertIndexMeta = alert.storyId ? { t: alert.type, s: alert.storyId } : { t: alert.type }
    await putJson(this.kv, KEYS.alertIndex(alert.createdAt, alert.id), alert, { metadata: meta })
  }
}
