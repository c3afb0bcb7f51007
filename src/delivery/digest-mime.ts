// The digest as one RFC 5322 message (multipart/alternative: plain text, then HTML), built with mimetext.
import { createMimeMessage } from 'mimetext/browser'

export interface DigestMimeInput {
  from: string
  to: string
  subject: string
  text: string
  html: string
  /** Stable per digest (RFC 5322 §3.6.4), so a mail system that sees it twice can tell. */
  messageId: string
  date: string
  /** Extra headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>
}

/** RFC 2045 §6.8: base64 lines are at most 76 characters. */
const BASE64_LINE = 76

/** RFC 5322 §3.3 date-time from an ISO timestamp. */
function rfc5322Date(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, '+0000')
}

/**
 * Builds the raw MIME message. Both parts are UTF-8 in base64 (mimetext takes the encoded data as given): headlines carry
 * non-ASCII quotes and HTML lines can pass SMTP's 998-octet limit, which 7bit would break.
 */
export function buildDigestMime(input: DigestMimeInput): string {
  const msg = createMimeMessage()
  msg.setSender(input.from)
  msg.setTo(input.to)
  msg.setSubject(input.subject)
  msg.setHeader('Date', rfc5322Date(input.date))
  msg.setHeader('Message-ID', input.messageId)
  for (const [name, value] of Object.entries(input.headers)) msg.setHeader(name, value)
  const encode = (data: string): string => (msg.toBase64(data).match(new RegExp(`.{1,${BASE64_LINE}}`, 'g')) ?? []).join('\r\n')
  msg.addMessage({ contentType: 'text/plain', charset: 'utf-8', encoding: 'base64', data: encode(input.text) })
  msg.addMessage({ contentType: 'text/html', charset: 'utf-8', encoding: 'base64', data: encode(input.html) })
  return msg.asRaw()
}
