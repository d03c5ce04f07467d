// Activation functions and their derivatives for the in-browser trainer: a
// JavaScript port of activations_core/functions/kernels.py that agrees with the numpy
// kernels to a few ulp (the same formulas, clips and operation order), so the
// browser and Python trainers take the same SGD steps.
//
// ACTIVATIONS_JS[name].apply(z, out, slope, p) writes f(z[i]) into out[i] and,
// when slope is not null, f'(z[i]) into slope[i]; p holds the parameters by
// their Python names ({alpha}, {beta} or {}). NaN in gives NaN out; +-inf
// give the limits; f' is exactly 0 wherever Python's is (dead-unit counting).

const ACT_FLOAT_MAX = 1.7976931348623157e308;
const ACT_EXP_OVERFLOW = -709.0; // e^-x overflows below about -709.78: recompute there
const ACT_SELU_SCALE = 1.0507009873554804934193349852946;
const ACT_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123; // SELU_SCALE * SELU_ALPHA
const ACT_SQRT_2PI = 2.5066282746310002; // sqrt(2 pi)
const ACT_INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2 pi)
const ACT_GELU_TANH_A = 1.5957691216057308; // 2 sqrt(2/pi):  2u = x (a + b x^2)
const ACT_GELU_TANH_B = 0.07135481627260025; // 2 sqrt(2/pi) 0.044715
const ACT_GELU_TANH_2B = 0.1427096325452005; // 2 b

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

/** sigma(t) = 1 / (1 + e^-t); t < -709, where e^-t overflows, uses e^t / (1 + e^t). */
function act_logistic(t) {
  if (t < ACT_EXP_OVERFLOW) {
    const small = Math.exp(t);
    return small / (1.0 + small);
  }
  return 1.0 / (Math.exp(-t) + 1.0);
}

/** sigma(t) + s sigma(t) sigma(-t) = P (1 + s + P) / (1 + P)^2 given P = e^t and 1 + s:
 *  one sum (1 + s) + P holds any sign change, so there is no cancellation. */
function act_gated_slope(p, onePlusS) {
  const d = p + 1.0;
  return ((onePlusS + p) * p) / (d * d);
}

