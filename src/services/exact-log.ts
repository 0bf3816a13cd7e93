// The natural logarithm rounded to the nearest double, as C libraries compute it (Python's
// math.log), where V8's Math.log can be one unit in the last place off. NPMI answers are compared
// with MLflow's digit for digit, so its logarithms must be the same doubles. Computed in
// double-double arithmetic (about 106 bits): x = 2^e * m, ln m = 2 atanh((m - 1) / (m + 1)).

/** A value as an unevaluated sum hi + lo with |lo| <= ulp(hi) / 2. */
type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const ta = SPLITTER * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLITTER * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, mul(b, [-q1, 0]));
  const q2 = r[0] / b[0];
  r = add(r, mul(b, [-q2, 0]));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const SQRT2 = Math.SQRT2;

/** ln(x) correctly rounded (barring ties closer than 2^-100); NaN, -Infinity, Infinity as usual. */
export function exactLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  // x = 2^e * m with m in [sqrt(1/2), sqrt(2)); every step exact.
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  if (m >= 2) {
    m /= 2;
    e += 1;
  } else if (m < 1) {
    m *= 2;
    e -= 1;
  }
  if (m >= SQRT2) {
    m /= 2;
    e += 1;
  }
  const t = div(twoSum(m, -1), twoSum(m, 1));
  const t2 = mul(t, t);
  // atanh(t) = t (1 + t^2/3 + t^4/5 + ...); |t| < 0.172, so 24 terms reach 2^-120.
  let sum: DD = [0, 0];
  let power: DD = [1, 0];
  for (let k = 0; k < 24; k++) {
    sum = add(sum, div(power, [2 * k + 1, 0]));
    power = mul(power, t2);
  }
  const lnM = mul(mul(t, sum), [2, 0]);
  const result = add(mul(LN2, [e, 0]), lnM);
  return result[0] + result[1];
}
