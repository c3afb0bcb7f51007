// Tests for building `wrangler dev` arguments and waiting for the Worker to answer.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { flagValue, waitForHttp, wranglerDevArgs } from '../lib/wrangler-dev.ts'

const defaults = { port: 8787, ip: '127.0.0.1', persistTo: '.wrangler/state' }

describe('wranglerDevArgs', () => {
  it('uses the defaults when no flags are given', () => {
    assert.deepEqual(wranglerDevArgs({ ...defaults, extraArgs: [] }), [
      'dev', '--port', '8787', '--ip', '127.0.0.1', '--persist-to', '.wrangler/state', '--test-scheduled',
    ])
  })

  it("lets the developer's flags replace the defaults, in either spelling", () => {
    const args = wranglerDevArgs({ ...defaults, extraArgs: ['--port=9000', '--persist-to', '/tmp/x', '--test-scheduled'] })
    assert.deepEqual(args, ['dev', '--ip', '127.0.0.1', '--port=9000', '--persist-to', '/tmp/x', '--test-scheduled'])
    assert.equal(flagValue(args, '--port'), '9000')
  })

  it('passes other flags through untouched', () => {
    assert.deepEqual(wranglerDevArgs({ ...defaults, extraArgs: ['--var', 'A:b'] }).slice(-2), ['--var', 'A:b'])
  })
})

describe('flagValue', () => {
  it('returns the last occurrence, as yargs does', () => assert.equal(flagValue(['--port', '1', '--port=2'], '--port'), '2'))
  it('does not confuse a longer flag with a prefix', () => assert.equal(flagValue(['--port-range', '1'], '--port'), undefined))
})

describe('waitForHttp', () => {
  it('resolves once the server answers, whatever the status', async () => {
    const server = createServer((_, res) => res.writeHead(404).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000, stillRunning: () => true })
    } finally {
      server.close()
    }
  })

  it('gives up with a clear error when nothing answers in time', async () => {
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed')
    }
    await assert.rejects(
      waitForHttp('http://127.0.0.1:1/', { timeoutMs: 50, intervalMs: 10, stillRunning: () => true, fetch: refused }),
      /no answer from http:\/\/127\.0\.0\.1:1\/ within 0 s/,
    )
  })

  it('stops waiting as soon as the server process has gone', async () => {
    await assert.rejects(
      waitForHttp('http://127.0.0.1:1/', { timeoutMs: 60_000, stillRunning: () => false }),
      /wrangler exited/,
    )
  })
})
