// TrackedPagesStore: the list of article pages being re-checked, one KV value read once per tick.
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'
import { RECHECK_HORIZON_MS } from './recheck-schedule'

export interface TrackedPage {
  articleId: string
  url: string
  feedId: string
  firstSeenAt: string
}

interface TrackedValue {
  version: 1
  pages: TrackedPage[]
}

export class TrackedPagesStore {
  constructor(private readonly kv: KVNamespace) {}

  async list(): Promise<TrackedPage[]> {
    return (await getJson<TrackedValue>(this.kv, KEYS.trackedPages()))?.pages ?? []
  }

  /**
   * Adds and removes entries in one write, dropping pages past the re-check horizon. Only the tick writes this key,
   * after its feeds are done, so there is one writer per tick.
   */
  async update(change: { add: TrackedPage[]; remove: string[] }, nowMs: number): Promise<void> {
    if (change.add.length === 0 && change.remove.length === 0) return
    const current = await this.list()
    const removed = new Set(change.remove)
    const byId = new Map<string, TrackedPage>()
    for (const page of [...current, ...change.add]) {
      if (removed.has(page.articleId)) continue
      if (nowMs - Date.parse(page.firstSeenAt) > RECHECK_HORIZON_MS) continue
      if (!byId.has(page.articleId)) byId.set(page.articleId, page)
    }
    const value: TrackedValue = { version: 1, pages: [...byId.values()] }
    await putJson(this.kv, KEYS.trackedPages(), value)
  }
}