/** Parameter value or its default; Error unless low <= value <= high (as Python's ValueError). */
function act_param(p, name, fallback, low, high) {
  const value = p == null || p[name] === undefined ? fallback : Number(p[name]);
  if (!(value >= low && value <= high)) {
    throw new RangeError(`${name} must lie in [${low}, ${high}], got ${value}`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// erf for formula.js: Cephes erf/erfc exactly as scipy (xsf) evaluates them
// ---------------------------------------------------------------------------

const ACT_NDTR_P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
  4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
  9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const ACT_NDTR_Q = [ // leading 1 omitted (p1evl)
  1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
  9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
  1.65666309194161350182e3, 5.57535340817727675546e2,
];
const ACT_NDTR_R = [
  5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
  6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0,
];
const ACT_NDTR_S = [ // leading 1 omitted
  2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
  1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0,
];
const ACT_NDTR_T = [
  9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
  7.00332514112805075473e3, 5.55923013010394962768e4,
];
const ACT_NDTR_U = [ // leading 1 omitted
  3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
  2.26290000613890934246e4, 4.92673942608635921086e4,
];
const ACT_MAXLOG = 7.09782712893383996843e2;

/** Cephes polevl: c[0] x^N + ... + c[N] by Horner. */
function act_polevl(x, c) {
  let ans = c[0];
  for (let i = 1; i < c.length; i++) ans = ans * x + c[i];
  return ans;
}

/** Cephes p1evl: x^N + c[0] x^(N-1) + ... + c[N-1]. */
function act_p1evl(x, c) {
  let ans = x + c[0];
  for (let i = 1; i < c.length; i++) ans = ans * x + c[i];
  return ans;
}

/** erf(x) = x T(x^2) / U(x^2) for |x| <= 1, else 1 - erfc(x) (Cephes). */
function act_erf(x) {
  if (x < 0.0) return -act_erf(-x);
  if (x > 1.0) return 1.0 - act_erfc(x);
  const z = x * x;
  return (x * act_polevl(z, ACT_NDTR_T)) / act_p1evl(z, ACT_NDTR_U);
}

/** erfc(a) = e^(-a^2) P(|a|) / Q(|a|) (R/S beyond 8) for |a| >= 1, else 1 - erf(a) (Cephes);
 *  relatively accurate for a > 0 (no 1 - erf cancellation there). */
function act_erfc(a) {
  const x = a < 0.0 ? -a : a;
  if (x < 1.0) return 1.0 - act_erf(a);
  let z = -a * a;
  if (z < -ACT_MAXLOG) return a < 0 ? 2.0 : 0.0;
  z = Math.exp(z);
  let p, q;
  if (x < 8.0) {
    p = act_polevl(x, ACT_NDTR_P);
    q = act_p1evl(x, ACT_NDTR_Q);
  } else {
    p = act_polevl(x, ACT_NDTR_R);
    q = act_p1evl(x, ACT_NDTR_S);
  }
  let y = (z * p) / q;
  if (a < 0) y = 2.0 - y;
  if (y !== 0.0) return y;
  return a < 0 ? 2.0 : 0.0;
}

// GELU: V(t) = e^(-t^2/2) / Phi(-t) = sqrt(2 pi) t + P(t) / Q(t), coefficients from t^0 up
// (Python's _GELU_V_NUMERATOR and _GELU_V_DENOMINATOR, a rational fit to the inverse Mills ratio).
const ACT_GELU_V_P = [
  2.0, 2.179740034247536, 1.2275645428637445, 0.4448324230578406,
  0.11150539692613198, 0.019632110694308366, 0.0023655050016361773, 0.00017886279458599448,
  6.559747866017552e-06,
];
const ACT_GELU_V_Q = [
  1.0, 1.5452995936364042, 1.1809376385792103, 0.5731056144946752,
  0.19270119672770225, 0.04635576699907144, 0.007974796813277889, 0.0009489337194470781,
  7.135593378894304e-05, 2.6169607534083736e-06,
];

/** c[0] + c[1] t + ... + c[n] t^n by Horner's rule, in Python's _polynomial order. */
function act_polynomial(c, t) {
  let acc = t * c[c.length - 1] + c[c.length - 2];
  for (let k = c.length - 3; k >= 0; k--) acc = acc * t + c[k];
  return acc;
}

// ---------------------------------------------------------------------------
// The activations
// ---------------------------------------------------------------------------

/** sigma(x) = 1 / (1 + e^-x) (e^x / (1 + e^x) below -709);
 *  sigma'(x) = e^-|x| / (1 + e^-|x|)^2, which never overflows. */
function act_sigmoid(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    out[i] = act_logistic(x);
    if (slope !== null) {
      const e = Math.exp(-Math.abs(x));
      const d = e + 1.0;
      slope[i] = e / (d * d);
    }
  }
}

/** tanh(x); tanh'(x) = sech^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2 with |x| capped at 1000 (e^-2000 = 0). */
function act_tanh(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    out[i] = Math.tanh(x);
    if (slope !== null) {
      const e = Math.exp(Math.min(Math.abs(x), 1000.0) * -2.0);
      const d = e + 1.0;
      slope[i] = (e * 4.0) / (d * d);
    }
  }
}

/** relu(x) = max(x, 0); relu'(x) = 1 if x > 0 else 0 (0 at the kink, as PyTorch). */
function act_relu(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    out[i] = x < 0.0 ? 0.0 : x; // keeps NaN and -0 as np.clip does
    if (slope !== null) slope[i] = x > 0.0 ? 1.0 : x < 0.0 ? 0.0 : x; // +-0, NaN as ceil(clip(x, 0, 1))
  }
}

/** f(x) = max(x, alpha x) (alpha = 0: ReLU, so that 0 * inf is not NaN);
 *  f'(x) = 1 if x > 0 else alpha, f'(0) = alpha as PyTorch. */
function act_leaky_relu(z, out, slope, p) {
  const alpha = act_param(p, "alpha", 0.01, 0.0, 1.0);
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    if (alpha === 0.0) out[i] = x < 0.0 ? 0.0 : x; // ReLU: 0 * -inf would be NaN
    else out[i] = x > 0.0 ? x : x * alpha; // alpha <= 1: the larger of x and alpha x
    if (slope !== null) slope[i] = x > 0.0 ? 1.0 : x === x ? alpha : NaN;
  }
}

