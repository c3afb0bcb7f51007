// Turns what the demo observed through the API into readable terminal lines (pure: data in, strings out).
import type { AlertDto, DiffOpDto, FieldChangeDto, TickCountsDto } from './storywatch-api.ts'
import type { FixtureRequest } from './fixture-server.ts'

const FIELD_LABELS: Record<string, string> = { title: 'headline', summary: 'standfirst', content: 'body' }

// Long unchanged runs are elided so a one-word edit in a 600-word body stays one readable line.
const EQUAL_CONTEXT_WORDS = 6
const MIN_ELIDED_WORDS = 6
const MAX_PLAIN_CHARS = 240

/**
 * Renders word-level diff ops with `[-deleted-]` and `{+inserted+}` markers (the `git diff --word-diff`
 * convention). Unchanged runs longer than twice `context` words keep only their edges, joined by `…`.
 */
export function renderOps(ops: readonly DiffOpDto[], context = EQUAL_CONTEXT_WORDS): string {
  return ops
    .map((op, index) => {
      if (op.op === 'equal') return elideEqual(op.text, context, index === 0, index === ops.length - 1)
      const core = op.text.trim()
      if (core === '') return op.text
      const lead = /^\s*/.exec(op.text)?.[0] ?? ''
      const trail = /\s*$/.exec(op.text)?.[0] ?? ''
      return op.op === 'delete' ? `${lead}[-${core}-]${trail}` : `${lead}{+${core}+}${trail}`
    })
    .join('')
}

function elideEqual(text: string, context: number, isFirst: boolean, isLast: boolean): string {
  const words = text.split(/(\s+)/)
  const wordCount = words.filter((w) => w.trim() !== '').length
  // Context is only needed on the sides that touch a change.
  const keepStart = isFirst ? 0 : context
  const keepEnd = isLast ? 0 : context
  // Eliding a handful of words saves no space and costs the reader context.
  if (wordCount - keepStart - keepEnd <= MIN_ELIDED_WORDS) return text
  const head = takeWords(words, keepStart)
  const tail = takeWords([...words].reverse(), keepEnd).split(/(\s+)/).reverse().join('')
  return `${head}${head && !/\s$/.test(head) ? ' ' : ''}…${tail && !/^\s/.test(tail) ? ' ' : ''}${tail}`
}

function takeWords(parts: readonly string[], count: number): string {
  let taken = ''
  let words = 0
  for (const part of parts) {
    if (words >= count) break
    taken += part
    if (part.trim() !== '') words++
  }
  return taken
}

function truncate(text: string, max = MAX_PLAIN_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

/** Lines for one changed field: a headline as before → after, prose as a marked-up word diff. */
export function formatFieldChange(change: FieldChangeDto): string[] {
  const label = FIELD_LABELS[change.field] ?? change.field
  const words = `(+${change.wordsAdded} −${change.wordsRemoved} words)`
  if (change.field === 'title') {
    return [`${label}: "${truncate(change.before)}"`, `${' '.repeat(label.length)}→ "${truncate(change.after)}"`]
  }
  if (change.ops === null) {
    return [`${label} ${words}, too large to diff:`, `  before: ${truncate(change.before)}`, `  after:  ${truncate(change.after)}`]
  }
  return [`${label} ${words}: ${renderOps(change.ops)}`]
}

/** Lines for one alert: its type and title, the article URL, and for revisions every changed field. */
export function formatAlert(alert: AlertDto): string[] {
  const lines = [`▸ ${alert.type} · ${truncate(alert.title, 120)}`, `  ${alert.url}`]
  if (alert.changes && alert.changes.length > 0) {
    for (const change of alert.changes) lines.push(...formatFieldChange(change).map((line) => `  ${line}`))
  } else if (alert.summary) {
    lines.push(`  ${truncate(alert.summary)}`)
  }
  return lines
}

const COUNT_LABELS: [keyof TickCountsDto & string, string][] = [
  ['feedsDue', 'due'],
  ['feedsPolled', 'polled'],
  ['notModified', 'not modified'],
  ['unchanged', 'unchanged'],
  ['updated', 'updated'],
  ['failed', 'failed'],
  ['articlesNew', 'new articles'],
  ['articlesRevised', 'revised'],
  ['alertsRaised', 'alerts raised'],
]

/** The counts of `lastTick` on one line, the known ones first in pipeline order, then any others. */
export function formatTickCounts(counts: TickCountsDto | null): string {
  if (counts === null) return 'no tick recorded'
  const known = new Set<string>(COUNT_LABELS.map(([key]) => key))
  const parts = COUNT_LABELS.map(([key, label]) => `${label} ${typeof counts[key] === 'number' ? counts[key] : '?'}`)
  for (const [key, value] of Object.entries(counts)) {
    if (!known.has(key) && typeof value === 'number') parts.push(`${key} ${value}`)
  }
  return `feeds ${parts.slice(0, 6).join(' · ')} | ${parts.slice(6).join(' · ')}`
}

/** The fixture server's log for one tick, e.g. `GET /politics.xml → 304 (If-None-Match)`. */
export function formatFeedRequests(requests: readonly FixtureRequest[]): string {
  if (requests.length === 0) return 'no feed requests'
  return requests
    .map((r) => `${r.method} ${r.path} → ${r.status}${r.conditional ? (r.status === 304 ? ' (If-None-Match hit)' : ' (If-None-Match, changed)') : ''}`)
    .join(' · ')
}
