// ArticleStore: article records (current version + history summary), archived versions and newest-first indexes.
import type { ArticleRecord, ArticleSnapshot, VersionSummary } from '../model/article'
import { KEYS, parseRevisionIndexKey } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** Metadata on each article index key: enough to filter by feed without reading the record. */
interface ArticleIndexMeta {
  f: string[]
}

/** Metadata on each revision index key: enough to list recent changes without reading records. */
export interface RevisionIndexMeta {
  f: string
  c: string | null
  s: number
  m: boolean
}

export interface RevisionRef {
  articleId: string
  n: number
  capturedAt: string
  meta: RevisionIndexMeta | null
}

export interface ArticlePage {
  records: ArticleRecord[]
  /** KV list cursor for the next page; null at the end. */
  nextKvCursor: string | null
}

/** What a new version adds to the history line, besides what the snapshot itself says. */
export type VersionNotes = Pick<VersionSummary, 'minor' | 'flipFlopOf' | 'changedFields' | 'classification' | 'significance'>

function summarise(n: number, s: ArticleSnapshot, notes: VersionNotes): VersionSummary {
  return { n, capturedAt: s.capturedAt, source: s.source, title: s.title, contentHash: s.contentHash, rawHash: s.rawHash, ...notes }
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
    const stored = await getJson<ArticleRecord>(this.kv, KEYS.article(articleId))
    if (!stored) return null
    // Records written before the history line existed get one entry for their current version.
    const record: ArticleRecord = {
      ...stored,
      versions: stored.versions ?? [summarise(stored.versionCount, stored.current, { minor: false, flipFlopOf: null, changedFields: [], classification: null, significance: 0 })],
      page: stored.page ?? null,
    }
    this.seen.set(articleId, record)
    return record
  }

  /** Version n of an article (1-based): the current one from the record, older ones from their archive keys. */
  async getVersion(record: ArticleRecord, n: number): Promise<ArticleSnapshot | null> {
    if (!Number.isInteger(n) || n < 1 || n > record.versionCount) return null
    if (n === record.versionCount) return record.current
    return getJson<ArticleSnapshot>(this.kv, KEYS.articleVersion(record.id, n))
  }

  /** Stores a first-seen article as version 1 (record first, then the index; the pipeline re-indexes after a crash). */
  async create(snapshot: ArticleSnapshot, options: { trackPage: boolean }): Promise<ArticleRecord> {
    const record: ArticleRecord = {
      id: snapshot.articleId,
      url: snapshot.url,
      feedIds: [snapshot.feedId],
      firstSeenAt: snapshot.capturedAt,
      lastChangedAt: snapshot.capturedAt,
      publishedAt: snapshot.publishedAt,
      versionCount: 1,
      current: snapshot,
      versions: [summarise(1, snapshot, { minor: false, flipFlopOf: null, changedFields: [], classification: null, significance: 0 })],
      page: options.trackPage ? { lastFetchedAt: snapshot.source === 'page' ? snapshot.capturedAt : null, removedAt: null } : null,
    }
    await this.putRecord(record)
    await this.writeIndex(record)
    return record
  }

  /**
   * Makes `snapshot` version n+1: archive the superseded version, index the revision, then replace the record. A crash
   * before the record leaves the old record, and the retry redoes all three (the index key may then exist twice with
   * two capture times; listings keep the one matching the record). Nothing is left unindexed.
   */
  async addVersion(record: ArticleRecord, snapshot: ArticleSnapshot, notes: VersionNotes): Promise<ArticleRecord> {
    await putJson(this.kv, KEYS.articleVersion(record.id, record.versionCount), record.current)
    const feedIds = record.feedIds.includes(snapshot.feedId) ? record.feedIds : [...record.feedIds, snapshot.feedId]
    const n = record.versionCount + 1
    const next: ArticleRecord = {
      ...record,
      url: snapshot.url,
      feedIds,
      lastChangedAt: snapshot.capturedAt,
      publishedAt: snapshot.publishedAt ?? record.publishedAt,
      versionCount: n,
      current: snapshot,
      versions: [...record.versions, summarise(n, snapshot, notes)],
      page: record.page && snapshot.source === 'page' ? { ...record.page, lastFetchedAt: snapshot.capturedAt } : record.page,
    }
    const meta: RevisionIndexMeta = { f: snapshot.feedId, c: notes.classification, s: notes.significance, m: notes.minor }
    await this.kv.put(KEYS.revisionIndex(snapshot.capturedAt, record.id, n), '', { metadata: meta })
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

  /** Marks the article's page as gone (404/410); it will not be re-checked again. */
  async markRemoved(record: ArticleRecord, at: string): Promise<ArticleRecord> {
    const next: ArticleRecord = { ...record, page: { lastFetchedAt: at, removedAt: at } }
    await this.putRecord(next)
    return next
  }

  /** Rewrites the record's index key (same key, same metadata): repairs an index lost to a crash. */
  async reindex(record: ArticleRecord): Promise<void> {
    await this.writeIndex(record)
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

  /** One page of revisions (versions ≥ 2) across all articles, newest first, optionally of one feed. */
  async listRevisions(options: { limit: number; kvCursor: string | null; feedId: string | null }): Promise<{ refs: RevisionRef[]; nextKvCursor: string | null }> {
    const listed = await this.kv.list<RevisionIndexMeta>({
      prefix: KEYS.revisionIndexPrefix(),
      limit: options.limit,
      ...(options.kvCursor ? { cursor: options.kvCursor } : {}),
    })
    const refs: RevisionRef[] = []
    for (const key of listed.keys) {
      if (options.feedId !== null && key.metadata?.f !== options.feedId) continue
      const parsed = parseRevisionIndexKey(key.name)
      if (parsed) refs.push({ ...parsed, meta: key.metadata ?? null })
    }
    return { refs, nextKvCursor: listed.list_complete ? null : listed.cursor }
  }

  private async putRecord(record: ArticleRecord): Promise<void> {
    await putJson(this.kv, KEYS.article(record.id), record)
    this.seen.set(record.id, record)
  }

  private async writeIndex(record: ArticleRecord): Promise<void> {
    const meta: ArticleIndexMeta = { f: record.feedIds }
    await this.kv.put(KEYS.articleIndex(record.firstSeenAt, record.id), '', { metadata: meta })
  }
}
