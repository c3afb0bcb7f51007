// Creates .dev.vars from .dev.vars.example when it is missing (run by prestart, pretest and predemo).
import { fileURLToPath } from 'node:url'
import { ensureDevVars } from './lib/dev-vars.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
if ((await ensureDevVars(root)) === 'created') console.log('ensure-dev-vars: created .dev.vars from .dev.vars.example')
