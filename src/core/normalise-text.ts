export { normaliseForCompare } from '../articles/normalise-text'
