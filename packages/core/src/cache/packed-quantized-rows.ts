/**
 * A quantized copy of a packed float matrix that bounds every row's dot product with a query
 * at about a third of the cost of the exact scan, so only rows that could be the best need an
 * exact rescore.
 *
 * Why it is cheaper: V8 has no SIMD for JavaScript, and an Int8Array scan is no faster than a
 * Float32Array one. Instead each row is quantized to small integers and three rows share one
 * float64 (`first + second * 2^18 + third * 2^36`): one float multiply-add per coordinate
 * computes all three rows' integer dot products at once, exactly, since every partial sum is an
 * integer below 2^53.
 *
 * Why it is exact: row r is stored as integers R = round(r * a) with a = S / |r|, so |R| <= S +
 * sqrt(dims) / 2 < sqrt(2^17) (S is `#target`); the query likewise as Q with scale b. By Cauchy-Schwarz every partial sum of
 * R.Q (over any subset of coordinates) is at most |R| |Q| < 2^17 in magnitude, so no row's sum
 * disturbs its neighbour's bits and each lane reads back exactly. Writing
 * r = R/a + dr and q = Q/b + dq,
 *   r.q = R.Q/(ab) + (R/a).dq + dr.q,  so  |r.q - R.Q/(ab)| <= |R/a| |dq| + |dr| |q|,
 * with |R/a| and |dr| stored per row and |dq|, |q| computed per query. ROUNDING_SLACK * |r| |q|
 * absorbs the floating-point error of these terms and of the exact scan itself (each at most
 * about dims * 2^-53 * |r| |q|, far below 1e-9 |r| |q| for any realistic dimension), so the
 * bound holds for the very score the exact scan computes.
 */

/** Rows sharing one float64. */
const LANES = 3;
/** Each row's integer dot product sits this factor above the previous row's in the float64. */
const LANE = 2 ** 18;
/** |R| |Q| must stay below 2^17 (half a lane), so each quantized vector's norm stays below this. */
const NORM_LIMIT = Math.sqrt(2 ** 17);
/** Times |r| |q|, added to every error bound to cover floating-point rounding (see the file comment). */
const ROUNDING_SLACK = 1e-9;

/** Integer-quantized rows, three per float64, with per-row error terms. */
export class PackedQuantizedRows {
  /** Rows 3c..3c+2, coordinate j at c * dims + j: their integers times 1, 2^18 and 2^36. */
  #packed: Float64Array;
  /** 1 / a for each row: multiplies the integer dot product back to a cosine. */
  #unscale: Float64Array;
  /** |R / a|, the norm of the quantized row in float units. */
  #quantizedNorm: Float64Array;
  /** |r - R / a|; Infinity marks a row that could not be quantized (always rescored). */
  #residualNorm: Float64Array;
  /** |r|, scaling the rounding slack; 0 for a row that could not be quantized. */
  #norm: Float64Array;
  /** S, the norm a quantized vector is scaled to: |R| <= S + sqrt(dims) / 2 stays below NORM_LIMIT. */
  readonly #target: number;
  readonly #query: Float64Array;

  constructor(
    readonly dims: number,
    capacity: number,
  ) {
    this.#target = NORM_LIMIT - Math.sqrt(dims) / 2 - 1;
    this.#packed = new Float64Array(Math.ceil(capacity / LANES) * dims);
    this.#unscale = new Float64Array(capacity);
    this.#quantizedNorm = new Float64Array(capacity);
    this.#residualNorm = new Float64Array(capacity);
    this.#norm = new Float64Array(capacity);
    this.#query = new Float64Array(dims);
  }

  /** Grows storage to hold `capacity` rows, keeping the existing ones. */
  grow(capacity: number): void {
    this.#packed = grow(this.#packed, Math.ceil(capacity / LANES) * this.dims);
    this.#unscale = grow(this.#unscale, capacity);
    this.#quantizedNorm = grow(this.#quantizedNorm, capacity);
    this.#residualNorm = grow(this.#residualNorm, capacity);
    this.#norm = grow(this.#norm, capacity);
  }

