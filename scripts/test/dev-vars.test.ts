// Tests for creating and reading .dev.vars.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ensureDevVars, parseDevVars, readDevVar } from '../lib/dev-vars.ts'

describe('ensureDevVars', () => {
  it('copies the example once and never overwrites an existing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-vars-test-'))
    try {
      await writeFile(join(dir, '.dev.vars.example'), 'API_TOKEN=example\n')
      assert.equal(await ensureDevVars(dir), 'created')
      await writeFile(join(dir, '.dev.vars'), 'API_TOKEN=mine\n')
      assert.equal(await ensureDevVars(dir), 'present')
      assert.equal(await readFile(join(dir, '.dev.vars'), 'utf8'), 'API_TOKEN=mine\n')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails loudly when there is no example to copy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-vars-test-'))
    try {
      await assert.rejects(ensureDevVars(dir), { code: 'ENOENT' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('parseDevVars', () => {
  it('reads keys, skips comments and blank lines, and unquotes values', () => {
    const text = '# comment\n\nAPI_TOKEN=abc=def\nQUOTED="a b"\nSINGLE=\'x\'\r\nexport EXPORTED=1\nnot a line\n'
    assert.deepEqual(parseDevVars(text), { API_TOKEN: 'abc=def', QUOTED: 'a b', SINGLE: 'x', EXPORTED: '1' })
  })
})

describe('readDevVar', () => {
  it('names the file when the variable is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-vars-test-'))
    try {
      await writeFile(join(dir, '.dev.vars'), 'OTHER=1\n')
      await assert.rejects(readDevVar(dir, 'API_TOKEN'), /API_TOKEN is not set in .*\.dev\.vars/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
