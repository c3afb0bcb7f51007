// Slack incoming-webhook messages (pure): an alert as Block Kit, with the headline change and a short diff excerpt.
import type { Alert, DiffOp } from '../model/alert'
import { truncateText } from './webhook-payload'

/** Block Kit limits: header text 150 chars, section text 3000 chars. */
const HEADER_MAX_CHARS = 150
const SECTION_MAX_CHARS = 3000
/** The diff excerpt stays short: a glance in the channel, the history page has the rest. */
const EXCERPT_MAX_CHARS = 400
/** Unchanged words kept around each edit in the excerpt. */
const CONTEXT_CHARS = 60

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  text: string
  blocks: SlackBlock[]
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' }

export interface SlackContext {
  historyUrl: string
  /** The feed's title when known (else its id is shown). */
  feedTitle: string | null
}

/** The Slack message for an alert: who (story or feed), what (headline before → after, diff excerpt), and links. */
export function buildSlackPayload(alert: Alert, ctx: SlackContext): SlackMessage {
  const source = alert.type === 'follow_up' ? `Story: ${alert.storyTitle ?? alert.storyId ?? 'unknown'}` : `Feed: ${ctx.feedTitle ?? alert.feedId}`
  const label = alert.type === 'follow_up' ? 'Follow-up' : alert.type === 'removed' ? 'Removed' : `Revision${alert.classification ? ` (${alert.classification})` : ''}`
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateText(`${label}: ${alert.title}`, HEADER_MAX_CHARS - 1), emoji: false } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escape(source) }] },
  ]
  const headline = alert.changes?.find((c) => c.field === 'title')
  if (headline) {
    blocks.push(section(`*Headline:* ~${escape(headline.before)}~ → *${escape(headline.after)}*`))
  }
  const body = alert.changes?.find((c) => c.field !== 'title' && c.field !== 'url')
  if (body) {
    const excerpt = body.ops ? diffExcerpt(body.ops) : `${escape(truncateText(body.after, EXCERPT_MAX_CHARS))}`
    blocks.push(section(`*${body.field === 'summary' ? 'Standfirst' : body.field === 'author' ? 'Byline' : 'Body'}* (+${body.wordsAdded}/-${body.wordsRemoved} words): ${excerpt}`))
  }
  if (!headline && !body) blocks.push(section(escape(alert.summary)))
  const history = /^https?:\/\//.test(ctx.historyUrl) ? `<${ctx.historyUrl}|History>` : `History: ${escape(ctx.historyUrl)}`
  blocks.push(section(`<${alert.url}|Read the article> · ${history}`))
  return { text: truncateText(`${label}: ${alert.title}`, SECTION_MAX_CHARS), blocks }
}

/** The Slack message of the test event. */
export function slackTestPayload(webhookId: string): SlackMessage {
  const text = `Storywatch test event for webhook ${webhookId}: this channel will receive alerts.`
  return { text, blocks: [section(escape(text))] }
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateText(text, SECTION_MAX_CHARS - 1) } }
}

/** Slack mrkdwn needs only &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The first edits of a word diff with a little context: deletions struck through, insertions in bold. */
export function diffExcerpt(ops: readonly DiffOp[]): string {
  let out = ''
  let started = false
  for (let i = 0; i < ops.length && out.length < EXCERPT_MAX_CHARS; i++) {
    const op = ops[i]
    if (!op) continue
    const text = op.text.replace(/\s+/g, ' ')
    if (op.op === 'equal') {
      if (!started) {
        const nextIsEdit = ops[i + 1] !== undefined
        if (nextIsEdit) out += `…${escape(text.slice(-CONTEXT_CHARS))}`
        continue
      }
      out += escape(text.length > 2 * CONTEXT_CHARS ? `${text.slice(0, CONTEXT_CHARS)} … ${text.slice(-CONTEXT_CHARS)}` : text)
      continue
    }
    started = true
    const trimmed = text.trim()
    if (trimmed === '') {
      out += text
      continue
    }
    const lead = text.startsWith(' ') ? ' ' : ''
    const tail = text.endsWith(' ') ? ' ' : ''
    out += op.op === 'delete' ? `${lead}~${escape(trimmed)}~${tail}` : `${lead}*${escape(trimmed)}*${tail}`
  }
  return truncateText(out, EXCERPT_MAX_CHARS)
}
