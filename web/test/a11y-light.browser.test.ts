// Every page in the light scheme: no serious accessibility violation (see a11y.ts).
import { a11ySuite } from './a11y.js';

a11ySuite('light');
