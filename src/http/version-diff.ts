// Loads an article and two of its versions and analyses the change between them (shared by the API and the pages).
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import type { RevisionAnalysis } from '../revisions/classify-revision'
import { ArticleStore } from '../articles/article-store'
import { classifyRevision, toRevisionFields } from '../revisions/classify-revision'
import { ApiError } from './errors'

export const ARTICLE_ID_PATTERN = /^[0-9a-f]{20}$/

export async function loadArticle(kv: KVNamespace, id: string): Promise<{ store: ArticleStore; record: ArticleRecord }> {
  const store = new ArticleStore(kv)
  const record = ARTICLE_ID_PATTERN.test(id) ? await store.get(id) : null
  if (!record) throw new ApiError(404, 'article_not_found', `no article with id ${id}`)
  return { store, record }
}

export async function loadVersion(store: ArticleStore, record: ArticleRecord, n: number): Promise<ArticleSnapshot> {
  const snapshot = await store.getVersion(record, n)
  if (!snapshot) throw new ApiError(404, 'version_not_found', `article ${record.id} has versions 1 to ${record.versionCount}, not ${n}`)
  return snapshot
}

export interface VersionDiff {
  from: number
  to: number
  before: ArticleSnapshot
  after: ArticleSnapshot
  analysis: RevisionAnalysis
}

/** The change from version `from` to `to` (defaults: the last two versions; a single version compares with itself). */
export async function loadDiff(store: ArticleStore, record: ArticleRecord, from: number | undefined, to: number | undefined): Promise<VersionDiff> {
  const toN = to ?? record.versionCount
  const fromN = from ?? Math.max(1, toN - 1)
  const [before, after] = await Promise.all([loadVersion(store, record, fromN), loadVersion(store, record, toN)])
  return { from: fromN, to: toN, before, after, analysis: classifyRevision(toRevisionFields(before), toRevisionFields(after)) }
}
