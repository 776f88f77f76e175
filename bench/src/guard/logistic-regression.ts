// L2-regularized logistic regression on sparse rows, solved to its optimum with L-BFGS (what
// scikit-learn's LogisticRegression does by default), so a model depends on the data and the
// penalty only, not on a learning rate, an epoch count or the order of the examples.
//   minimize  Σ_i s_i · log(1 + exp(−y_i (w·x_i + b)))  +  (λ / 2) ‖w‖²     (b not penalized)
// scikit-learn's C is 1 / λ with every s_i = 1.

/** Sparse row: parallel arrays of column index and value. */
export interface SparseRow {
  index: Int32Array;
  value: Float32Array;
}

export interface LogisticModel {
  weights: Float64Array;
  bias: number;
}

export interface LogisticOptions {
  /** Penalty λ on ‖w‖² / 2 (scikit-learn's 1 / C). */
  l2: number;
  /** Weight of each example; default 1. */
  sampleWeights?: ArrayLike<number>;
  /** Default 100, as scikit-learn's max_iter. */
  maxIterations?: number;
  /** Stop when the largest gradient component falls below this (scikit-learn's tol: 1e-4). */
  tolerance?: number;
}

/** The linear score w·x + b of one row. */
export function linearScore(model: LogisticModel, x: SparseRow): number {
  let z = model.bias;
  for (let i = 0; i < x.index.length; i++) z += (model.weights[x.index[i] ?? 0] ?? 0) * (x.value[i] ?? 0);
  return z;
}

const log1pExp = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

/** Fits the model on `rows` (labels 0/1) over `dim` columns. */
export function trainLogistic(
  rows: readonly SparseRow[],
  labels: ArrayLike<number>,
  dim: number,
  options: LogisticOptions,
): LogisticModel {
  const n = rows.length;
  const s = options.sampleWeights;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-4;
  const size = dim + 1; // the last coordinate is the bias
  const z = new Float64Array(n);

  // Loss and gradient at `theta`, gradient written into `grad`.
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const b = theta[dim] ?? 0;
    for (let r = 0; r < n; r++) {
      const x = rows[r] as SparseRow;
      let t = b;
      for (let i = 0; i < x.index.length; i++) t += (theta[x.index[i] ?? 0] ?? 0) * (x.value[i] ?? 0);
      z[r] = t;
      const y = (labels[r] ?? 0) > 0 ? 1 : -1;
      const w = s ? (s[r] ?? 1) : 1;
      loss += w * log1pExp(-y * t);
      // d/dt log(1 + e^{−yt}) = −y σ(−yt)
      const g = (w * -y) / (1 + Math.exp(y * t));
      for (let i = 0; i < x.index.length; i++) {
        const k = x.index[i] ?? 0;
        grad[k] = (grad[k] ?? 0) + g * (x.value[i] ?? 0);
      }
      grad[dim] = (grad[dim] ?? 0) + g;
    }
    for (let k = 0; k < dim; k++) {
      const v = theta[k] ?? 0;
      if (v !== 0) {
        loss += 0.5 * options.l2 * v * v;
        grad[k] = (grad[k] ?? 0) + options.l2 * v;
      }
    }
    return loss;
  };

  const memory = 10;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  let theta = new Float64Array(size);
  let grad = new Float64Array(size);
  let loss = evaluate(theta, grad);
  const direction = new Float64Array(size);
  const alpha = new Float64Array(memory);
  const dot = (a: Float64Array, b: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
    return sum;
  };
  const maxAbs = (a: Float64Array) => {
    let m = 0;
    for (let i = 0; i < size; i++) m = Math.max(m, Math.abs(a[i] ?? 0));
    return m;
  };

  for (let iteration = 0; iteration < maxIterations && maxAbs(grad) > tolerance; iteration++) {
    // Two-loop recursion: direction = −H·grad.
    for (let i = 0; i < size; i++) direction[i] = -(grad[i] ?? 0);
    for (let j = sList.length - 1; j >= 0; j--) {
      const a = (rhoList[j] ?? 0) * dot(sList[j] as Float64Array, direction);
      alpha[j] = a;
      const y = yList[j] as Float64Array;
      for (let i = 0; i < size; i++) direction[i] = (direction[i] ?? 0) - a * (y[i] ?? 0);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma =
        dot(sList[last] as Float64Array, yList[last] as Float64Array) /
        dot(yList[last] as Float64Array, yList[last] as Float64Array);
      for (let i = 0; i < size; i++) direction[i] = (direction[i] ?? 0) * gamma;
    }
    for (let j = 0; j < sList.length; j++) {
      const beta = (rhoList[j] ?? 0) * dot(yList[j] as Float64Array, direction);
      const sj = sList[j] as Float64Array;
      for (let i = 0; i < size; i++)
        direction[i] = (direction[i] ?? 0) + (sj[i] ?? 0) * ((alpha[j] ?? 0) - beta);
    }
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      sList.length = yList.length = rhoList.length = 0;
      for (let i = 0; i < size; i++) direction[i] = -(grad[i] ?? 0);
      slope = dot(grad, direction);
    }
    // Backtracking line search (Armijo).
    let step = sList.length === 0 ? 1 / Math.max(1, Math.sqrt(-slope)) : 1;
    const next = new Float64Array(size);
    const nextGrad = new Float64Array(size);
    let nextLoss = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < size; i++) next[i] = (theta[i] ?? 0) + step * (direction[i] ?? 0);
      nextLoss = evaluate(next, nextGrad);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextLoss < loss)) break;
    const sNew = new Float64Array(size);
    const yNew = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      sNew[i] = (next[i] ?? 0) - (theta[i] ?? 0);
      yNew[i] = (nextGrad[i] ?? 0) - (grad[i] ?? 0);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      sList.push(sNew);
      yList.push(yNew);
      rhoList.push(1 / sy);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
    }
    theta = next;
    grad = nextGrad;
    if ((loss - nextLoss) / Math.max(Math.abs(loss), 1) < 1e-10) {
      loss = nextLoss;
      break;
    }
    loss = nextLoss;
  }
  return { weights: theta.subarray(0, dim), bias: theta[dim] ?? 0 };
}
