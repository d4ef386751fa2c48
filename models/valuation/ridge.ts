// Ridge least squares through the normal equations: (XᵀX + diag(penalty)) β = Xᵀy, solved by Cholesky.
// The hedonic market model has ~120 columns, so the p×p system is tiny; rows are streamed in.

export class RidgeAccumulator {
  readonly size: number;
  private readonly xtx: Float64Array;
  private readonly xty: Float64Array;
  rows = 0;

  constructor(size: number) {
    this.size = size;
    this.xtx = new Float64Array(size * size);
    this.xty = new Float64Array(size);
  }

  /** Adds one row given sparsely: indices of its non-zero columns and their values. */
  add(columns: readonly number[], values: readonly number[], y: number): void {
    const p = this.size;
    for (let a = 0; a < columns.length; a++) {
      const i = columns[a]!;
      const vi = values[a]!;
      this.xty[i]! += vi * y;
      for (let b = 0; b <= a; b++) {
        const j = columns[b]!;
        const v = vi * values[b]!;
        // Keep the lower triangle only (i >= j); the caller's column order is arbitrary.
        if (i >= j) this.xtx[i * p + j]! += v;
        else this.xtx[j * p + i]! += v;
      }
    }
    this.rows++;
  }

  solve(penalty: ArrayLike<number>): Float64Array {
    const p = this.size;
    const l = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = this.xtx[i * p + j]! + (i === j ? penalty[i]! : 0);
        for (let k = 0; k < j; k++) sum -= l[i * p + k]! * l[j * p + k]!;
        if (i === j) {
          if (!(sum > 0)) throw new Error(`ridge system is not positive definite at column ${i}: add a penalty`);
          l[i * p + i] = Math.sqrt(sum);
        } else {
          l[i * p + j] = sum / l[j * p + j]!;
        }
      }
    }
    const z = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let sum = this.xty[i]!;
      for (let k = 0; k < i; k++) sum -= l[i * p + k]! * z[k]!;
      z[i] = sum / l[i * p + i]!;
    }
    const beta = new Float64Array(p);
    for (let i = p - 1; i >= 0; i--) {
      let sum = z[i]!;
      for (let k = i + 1; k < p; k++) sum -= l[k * p + i]! * beta[k]!;
      beta[i] = sum / l[i * p + i]!;
    }
    return beta;
  }
}
