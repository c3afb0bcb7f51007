// Creates .dev.vars from .dev.vars.example when it is missing; idempotent (`npm start` and `npm run demo` run it first).
import { fileURLToPath } from 'node:url'
import { ensureDevVars } from './lib/dev-vars.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
if ((await ensureDevVars(root)) === 'created') console.log('ensure-dev-vars: created .dev.vars from .dev.vars.example')
