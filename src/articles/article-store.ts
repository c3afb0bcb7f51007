// ArticleStore: article records (with their current version), archived versions and the newest-first index.
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** Metadata on each index key: enough to filter by feed without reading the record. */
interface ArticleIndexMeta {
  f: string[]
}

export interface ArticlePage {
  records: ArticleRecord[]
  /** KV list cursor for the next page; null at the end. */
  nextKvCursor: string | null
}

export class ArticleStore {
  /**
   * Records this instance wrote or read, so that two feeds of one tick carrying the same article see each other's
   * writes at once instead of waiting on KV propagation. One instance lives for one invocation.
   */
  private readonly seen = new Map<string, ArticleRecord>()

  constructor(private readonly kv: KVNamespace) {}

  async get(articleId: string): Promise<ArticleRecord | null> {
    const cached = this.seen.get(articleId)
    if (cached) return cached
    const record = await getJson<ArticleRecord>(this.kv, KEYS.article(articleId))
    if (record) this.seen.set(articleId, record)
    return record
  }

  private async putRecord(record: ArticleRecord): Promise<void> {
    await putJson(this.kv, KEYS.article(record.id), record)
    this.seen.set(record.id, record)
  }

  /** Version n of an article (1-based): the current one from the record, older ones from their archive keys. */
  async getVersion(record: ArticleRecord, n: number): Promise<ArticleSnapshot | null> {
    if (!Number.isInteger(n) || n < 1 || n > record.versionCount) return null
    if (n === record.versionCount) return record.current
    return getJson<ArticleSnapshot>(this.kv, KEYS.articleVersion(record.id, n))
  }

  /** Stores a first-seen article as version 1 (record first, then the index; the pipeline re-indexes after a crash). */
  async create(snapshot: ArticleSnapshot): Promise<ArticleRecord> {
    const record: ArticleRecord = {
      id: snapshot.articleId,
      url: snapshot.url,
      feedIds: [snapshot.feedId],
      firstSeenAt: snapshot.capturedAt,
      lastChangedAt: snapshot.capturedAt,
      publishedAt: snapshot.publishedAt,
      versionCount: 1,
      current: snapshot,
    }
    await this.putRecord(record)
    await this.writeIndex(record)
    return record
  }

  /**
   * Makes `snapshot` the new current version. The superseded version is archived first, so a crash in between
   * leaves the record untouched and the retry rewrites the same archive key.
   */
  async addVersion(record: ArticleRecord, snapshot: ArticleSnapshot): Promise<ArticleRecord> {
    await putJson(this.kv, KEYS.articleVersion(record.id, record.versionCount), record.current)
    const feedIds = record.feedIds.includes(snapshot.feedId) ? record.feedIds : [...record.feedIds, snapshot.feedId]
    const next: ArticleRecord = {
      ...record,
      url: snapshot.url,
      feedIds,
      lastChangedAt: snapshot.capturedAt,
      publishedAt: snapshot.publishedAt ?? record.publishedAt,
      versionCount: record.versionCount + 1,
      current: snapshot,
    }
    await this.putRecord(next)
    if (feedIds !== record.feedIds) await this.writeIndex(next)
    return next
  }

  /** Records that another feed carries the same article. */
  async addFeed(record: ArticleRecord, feedId: string): Promise<ArticleRecord> {
    if (record.feedIds.includes(feedId)) return record
    const next: ArticleRecord = { ...record, feedIds: [...record.feedIds, feedId] }
    await this.putRecord(next)
    await this.writeIndex(next)
    return next
  }

  /**
   * One page of articles, newest first by first sight. With `feedId`, keys whose metadata lacks the feed are skipped,
   * so a page may hold fewer than `limit` records while `nextKvCursor` is not null.
   */
  async list(options: { limit: number; kvCursor: string | null; feedId: string | null }): Promise<ArticlePage> {
    const listed = await this.kv.list<ArticleIndexMeta>({
      prefix: KEYS.articleIndexPrefix(),
      limit: options.limit,
      ...(options.kvCursor ? { cursor: options.kvCursor } : {}),
    })
    const ids = listed.keys
      .filter((k) => options.feedId === null || (k.metadata?.f ?? []).includes(options.feedId))
      .map((k) => k.name.slice(k.name.lastIndexOf(':') + 1))
    const records = (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is ArticleRecord => r !== null)
    return { records, nextKvCursor: listed.list_complete ? null : listed.cursor }
  }

  /** Rewrites the record's index key (same key, same metadata): repairs an index lost to a crash. */
  async reindex(record: ArticleRecord): Promise<void> {
    await this.writeIndex(record)
  }

  private async writeIndex(record: ArticleRecord): Promise<void> {
    const meta: ArticleIndexMeta = { f: record.feedIds }
    await this.kv.put(KEYS.articleIndex(record.firstSeenAt, record.id), '', { metadata: meta })
  }
}
