// Every page in the dark scheme: no serious accessibility violation (see a11y.ts).
import { a11ySuite } from './a11y.js';

a11ySuite('dark');
