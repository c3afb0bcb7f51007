// Fetches and extracts one article page into a page snapshot, judging extraction failures (not revisions).
import type { ArticleRecord, ArticleSnapshot } from '../model/article'
import type { Settings } from '../config/settings'
import { fetchArticlePage } from '../articles/fetch-page'
import { extractArticle, judgeExtraction } from '../articles/extract-page'
import { pageSnapshot } from '../articles/page-snapshot'

export type PageCapture =
  | { kind: 'snapshot'; snapshot: ArticleSnapshot }
  | { kind: 'gone'; status: number }
  | { kind: 'problem'; message: string }
  | { kind: 'failed'; code: string; message: string }

/**
 * The page version of `base` (a feed snapshot or the stored current version). An empty body, or one that shrinks to
 * under half with the same headline, is an extraction problem: the previous version stays current (a broken selector
 * must never look like a stealth edit).
 */
export async function capturePage(
  deps: { fetch: typeof fetch; settings: Settings },
  base: ArticleSnapshot,
  options: { selector: string | null; previous: ArticleRecord | null; capturedAt: string },
): Promise<PageCapture> {
  const fetched = await fetchArticlePage(deps.fetch, base.url, {
    timeoutMs: deps.settings.fetchTimeoutMs,
    maxBytes: deps.settings.maxPageBytes,
    allowLoopback: deps.settings.allowLoopback,
    userAgent: deps.settings.userAgent,
  })
  if (fetched.kind === 'gone') return { kind: 'gone', status: fetched.status }
  if (fetched.kind === 'failed') return { kind: 'failed', code: fetched.code, message: fetched.message }
  const extraction = await extractArticle(fetched.html, { selector: options.selector })
  const previous = options.previous?.current.source === 'page' ? { body: options.previous.current.content, headline: options.previous.current.title } : null
  const verdict = judgeExtraction(previous, extraction)
  if (!verdict.ok) return { kind: 'problem', message: verdict.problem }
  if (extraction.kind !== 'ok') return { kind: 'problem', message: extraction.reason }
  return { kind: 'snapshot', snapshot: await pageSnapshot(base, extraction, options.capturedAt) }
}
