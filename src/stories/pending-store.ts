// PendingStoryStore: the articles a failed run of story tracking could not score, under one KV key, until a later
// run scores them.
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

/** One article waiting to be scored against the stories. */
export interface PendingArticle {
  articleId: string
  /** Scored without alerts (a feed's back catalogue, old news), as the run that failed would have scored it. */
  quiet: boolean
}

interface PendingValue {
  version: 1
  articles: PendingArticle[]
}

/** The most articles kept waiting: a failure lasting longer than this many new articles loses the oldest (logged). */
export const MAX_PENDING_ARTICLES = 500

/**
 * `list` with `more` added, oldest first and each article once; an article listed twice is quiet only if both say so
 * (one run saw it as news). Past `max`, the oldest are dropped and counted.
 */
export function withPending(list: readonly PendingArticle[], more: readonly PendingArticle[], max = MAX_PENDING_ARTICLES): { articles: PendingArticle[]; dropped: number } {
  const byId = new Map<string, PendingArticle>()
  for (const entry of [...list, ...more]) {
    const known = byId.get(entry.articleId)
    byId.set(entry.articleId, known === undefined ? { articleId: entry.articleId, quiet: entry.quiet } : { articleId: entry.articleId, quiet: known.quiet && entry.quiet })
  }
  const articles = [...byId.values()]
  const dropped = Math.max(0, articles.length - max)
  return { articles: articles.slice(dropped), dropped }
}

function sameList(a: readonly PendingArticle[], b: readonly PendingArticle[]): boolean {
  return a.length === b.length && a.every((x, i) => x.articleId === b[i]?.articleId && x.quiet === b[i]?.quiet)
}

/**
 * The pending list. KV has no compare-and-set: each change reads the list just before writing it, which narrows (but
 * cannot close) the window in which two concurrent writers lose one's change (docs/storage.md, Known limits).
 */
export class PendingStoryStore {
  constructor(private readonly kv: KVNamespace) {}

  /** The articles waiting, oldest first (empty when none are). */
  async list(): Promise<PendingArticle[]> {
    return (await getJson<PendingValue>(this.kv, KEYS.storyPending()))?.articles ?? []
  }

  /** Adds articles to the list as it stands now; writes only when the list changes. Returns the list left. */
  async add(more: readonly PendingArticle[]): Promise<PendingArticle[]> {
    const current = await this.list()
    const next = withPending(current, more)
    if (next.dropped > 0) console.error(`stories: pending list full (${MAX_PENDING_ARTICLES}); the ${next.dropped} oldest articles will not be scored against the stories`)
    if (!sameList(current, next.articles)) await putJson(this.kv, KEYS.storyPending(), { version: 1, articles: next.articles } satisfies PendingValue)
    return next.articles
  }

  /**
   * Removes these articles from the list as it stands now (deleting the key when it empties); reads nothing when there
   * is nothing to remove, and writes only on change.
   */
  async remove(articleIds: ReadonlySet<string>): Promise<void> {
    if (articleIds.size === 0) return
    const current = await this.list()
    const next = current.filter((a) => !articleIds.has(a.articleId))
    if (next.length === current.length) return
    if (next.length === 0) await this.kv.delete(KEYS.storyPending())
    else await putJson(this.kv, KEYS.storyPending(), { version: 1, articles: next } satisfies PendingValue)
  }
}
