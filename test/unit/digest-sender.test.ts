// Tests for the email senders at their boundary: a fake fetch for the HTTP API, a fake send_email binding.
import { describe, expect, it } from 'vitest'
import { httpEmailSender, mailboxAddress, sendEmailBindingSender, type OutgoingEmail } from '../../src/delivery/email-sender'

const EMAIL: OutgoingEmail = {
  from: 'Storywatch <digests@storywatch.test>',
  to: 'desk@newsroom.example',
  subject: 'Storywatch: 2 revisions',
  html: '<p>two</p>',
  text: 'two',
  raw: 'From: <digests@storywatch.test>\r\nTo: <desk@newsroom.example>\r\nSubject: x\r\n\r\ntwo',
  headers: { 'List-Unsubscribe': '<https://storywatch.test/digests/unsubscribe?token=t>' },
  idempotencyKey: 'ds_0123456789abcdef.h2030-01-07T09',
}

function fakeFetch(respond: (request: Request) => Response | Promise<Response>): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = []
  return {
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      requests.push(request.clone())
      return respond(request)
    },
  }
}

describe('httpEmailSender', () => {
  it('POSTs the Resend-style JSON with the bearer key and the digest id as Idempotency-Key', async () => {
    const net = fakeFetch(() => Response.json({ id: 'email_123' }))
    const outcome = await httpEmailSender({ url: 'https://email-api.test/emails', apiKey: 're_key', fetch: net.fetch }).send(EMAIL)
    expect(outcome).toEqual({ kind: 'sent', providerId: 'email_123' })
    const request = net.requests[0]
    expect(request?.method).toBe('POST')
    expect(request?.headers.get('authorization')).toBe('Bearer re_key')
    expect(request?.headers.get('idempotency-key')).toBe(EMAIL.idempotencyKey)
    expect(await request?.json()).toEqual({ from: EMAIL.from, to: [EMAIL.to], subject: EMAIL.subject, html: EMAIL.html, text: EMAIL.text, headers: EMAIL.headers })
  })

  it.each([
    { name: '422 with an error body', response: () => Response.json({ message: 'invalid `to` field' }, { status: 422 }), kind: 'rejected', message: /422 from email-api\.test: .*invalid `to` field/ },
    { name: '500', response: () => new Response('boom', { status: 500 }), kind: 'rejected', message: /500 from email-api\.test: boom/ },
    { name: 'a redirect (not followed)', response: () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/' } }), kind: 'rejected', message: /302/ },
  ])('treats $name as a refusal', async ({ response, kind, message }) => {
    const outcome = await httpEmailSender({ url: 'https://email-api.test/emails', apiKey: 'k', fetch: fakeFetch(response).fetch }).send(EMAIL)
    expect(outcome.kind).toBe(kind)
    expect(outcome.kind === 'rejected' ? outcome.message : '').toMatch(message)
  })

  it('treats no answer as unknown (it may have been sent)', async () => {
    const outcome = await httpEmailSender({
      url: 'https://email-api.test/emails',
      apiKey: 'k',
      fetch: async () => {
        throw new TypeError('network connection lost')
      },
    }).send(EMAIL)
    expect(outcome).toEqual({ kind: 'unknown', message: 'digests: no answer from email-api.test: network connection lost' })
  })
})

describe('sendEmailBindingSender', () => {
  it('hands the raw MIME message to the binding as an EmailMessage from the bare sender address', async () => {
    const sent: { from: string; to: string }[] = []
    const binding = {
      async send(message: { from: string; to: string }) {
        sent.push({ from: message.from, to: message.to })
        return { messageId: '<m1@storywatch.test>' }
      },
    }
    expect(await sendEmailBindingSender(binding).send(EMAIL)).toEqual({ kind: 'sent', providerId: '<m1@storywatch.test>' })
    expect(sent).toEqual([{ from: 'digests@storywatch.test', to: 'desk@newsroom.example' }])
  })

  it('records a binding refusal as rejected', async () => {
    const binding = {
      async send(): Promise<unknown> {
        throw new Error('destination address is not verified')
      },
    }
    expect(await sendEmailBindingSender(binding).send(EMAIL)).toEqual({ kind: 'rejected', message: 'digests: send_email failed: destination address is not verified' })
  })

  it.each([
    ['Storywatch <digests@storywatch.test>', 'digests@storywatch.test'],
    ['digests@storywatch.test', 'digests@storywatch.test'],
  ])('reads the address of %s', (mailbox, address) => {
    expect(mailboxAddress(mailbox)).toBe(address)
  })
})
