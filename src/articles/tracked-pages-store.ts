// TrackedPagesStore: the list of article pages being re-checked (one KV value), and the per-page changes queue consumers stage for it.
import { KEYS, parseStagedPageKey } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'
import { mapLimit } from '../core/map-limit'
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

/** A staged change outlives any tick that would fold it in; past the re-check horizon the page is not tracked anyway. */
const STAGED_TTL_SECONDS = RECHECK_HORIZON_MS / 1000
/** Staged additions read at once when folding them in (each is one KV read). */
const STAGED_READ_CONCURRENCY = 8

export class TrackedPagesStore {
  constructor(private readonly kv: KVNamespace) {}

  async list(): Promise<TrackedPage[]> {
    return (await getJson<TrackedValue>(this.kv, KEYS.trackedPages()))?.pages ?? []
  }

  /**
   * Adds and removes entries in one read-modify-write, dropping pages past the re-check horizon; writes only when the
   * list changes. For the one writer of a tick (the cron, after its feeds are done): KV has no compare-and-set, so two
   * invocations doing this at once can lose each other's additions. Queue consumers use `stage` instead. Returns the
   * list as it now stands, or null for an empty change (nothing read, nothing written).
   */
  async update(change: { add: readonly TrackedPage[]; remove: readonly string[] }, nowMs: number): Promise<TrackedPage[] | null> {
    if (change.add.length === 0 && change.remove.length === 0) return null
    return this.write(await this.list(), change, nowMs)
  }

  /**
   * Records additions and removals one key per page (written once each, with a TTL), so any number of concurrent
   * queue consumers can stage theirs without a read-modify-write of the shared list. `mergeStaged` folds them in.
   */
  async stage(change: { add: readonly TrackedPage[]; remove: readonly string[] }): Promise<void> {
    for (const page of change.add) await putJson(this.kv, KEYS.stagedPageAdd(page.articleId), page, { expirationTtl: STAGED_TTL_SECONDS })
    for (const articleId of change.remove) await this.kv.put(KEYS.stagedPageRemove(articleId), '', { expirationTtl: STAGED_TTL_SECONDS })
  }

  /**
   * Folds the staged changes into the list and returns the list as it now stands: one `list` call, one read per staged
   * addition, one write of the list when it changed, then one delete per staged key. Only the cron calls this, so the
   * list keeps one writer. A crash before the deletes leaves the keys to be folded in again next time (idempotent); a
   * key staged after the `list` call (or not yet visible to it) waits for the next tick.
   */
  async mergeStaged(nowMs: number): Promise<{ pages: TrackedPage[]; staged: number }> {
    const names: string[] = []
    let cursor: string | undefined
    do {
      const page = await this.kv.list({ prefix: KEYS.stagedPagePrefix(), ...(cursor ? { cursor } : {}) })
      names.push(...page.keys.map((k) => k.name))
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)
    if (names.length === 0) return { pages: await this.list(), staged: 0 }

    const remove: string[] = []
    const addNames: string[] = []
    for (const name of names) {
      const parsed = parseStagedPageKey(name)
      if (parsed?.op === 'remove') remove.push(parsed.articleId)
      else if (parsed?.op === 'add') addNames.push(name)
    }
    const added = await mapLimit(addNames, STAGED_READ_CONCURRENCY, (name) => getJson<TrackedPage>(this.kv, name))
    const add = added.filter((p): p is TrackedPage => p !== null)
    const pages = await this.write(await this.list(), { add, remove }, nowMs)
    for (const name of names) await this.kv.delete(name)
    return { pages, staged: names.length }
  }

  /** Applies a change to `current` (removals win, first entry of an article kept) and writes it when it differs. */
  private async write(current: readonly TrackedPage[], change: { add: readonly TrackedPage[]; remove: readonly string[] }, nowMs: number): Promise<TrackedPage[]> {
    const removed = new Set(change.remove)
    const byId = new Map<string, TrackedPage>()
    for (const page of [...current, ...change.add]) {
      if (removed.has(page.articleId)) continue
      if (nowMs - Date.parse(page.firstSeenAt) > RECHECK_HORIZON_MS) continue
      if (!byId.has(page.articleId)) byId.set(page.articleId, page)
    }
    const pages = [...byId.values()]
    const unchanged = pages.length === current.length && pages.every((p, i) => p === current[i])
    if (!unchanged) await putJson(this.kv, KEYS.trackedPages(), { version: 1, pages } satisfies TrackedValue)
    return pages
  }
}
