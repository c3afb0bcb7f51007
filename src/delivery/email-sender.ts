// Sending one email: an interface with Cloudflare's send_email binding and a Resend-compatible HTTP API behind it.
import { EmailMessage } from 'cloudflare:email'

/** One email, in both forms the providers take: the raw MIME message and its parts. */
export interface OutgoingEmail {
  from: string
  to: string
  subject: string
  html: string
  text: string
  /** The whole RFC 5322 message (what the send_email binding sends). */
  raw: string
  /** Extra headers (List-Unsubscribe…), for APIs that build the MIME themselves. */
  headers: Record<string, string>
  /** The digest id: sent as the provider's Idempotency-Key, so a retried request is not a second email. */
  idempotencyKey: string
}

/** Expected outcomes of one send, as values. */
export type SendOutcome =
  | { kind: 'sent'; providerId: string | null }
  /** Delivery disabled (EMAIL_PROVIDER "none"): built, logged, not sent. */
  | { kind: 'skipped'; reason: string }
  /** The provider answered and refused: nothing was sent. */
  | { kind: 'rejected'; message: string }
  /** No usable answer (timeout, network error): the email may or may not have been sent. */
  | { kind: 'unknown'; message: string }

export interface EmailSender {
  readonly provider: 'none' | 'send_email' | 'http'
  send(email: OutgoingEmail): Promise<SendOutcome>
}

/** The part of Cloudflare's SendEmail binding we use: `send(new EmailMessage(from, to, raw))`. */
export interface SendEmailBinding {
  send(message: EmailMessage): Promise<unknown>
}

/** Bare address of a mailbox such as `Storywatch <digests@example.com>` (the envelope sender of EmailMessage). */
export function mailboxAddress(mailbox: string): string {
  const m = /<([^<>\s]+)>\s*$/.exec(mailbox)
  return (m?.[1] ?? mailbox).trim()
}

/** Builds, logs nothing else and sends nothing: local development and deployments without email. */
export function noEmailSender(log: (line: string) => void = console.log): EmailSender {
  return {
    provider: 'none',
    async send(email) {
      log(`digests: EMAIL_PROVIDER is "none": not sending ${email.idempotencyKey} to ${email.to} (${email.subject})`)
      return { kind: 'skipped', reason: 'EMAIL_PROVIDER is "none"' }
    },
  }
}

/**
 * Sends through Cloudflare Email Routing's `send_email` binding. The binding sends only to verified destination
 * addresses; a refusal throws before anything leaves, so a throw is `rejected`.
 */
export function sendEmailBindingSender(binding: SendEmailBinding): EmailSender {
  return {
    provider: 'send_email',
    async send(email) {
      let message: EmailMessage
      try {
        message = new EmailMessage(mailboxAddress(email.from), email.to, email.raw)
      } catch (error) {
        return { kind: 'rejected', message: `digests: send_email refused the message: ${(error as Error).message}` }
      }
      try {
        const result = await binding.send(message)
        const id = result && typeof result === 'object' && 'messageId' in result && typeof result.messageId === 'string' ? result.messageId : null
        return { kind: 'sent', providerId: id }
      } catch (error) {
        return { kind: 'rejected', message: `digests: send_email failed: ${(error as Error).message}` }
      }
    },
  }
}

export interface HttpSenderOptions {
  /** e.g. https://api.resend.com/emails */
  url: string
  apiKey: string
  fetch: typeof fetch
  timeoutMs?: number
}

/** A provider call that has not answered in this long has most likely failed; the cron must not hang on it. */
const HTTP_TIMEOUT_MS = 15_000
/** Error bodies are quoted in the subscription's lastError, briefly. */
const MAX_ERROR_BODY_CHARS = 200

/**
 * Sends through a Resend-compatible JSON API: `POST { from, to, subject, html, text, headers }` with a bearer key and
 * an Idempotency-Key. Only 2xx is success; any other status is `rejected`; no answer is `unknown`.
 */
export function httpEmailSender(options: HttpSenderOptions): EmailSender {
  return {
    provider: 'http',
    async send(email) {
      let response: Response
      try {
        response = await options.fetch(options.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': email.idempotencyKey,
          },
          body: JSON.stringify({ from: email.from, to: [email.to], subject: email.subject, html: email.html, text: email.text, headers: email.headers }),
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? HTTP_TIMEOUT_MS),
        })
      } catch (error) {
        return { kind: 'unknown', message: `digests: no answer from ${new URL(options.url).host}: ${(error as Error).message}` }
      }
      const body = await response.text().catch(() => '')
      if (response.status < 200 || response.status >= 300) {
        const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY_CHARS)
        return { kind: 'rejected', message: `digests: ${response.status} from ${new URL(options.url).host}${excerpt ? `: ${excerpt}` : ''}` }
      }
      let providerId: string | null = null
      try {
        const parsed: unknown = JSON.parse(body)
        if (parsed && typeof parsed === 'object' && 'id' in parsed && typeof parsed.id === 'string') providerId = parsed.id
      } catch {
        // A 2xx without a JSON id is still a success.
      }
      return { kind: 'sent', providerId }
    },
  }
}
