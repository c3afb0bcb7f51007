// Renders a digest model as an HTML email and its plain-text twin (pure); the HTML escapes every value it prints.
import type { DigestFollowUp, DigestLink, DigestModel, DigestRemoval, DigestRevision } from './build-digest'

export interface DigestLinks {
  /** Base URL of this deployment (history and diff pages), without a trailing slash. */
  baseUrl: string
  /** The signed unsubscribe link: every digest carries one. */
  unsubscribeUrl: string
}

export interface RenderedDigest {
  subject: string
  html: string
  text: string
}

/** Items shown per section; the rest are counted with a link to the history pages (keeps emails under Gmail's 102 KB clip). */
const MAX_ITEMS_PER_SECTION = 50

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Only http(s) URLs become links: a feed could carry `javascript:` or `data:` URLs. */
function safeUrl(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
  } catch {
    return null
  }
}

function hostOf(url: string, fallback: string): string {
  const safe = safeUrl(url)
  return safe ? new URL(safe).hostname.replace(/^www\./, '') : fallback
}

function time(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`
}

const STYLE = {
  body: 'font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:640px;margin:0 auto;padding:16px',
  h1: 'font-size:20px;margin:0 0 4px',
  h2: 'font-size:18px;margin:24px 0 8px;border-bottom:1px solid #ccc',
  meta: 'font-family:Arial,sans-serif;font-size:13px;color:#555',
  link: 'color:#0645ad',
  badge: 'font-family:Arial,sans-serif;font-size:11px;font-weight:bold;background:#1a1a1a;color:#fff;padding:1px 4px;border-radius:3px',
  del: 'background:#fbdada;color:#6b0c0c;text-decoration:line-through',
  ins: 'background:#d2f4d3;color:#0b3b12;text-decoration:underline',
  item: 'margin:0 0 14px',
} as const

function a(url: string, label: string): string {
  const safe = safeUrl(url)
  return safe ? `<a href="${escapeHtml(safe)}" style="${STYLE.link}">${escapeHtml(label)}</a>` : escapeHtml(label)
}

function htmlFollowUp(f: DigestFollowUp, links: DigestLinks): string {
  const also = f.alsoReportedBy.map((m: DigestLink) => a(m.url, hostOf(m.url, m.feedId)))
  return [
    `<li style="${STYLE.item}">`,
    `<strong>${a(f.url, f.title)}</strong><br>`,
    `<span style="${STYLE.meta}">${escapeHtml(hostOf(f.url, f.feedId))} · ${escapeHtml(time(f.createdAt))}`,
    f.score !== null ? ` · match ${escapeHtml(f.score.toFixed(2))}` : '',
    ` · ${a(`${links.baseUrl}/articles/${encodeURIComponent(f.articleId)}`, 'history')}</span>`,
    f.why.length > 0 ? `<br><span style="${STYLE.meta}">Why: ${escapeHtml(f.why.join(', '))}</span>` : '',
    also.length > 0 ? `<br><span style="${STYLE.meta}">Also reported by: ${also.join(', ')}</span>` : '',
    '</li>',
  ].join('')
}

function htmlRevision(r: DigestRevision, links: DigestLinks): string {
  const diffUrl =
    r.fromVersion !== null && r.toVersion !== null
      ? `${links.baseUrl}/articles/${encodeURIComponent(r.articleId)}/diff?from=${r.fromVersion}&to=${r.toVersion}`
      : `${links.baseUrl}/articles/${encodeURIComponent(r.articleId)}`
  return [
    `<li style="${STYLE.item}">`,
    r.headline ? `<span style="${STYLE.badge}">HEADLINE</span> ` : '',
    `<strong>${a(r.url, r.title)}</strong><br>`,
    r.headline
      ? `<span style="${STYLE.del}">${escapeHtml(r.headline.before)}</span> → <span style="${STYLE.ins}">${escapeHtml(r.headline.after)}</span><br>`
      : '',
    `<span style="${STYLE.meta}">${escapeHtml(r.summary)}</span><br>`,
    `<span style="${STYLE.meta}">${escapeHtml(hostOf(r.url, r.feedId))} · ${escapeHtml(time(r.createdAt))}`,
    r.classification ? ` · ${escapeHtml(r.classification.replace(/_/g, ' '))}` : '',
    ` · significance ${escapeHtml(percent(r.significance))} · ${a(diffUrl, 'see the changes')}</span>`,
    '</li>',
  ].join('')
}

function htmlRemoval(r: DigestRemoval, links: DigestLinks): string {
  return [
    `<li style="${STYLE.item}">`,
    `<strong>${a(r.url, r.title)}</strong><br>`,
    `<span style="${STYLE.meta}">${escapeHtml(hostOf(r.url, r.feedId))} · ${escapeHtml(time(r.createdAt))}`,
    r.status !== null ? ` · now answers ${escapeHtml(String(r.status))}` : '',
    ` · ${a(`${links.baseUrl}/articles/${encodeURIComponent(r.articleId)}`, 'last saved version')}</span>`,
    '</li>',
  ].join('')
}

function htmlList<T>(items: readonly T[], render: (item: T) => string, links: DigestLinks): string {
  const shown = items.slice(0, MAX_ITEMS_PER_SECTION).map(render)
  const rest = items.length - shown.length
  const more = rest > 0 ? `<p style="${STYLE.meta}">…and ${rest} more on ${a(links.baseUrl + '/', 'Storywatch')}.</p>` : ''
  return `<ul style="padding-left:18px">${shown.join('')}</ul>${more}`
}

function renderHtml(model: DigestModel, links: DigestLinks): string {
  const sections: string[] = []
  for (const s of model.stories) {
    sections.push(`<h2 style="${STYLE.h2}">Follow-ups on “${escapeHtml(s.storyTitle)}”</h2>`)
    sections.push(htmlList(s.followUps, (f) => htmlFollowUp(f, links), links))
  }
  if (model.revisions.length > 0) {
    sections.push(`<h2 style="${STYLE.h2}">Revisions</h2>`)
    sections.push(htmlList(model.revisions, (r) => htmlRevision(r, links), links))
  }
  if (model.removed.length > 0) {
    sections.push(`<h2 style="${STYLE.h2}">Removed articles</h2>`)
    sections.push(htmlList(model.removed, (r) => htmlRemoval(r, links), links))
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(model.subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<h1 style="${STYLE.h1}">${escapeHtml(model.subject)}</h1>`,
    `<p style="${STYLE.meta}">Alerts from ${escapeHtml(time(model.window.from))} to ${escapeHtml(time(model.window.to))}.</p>`,
    ...sections,
    `<hr style="border:0;border-top:1px solid #ccc;margin-top:24px">`,
    `<p style="${STYLE.meta}">You receive this digest because this address subscribed to Storywatch alerts. `,
    `${a(links.unsubscribeUrl, 'Unsubscribe')}.</p>`,
    '</body></html>',
    '',
  ].join('\n')
}

