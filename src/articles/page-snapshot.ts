// Builds an article snapshot from its page (pure): page headline and body, the feed's standfirst.
import type { ArticleSnapshot } from '../model/article'
import { snapshotHashes } from './snapshot-hash'

/** Longest body kept from a page (characters); pages past it are cut, not refused. */
const MAX_PAGE_BODY_CHARS = 200_000

export interface PageText {
  headline: string | null
  body: string
  author: string | null
  dateModified: string | null
}

/**
 * The page version of an article: headline and body from the page, standfirst from the feed item (`base`), so that
 * every capture of a page-tracked article compares like with like.
 */
export async function pageSnapshot(base: ArticleSnapshot, page: PageText, capturedAt: string): Promise<ArticleSnapshot> {
  const title = page.headline?.trim() || base.title
  const content = page.body.slice(0, MAX_PAGE_BODY_CHARS)
  const author = page.author?.trim() || base.author
  const hashes = snapshotHashes({ title, summary: base.summary, content, author, url: base.url })
  return {
    ...base,
    title,
    content,
    author,
    updatedAt: page.dateModified ?? base.updatedAt,
    capturedAt,
    source: 'page',
    contentHash: hashes.contentHash,
    rawHash: hashes.rawHash,
  }
}