/** scale x for x > 0, negScale (e^x - 1) for x <= 0 (expm1: no cancellation near 0);
 *  f' = scale for x > 0, negScale e^x for x <= 0 (the x <= 0 branch at 0, as PyTorch). */
function act_exponential_linear(z, out, slope, scale, negScale) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    if (x > 0.0) {
      out[i] = scale * x; // scale x > max float: inf is the answer
      if (slope !== null) slope[i] = scale;
    } else {
      out[i] = negScale * Math.expm1(x); // NaN stays NaN; -inf gives -negScale
      if (slope !== null) slope[i] = negScale * Math.exp(x);
    }
  }
}

/** ELU: f(x) = x if x > 0 else alpha (e^x - 1); f'(x) = 1 if x > 0 else alpha e^x. */
function act_elu(z, out, slope, p) {
  const alpha = act_param(p, "alpha", 1.0, 0.0, ACT_FLOAT_MAX);
  act_exponential_linear(z, out, slope, 1.0, alpha);
}

/** SELU: f(x) = lambda x if x > 0 else lambda alpha (e^x - 1); f'(x) = lambda or lambda alpha e^x. */
function act_selu(z, out, slope) {
  act_exponential_linear(z, out, slope, ACT_SELU_SCALE, ACT_SELU_SCALE_ALPHA);
}

/** GELU: f(x) = x Phi(x) = max(x, 0) - t Phi(-t) with t = min(|x|, 40) and
 *  t Phi(-t) = (t E) / V, E = e^(-t^2/2), V = e^(-t^2/2) / Phi(-t) (no 1/2 + erf/2 cancellation;
 *  t E is formed first, as E may be subnormal). f'(x) = Phi(x) + x phi(x): with
 *  k = f'(-t) = (sqrt(2 pi) / V - t) E / sqrt(2 pi), f'(x) = H + (1 - 2 H) k, H = step(x). */
function act_gelu(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    const t = Math.abs(x < -40.0 ? -40.0 : x > 40.0 ? 40.0 : x); // NaN stays NaN
    const v = act_polynomial(ACT_GELU_V_P, t) / act_polynomial(ACT_GELU_V_Q, t) + t * ACT_SQRT_2PI;
    const e = Math.exp(t * t * -0.5);
    out[i] = (x < 0.0 ? -0.0 : x) - (e * t) / v; // max(x, 0) as np.clip(x, -0, inf): -0 for x <= -0, NaN kept
    if (slope !== null) {
      const k = (ACT_SQRT_2PI / v - t) * ACT_INV_SQRT_2PI * e;
      const h = x > 0.0 ? 1.0 : x < 0.0 ? -0.0 : x; // +-0, NaN as ceil(clip(x, -0, 1))
      slope[i] = (h * -2.0 + 1.0) * k + h;
    }
  }
}

/** GELU (tanh approx.): f(x) = x sigma(2u), 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) = x (a + b x^2),
 *  with x clipped to [-30, 30] inside sigma (sigma(2u) is exactly 0 or 1 beyond).
 *  f'(x) = sigma(2u) + s sigma(2u) sigma(-2u), s = 2u + 2 b x^3, as P (1 + s + P) / (1 + P)^2,
 *  P = e^(2u): 1 + s = (1 + 2u) + 2 b x^3 reuses the rounded 2u that goes into P, so their
 *  rounding errors cancel where the two terms do; x is clipped to [-30, 10] (f' = 1 beyond 10). */
function act_gelu_tanh(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    const c = x < -30.0 ? -30.0 : x > 30.0 ? 30.0 : x;
    out[i] = act_logistic((c * c * ACT_GELU_TANH_B + ACT_GELU_TANH_A) * c) * (x < -30.0 ? -30.0 : x);
    if (slope !== null) {
      const s = c > 10.0 ? 10.0 : c;
      const sq = s * s;
      const twoU = (sq * ACT_GELU_TANH_B + ACT_GELU_TANH_A) * s;
      slope[i] = act_gated_slope(Math.exp(twoU), twoU + 1.0 + sq * s * ACT_GELU_TANH_2B);
    }
  }
}