function textList<T>(items: readonly T[], render: (item: T) => string[], links: DigestLinks): string[] {
  const out = items.slice(0, MAX_ITEMS_PER_SECTION).flatMap((item) => [...render(item), ''])
  const rest = items.length - Math.min(items.length, MAX_ITEMS_PER_SECTION)
  if (rest > 0) out.push(`...and ${rest} more on Storywatch: ${links.baseUrl}/`, '')
  return out
}

function heading(text: string): string[] {
  return [text, '='.repeat(Math.min(text.length, 72)), '']
}

function renderText(model: DigestModel, links: DigestLinks): string {
  const lines: string[] = [model.subject, '', `Alerts from ${time(model.window.from)} to ${time(model.window.to)}.`, '']
  for (const s of model.stories) {
    lines.push(...heading(`Follow-ups on "${s.storyTitle}"`))
    lines.push(
      ...textList(
        s.followUps,
        (f) => [
          `* ${f.title}`,
          `  ${f.url}`,
          `  ${hostOf(f.url, f.feedId)}, ${time(f.createdAt)}${f.score !== null ? `, match ${f.score.toFixed(2)}` : ''}`,
          ...(f.why.length > 0 ? [`  Why: ${f.why.join(', ')}`] : []),
          ...(f.alsoReportedBy.length > 0 ? [`  Also reported by: ${f.alsoReportedBy.map((m) => `${hostOf(m.url, m.feedId)} <${m.url}>`).join(', ')}`] : []),
          `  History: ${links.baseUrl}/articles/${encodeURIComponent(f.articleId)}`,
        ],
        links,
      ),
    )
  }
  if (model.revisions.length > 0) {
    lines.push(...heading('Revisions'))
    lines.push(
      ...textList(
        model.revisions,
        (r) => [
          `* ${r.headline ? '[HEADLINE] ' : ''}${r.title}`,
          `  ${r.url}`,
          ...(r.headline ? [`  Was: ${r.headline.before}`, `  Now: ${r.headline.after}`] : []),
          `  ${r.summary}`,
          `  ${hostOf(r.url, r.feedId)}, ${time(r.createdAt)}${r.classification ? `, ${r.classification.replace(/_/g, ' ')}` : ''}, significance ${percent(r.significance)}`,
          `  Changes: ${links.baseUrl}/articles/${encodeURIComponent(r.articleId)}${r.fromVersion !== null && r.toVersion !== null ? `/diff?from=${r.fromVersion}&to=${r.toVersion}` : ''}`,
        ],
        links,
      ),
    )
  }
  if (model.removed.length > 0) {
    lines.push(...heading('Removed articles'))
    lines.push(
      ...textList(
        model.removed,
        (r) => [
          `* ${r.title}`,
          `  ${r.url}`,
          `  ${hostOf(r.url, r.feedId)}, ${time(r.createdAt)}${r.status !== null ? `, now answers ${r.status}` : ''}`,
          `  Last saved version: ${links.baseUrl}/articles/${encodeURIComponent(r.articleId)}`,
        ],
        links,
      ),
    )
  }
  lines.push('--', 'You receive this digest because this address subscribed to Storywatch alerts.', `Unsubscribe: ${links.unsubscribeUrl}`, '')
  return lines.join('\n')
}

/** The subject, HTML part and plain-text part of a digest. */
export function renderDigest(model: DigestModel, links: DigestLinks): RenderedDigest {
  return { subject: model.subject, html: renderHtml(model, links), text: renderText(model, links) }
}