  /** Quantizes `vector` into row `row`, leaving the rows that share its float64s untouched. */
  write(row: number, vector: ArrayLike<number>): void {
    const dims = this.dims;
    const norm = Math.sqrt(sumOfSquares(vector));
    const usable = norm > 0 && Number.isFinite(norm) && this.#target > 0;
    const a = usable ? this.#target / norm : 0;
    const base = Math.floor(row / LANES) * dims;
    const lane = row % LANES;
    const lanes = [0, 0, 0];
    let quantizedSq = 0;
    let residualSq = 0;
    for (let j = 0; j < dims; j++) {
      const value = usable ? Math.round(vector[j]! * a) : 0;
      unpack(this.#packed[base + j]!, lanes);
      lanes[lane] = value;
      this.#packed[base + j] = lanes[0]! + lanes[1]! * LANE + lanes[2]! * LANE * LANE;
      if (usable) {
        quantizedSq += value * value;
        const residual = vector[j]! - value / a;
        residualSq += residual * residual;
      }
    }
    this.#unscale[row] = usable ? 1 / a : 0;
    this.#quantizedNorm[row] = usable ? Math.sqrt(quantizedSq) / a : 0;
    this.#residualNorm[row] = usable ? Math.sqrt(residualSq) : Number.POSITIVE_INFINITY;
    this.#norm[row] = usable ? norm : 0;
  }

  /**
   * Fills `upper[i]` and `lower[i]` (i < count) with bounds on row i's dot product with
   * `query`. Returns false, filling nothing, when the query itself cannot be quantized
   * (zero or non-finite), or when `dims` is too large (over 500,000) for exact lanes: the
   * caller then scans exactly.
   */
  bound(query: Float32Array, count: number, upper: Float64Array, lower: Float64Array): boolean {
    const dims = this.dims;
    const queryNorm = Math.sqrt(sumOfSquares(query));
    if (!(queryNorm > 0) || !Number.isFinite(queryNorm) || !(this.#target > 0)) return false;
    const b = this.#target / queryNorm;
    const q = this.#query;
    let residualSq = 0;
    for (let j = 0; j < dims; j++) {
      q[j] = Math.round(query[j]! * b);
      const residual = query[j]! - q[j]! / b;
      residualSq += residual * residual;
    }
    const queryResidual = Math.sqrt(residualSq);
    const packed = this.#packed;
    const lanes = [0, 0, 0];
    for (let cell = 0, cells = Math.ceil(count / LANES); cell < cells; cell++) {
      let offset = cell * dims;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < dims; j += 4, offset += 4) {
        s0 += packed[offset]! * q[j]!;
        s1 += packed[offset + 1]! * q[j + 1]!;
        s2 += packed[offset + 2]! * q[j + 2]!;
        s3 += packed[offset + 3]! * q[j + 3]!;
      }
      for (; j < dims; j++, offset++) s0 += packed[offset]! * q[j]!;
      unpack(s0 + s1 + s2 + s3, lanes);
      for (let lane = 0, row = cell * LANES; lane < LANES && row < count; lane++, row++)
        this.#fill(row, lanes[lane]!, b, queryNorm, queryResidual, upper, lower);
    }
    return true;
  }

  #fill(
    row: number,
    integerDot: number,
    b: number,
    queryNorm: number,
    queryResidual: number,
    upper: Float64Array,
    lower: Float64Array,
  ): void {
    const estimate = (integerDot * this.#unscale[row]!) / b;
    const error =
      this.#quantizedNorm[row]! * queryResidual +
      this.#residualNorm[row]! * queryNorm +
      ROUNDING_SLACK * this.#norm[row]! * queryNorm;
    upper[row] = estimate + error;
    lower[row] = estimate - error;
  }
}

/** Splits a float64 into its three lane integers, each below 2^17 in magnitude. */
function unpack(cell: number, lanes: number[]): void {
  const third = Math.round(cell / (LANE * LANE));
  const rest = cell - third * LANE * LANE;
  const second = Math.round(rest / LANE);
  lanes[0] = rest - second * LANE;
  lanes[1] = second;
  lanes[2] = third;
}

function grow(old: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length);
  next.set(old);
  return next;
}

function sumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += values[j]! * values[j]!;
  return sum;
}
