// Tests for reading cron triggers out of wrangler.toml text.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { parseWranglerCrons } from '../lib/wrangler-crons.ts'

describe('parseWranglerCrons', () => {
  it("reads the project's own wrangler.toml", async () => {
    const toml = await readFile(new URL('../../wrangler.toml', import.meta.url), 'utf8')
    const crons = parseWranglerCrons(toml)
    assert.ok(crons.length >= 1)
    for (const cron of crons) assert.equal(cron.trim().split(/\s+/).length, 5)
  })

  const cases: { name: string; toml: string; expected: string[] }[] = [
    { name: 'one cron', toml: '[triggers]\ncrons = ["*/5 * * * *"]\n', expected: ['*/5 * * * *'] },
    { name: 'several crons and a trailing comma', toml: '[triggers]\ncrons = ["0 * * * *", "30 6 * * MON-FRI",]', expected: ['0 * * * *', '30 6 * * MON-FRI'] },
    { name: 'an array over several lines with comments', toml: '[triggers]\ncrons = [\n  "*/5 * * * *", # poll\n  # digest\n  "0 7 * * *"\n]\n', expected: ['*/5 * * * *', '0 7 * * *'] },
    { name: 'literal strings', toml: "[triggers]\ncrons = ['*/10 * * * *']", expected: ['*/10 * * * *'] },
    { name: 'a # inside a string', toml: '[triggers]\ncrons = ["0 0 * * 1#2"] # second Monday', expected: ['0 0 * * 1#2'] },
    { name: 'an empty array', toml: '[triggers]\ncrons = []', expected: [] },
    { name: 'no [triggers] table', toml: 'name = "x"\n[vars]\ncrons = ["1 * * * *"]', expected: [] },
    { name: 'crons in another table only', toml: '[[kv_namespaces]]\ncrons = ["1 * * * *"]\n[triggers]\n', expected: [] },
    { name: 'a table after [triggers]', toml: '[triggers]\n[vars]\ncrons = ["1 * * * *"]', expected: [] },
    { name: 'CRLF line endings', toml: '[triggers]\r\ncrons = ["*/5 * * * *"]\r\n', expected: ['*/5 * * * *'] },
  ]
  for (const { name, toml, expected } of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parseWranglerCrons(toml), expected))
  }

  it('rejects crons that are not an array', () => {
    assert.throws(() => parseWranglerCrons('[triggers]\ncrons = "*/5 * * * *"'), /must be an array/)
  })

  it('rejects an unterminated array', () => {
    assert.throws(() => parseWranglerCrons('[triggers]\ncrons = [\n"*/5 * * * *"\n'), /unterminated/)
  })

  it('rejects a bare word in the array', () => {
    assert.throws(() => parseWranglerCrons('[triggers]\ncrons = [five]'), /expected a string/)
  })
})