/** Swish: f(x) = x sigma(beta x) = x / (1 + e^(-beta x)) (x e^t / (1 + e^t) below t = -709);
 *  f'(x) = sigma(t) + t sigma(t) sigma(-t), t = beta x clipped to [-1000, 354], as
 *  P (1 + t + P) / (1 + P)^2 with P = e^t. beta = 0 gives x/2 and f' = 1/2. */
function act_swish(z, out, slope, p) {
  const beta = act_param(p, "beta", 1.0, 0.0, ACT_FLOAT_MAX);
  const n = z.length;
  if (beta === 0.0) {
    for (let i = 0; i < n; i++) {
      const x = z[i];
      out[i] = x * 0.5;
      if (slope !== null) slope[i] = x === x ? 0.5 : NaN;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = z[i];
    const t = beta === 1.0 ? x : x * beta;
    if (t < ACT_EXP_OVERFLOW) { // e^-t overflows (and x = -inf): x e^t / (1 + e^t)
      const small = Math.exp(t);
      out[i] = (x < -ACT_FLOAT_MAX ? -ACT_FLOAT_MAX : x) * (small / (1.0 + small));
    } else {
      out[i] = x / (Math.exp(-t) + 1.0);
    }
    if (slope !== null) {
      const c = t < -1000.0 ? -1000.0 : t > 354.0 ? 354.0 : t; // (e^354)^2 < max float
      slope[i] = act_gated_slope(Math.exp(c), c + 1.0);
    }
  }
}

/** Softplus: f(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|); f'(x) = sigma(x). */
function act_softplus(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    out[i] = (x < 0.0 ? 0.0 : x) + Math.log1p(Math.exp(-Math.abs(x)));
    if (slope !== null) slope[i] = act_logistic(x);
  }
}

/** Mish: f(x) = x tanh(softplus x) = x n / D with E = e^x, n = E (E + 2), D = n + 2, x clipped to
 *  [-1000, 30] inside (tanh(softplus 30) = 1). f'(x) = tanh(sp) + x sigma(x) sech^2(sp):
 *  x > -0.625: (n + 4 x E (1 + E) / D) / D; below: E N / D^2 with
 *  N = 4 (1 + x) + E (E (E + 4) + 6 + 4 x), which keeps the sign change near -1.19 in one sum. */
function act_mish(z, out, slope) {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    const c = x < -1000.0 ? -1000.0 : x > 30.0 ? 30.0 : x;
    const e = Math.exp(c);
    const num = (e + 2.0) * e;
    const d = num + 2.0;
    out[i] = (num / d) * (x < -1000.0 ? -1000.0 : x); // f = -0 below -1000; avoids -inf * 0
    if (slope !== null) {
      const fourC = c * 4.0;
      if (c + 0.625 > 0.0) {
        slope[i] = ((e + 1.0) * e * fourC / d + num) / d;
      } else {
        let v = ((((e + 4.0) * e + 6.0 + fourC) * e + (fourC + 4.0)) * e / d) / d;
        // Python selects with negative + positive * 0, which turns a -0 (e = 0) into +0
        if (v === 0.0) v += (((e + 1.0) * e * fourC / d + num) / d) * 0.0;
        slope[i] = v;
      }
    }
  }
}

/** name -> { params: [param names], apply(z, out, slope, p) } */
export const ACTIVATIONS_JS = {
  sigmoid: { params: [], apply: act_sigmoid },
  tanh: { params: [], apply: act_tanh },
  relu: { params: [], apply: act_relu },
  leaky_relu: { params: ["alpha"], apply: act_leaky_relu },
  elu: { params: ["alpha"], apply: act_elu },
  gelu: { params: [], apply: act_gelu },
  gelu_tanh: { params: [], apply: act_gelu_tanh },
  swish: { params: ["beta"], apply: act_swish },
  softplus: { params: [], apply: act_softplus },
  mish: { params: [], apply: act_mish },
  selu: { params: [], apply: act_selu },
};
