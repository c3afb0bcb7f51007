// Turns what the demo observed through the API into readable terminal lines (pure: data in, strings out).
import type { DeliveryDto, DemoAlertDto, DigestPreviewDto } from './demo-api.ts'
import type { DiffOpDto, FieldChangeDto, TickCountsDto } from './storywatch-api.ts'
import type { FixtureRequest } from './fixture-server.ts'
import type { ReceivedWebhook } from './webhook-receiver.ts'

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

// Enough of a follow-up's explanation to see why it matched without flooding the terminal.
const MAX_EXPLANATION_ITEMS = 8

/**
 * Lines for one alert: its type and title, the article URL, then for revisions every changed field, for follow-ups
 * the story, score, the phrases, names and terms that carried the score, and the other outlets that reported it.
 */
export function formatAlert(alert: DemoAlertDto): string[] {
  const lines = [formatAlertHeadline(alert), `  ${alert.url}`]
  if (alert.changes && alert.changes.length > 0) {
    for (const change of alert.changes) lines.push(...formatFieldChange(change).map((line) => `  ${line}`))
  } else if (alert.type === 'follow_up' && alert.storyId !== undefined) {
    lines.push(...formatFollowUp(alert).map((line) => `  ${line}`))
  } else if (alert.summary) {
    lines.push(`  ${truncate(alert.summary)}`)
  }
  return lines
}

/** One line for an alert: `▸ follow_up · <title>`. */
export function formatAlertHeadline(alert: DemoAlertDto): string {
  return `▸ ${alert.type} · ${truncate(alert.title, 120)}`
}

function formatFollowUp(alert: DemoAlertDto): string[] {
  const score = typeof alert.score === 'number' ? alert.score.toFixed(2) : '?'
  const lines = [`story: "${alert.storyTitle ?? alert.storyId}" (${alert.storyId}) · score ${score}`]
  const e = alert.explanation
  if (e) {
    const list = (items: readonly string[], quote: boolean): string => {
      const shown = items.slice(0, MAX_EXPLANATION_ITEMS).map((item) => (quote ? `"${item}"` : item))
      return `${shown.join(', ')}${items.length > MAX_EXPLANATION_ITEMS ? `, … (${items.length - MAX_EXPLANATION_ITEMS} more)` : ''}`
    }
    if (e.phrases.length > 0) lines.push(`why: phrases ${list(e.phrases, true)}`)
    if (e.entities.length > 0) lines.push(`     names ${list(e.entities, false)}`)
    if (e.terms.length > 0) lines.push(`     terms ${list(e.terms, false)}`)
  }
  const others = alert.alsoReportedBy ?? []
  if (others.length === 0) lines.push('also reported by: no other outlet')
  for (const [index, other] of others.entries()) {
    lines.push(`${index === 0 ? 'also reported by:' : '                 '} ${truncate(other.title, 100)}`, `                   ${other.url}`)
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

/**
 * The receiver's log: one line per request (status, verification, event type, webhook-id), then one line per
 * `webhook-id` that took more than one attempt, showing that a retry reuses the id.
 */
export function formatWebhookReceipts(received: readonly ReceivedWebhook[]): string[] {
  const verified = received.filter((r) => r.verified).length
  const types = [...new Set(received.map((r) => r.type ?? 'unknown'))].sort()
  const lines = [`${received.length} request(s), ${verified} verified with standardwebhooks Webhook.verify; types: ${types.join(', ') || 'none'}`]
  for (const r of received) {
    const check = r.verified ? '✓ verified' : `✗ NOT verified (${r.error ?? 'unknown'})`
    const note = r.verified && r.status !== 200 && r.error ? ` · ${r.error}` : ''
    lines.push(`${r.status} ${check} · ${r.type ?? 'no type'} · webhook-id ${r.webhookId ?? 'none'}${note}`)
  }
  const byId = new Map<string, ReceivedWebhook[]>()
  for (const r of received) if (r.webhookId) byId.set(r.webhookId, [...(byId.get(r.webhookId) ?? []), r])
  for (const [id, attempts] of byId) {
    if (attempts.length > 1) lines.push(`retried: ${id} answered ${attempts.map((a) => a.status).join(' then ')}, the same webhook-id each time`)
  }
  return lines
}

/** One line per delivery record: `delivered after 2 attempts (503, 200)`. */
export function formatDeliveries(deliveries: readonly DeliveryDto[]): string[] {
  return deliveries.map((d) => {
    const codes = d.attempts.map((a) => a.statusCode ?? a.error ?? '?').join(', ')
    return `${d.id} · ${d.type} · ${d.status} after ${d.attempts.length} attempt(s) (${codes})`
  })
}

// The lines of a digest's text part worth showing in a terminal: headings, item titles, other outlets, headline changes.
const DIGEST_OUTLINE = /^(\* |  (Also reported by|Was|Now): )/

/**
 * The digest preview's subject, then an outline of its text part: its opening line, each section heading and, for
 * each item, its title line and the lines saying who else reported it or how its headline changed.
 */
export function formatDigestPreview(preview: DigestPreviewDto, maxLines = 16): string[] {
  const text = preview.text.split(/\r?\n/)
  const outline: string[] = []
  text.forEach((line, index) => {
    if (line.trim() === '' || line === preview.subject || /^=+$/.test(line)) return
    const isHeading = /^=+$/.test(text[index + 1] ?? '')
    if (outline.length === 0 || isHeading || DIGEST_OUTLINE.test(line)) outline.push(isHeading ? `${line}:` : line)
  })
  // truncate() flattens whitespace; keep each line's indent, which shows what belongs to which item.
  const shown = outline.slice(0, maxLines).map((line) => `│ ${/^\s*/.exec(line)?.[0] ?? ''}${truncate(line, 150)}`)
  if (outline.length > maxLines) shown.push(`│ … (${outline.length - maxLines} more)`)
  const size = `${text.length} lines of text, ${Buffer.byteLength(preview.html)} bytes of HTML`
  return [`subject: ${preview.subject}`, ...shown, `(${size})`]
}
