/**
 * Limited-memory BFGS minimiser with a backtracking (Armijo) line search: deterministic, needs
 * no learning rate, and converges on the convex logistic losses of `train.ts` in a few dozen
 * to a few hundred steps.
 */

/** Computes the objective at `x`, writes its gradient into `grad`, returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Stopping rules. */
export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when the relative decrease of the objective over one step falls below this. */
  tolerance: number;
  /** Number of correction pairs kept. */
  memory: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Minimises `f` starting from `x` (updated in place). Returns the final objective value. */
export function minimize(f: Objective, x: Float64Array, opts: LbfgsOptions): number {
  const n = x.length;
  const m = opts.memory;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let g = new Float64Array(n);
  let fx = f(x, g);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const alpha = new Array<number>(m);
  for (let iter = 0; iter < opts.maxIterations; iter++) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(s[k]!, d);
      const yk = y[k]!;
      const a = alpha[k]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * yk[i]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    } else {
      const gn = Math.sqrt(dot(g, g)) || 1;
      for (let i = 0; i < n; i++) d[i] = d[i]! / gn;
    }
    for (let k = 0; k < s.length; k++) {
      const b = rho[k]! * dot(y[k]!, d);
      const sk = s[k]!;
      const c = alpha[k]! - b;
      for (let i = 0; i < n; i++) d[i] = d[i]! + c * sk[i]!;
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = 0;
    for (let tries = 0; ; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope || tries >= 30) break;
      step *= 0.5;
    }
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNew[i]! - x[i]!;
      yk[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    x.set(xNew);
    const swap = g;
    g = gNew;
    gNew = swap;
    const done = Math.abs(fx - fNew) <= opts.tolerance * Math.max(1, Math.abs(fNew));
    fx = fNew;
    if (done) break;
  }
  return fx;
}
