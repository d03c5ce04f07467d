// A student's own activation in the browser: runs the program activations_core/formula_program.py
// compiles from the validated SymPy trees of f and f' (never from the typed text).
//
// A program is {format, params: [name] or [], param_default, instructions, f, df}: a flat SSA list
// ({op: "mul", args: [3, 5]} reads instructions 3 and 5; leaves x, param, const {value}, where
// value "inf", "-inf" or "nan" stand for the numbers JSON lacks). compileFormula checks it, then
// builds an evaluator from a fixed table of op implementations looked up by name (an unknown op
// throws; no source text is ever built from the program). Per call, constants are folded once at
// compile time, parameter-only values are computed once as scalars, and every x-dependent value
// is one tight loop over Float64Array registers that are reused once their last reader has run.
//
// Each op has numpy's semantics, as the Python evaluator runs it: IEEE arithmetic (0 * inf = NaN,
// NaN propagates), pow of a negative base to a non-integer power is NaN, log of a negative is NaN,
// max/min propagate NaN and return the second argument at a tie (numpy.maximum), sign(0) = 0,
// sigmoid is scipy's expit 1 / (1 + e^-u), erf is Cephes' (scipy's). V8's Math functions and
// numpy's differ in the last bit now and then, so values agree to ~1e-15 relative, not bit for bit.
//
// compileFormula(program).apply(z, out, slope, p) has the interface of ACTIVATIONS_JS: out[i] =
// f(z[i]), slope[i] = f'(z[i]) when slope is not null, p = {a: value} by the parameter's name
// (missing: param_default, 1 as in Python). At z = +-inf, f and f' are their limits, found as in
// Python (formula_program.program_limits) when an infinite z first comes for a parameter value.

const FORMULA_FORMAT = "formula-program/1";
const FORMULA_MAX_INSTRUCTIONS = 10000;
const FORMULA_MAX_POWI = 64;
const FORMULA_SPECIALS = new Map([["inf", Infinity], ["-inf", -Infinity], ["nan", NaN]]);

// ---------------------------------------------------------------------------
// Scalar kernels with numpy's edge cases
// ---------------------------------------------------------------------------

// erf is act_erf of activations.js, which comes first in the lab's module (Cephes, as scipy).

/** scipy.special.expit: 1 / (1 + e^-u). */
function formula_sigmoid(u) {
  return 1.0 / (1.0 + Math.exp(-u));
}

/** numpy.maximum: NaN if either is NaN, the second argument at a tie (so max(-0, 0) = 0). */
function formula_max(u, v) {
  if (u !== u || v !== v) return NaN;
  return u > v ? u : v;
}

/** numpy.minimum: NaN if either is NaN, the second argument at a tie. */
function formula_min(u, v) {
  if (u !== u || v !== v) return NaN;
  return u < v ? u : v;
}

/** formula/evaluate.py's softplus: max(u, 0) + log1p(e^-|u|), exact and never overflowing. */
function formula_softplus(u) {
  return formula_max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)));
}

/** numpy.sign: -1, 0 or 1; NaN for NaN. */
function formula_sign(u) {
  if (u > 0) return 1.0;
  if (u < 0) return -1.0;
  return u === 0 ? 0.0 : NaN;
}

/** formula/evaluate.py's iverson_greater: [u > v] as 1/0, NaN if either is NaN. */
function formula_greater(u, v) {
  if (u !== u || v !== v) return NaN;
  return u > v ? 1.0 : 0.0;
}

/** dfn's mask: NaN where f is NaN, else f'. */
function formula_whereNan(y, d) {
  return y !== y ? NaN : d;
}

/** formula/evaluate.py's gate: 0 where the bracket b is 0 (an inactive branch), else v. */
function formula_gate(b, v) {
  return b === 0 ? 0 : v;
}

/** numpy.power (C99 pow): unlike Math.pow, 1^y = 1 for any y and (-1)^+-inf = 1. */
function formula_pow(b, e) {
  if (b === 1.0) return 1.0;
  if (b === -1.0 && (e === Infinity || e === -Infinity)) return 1.0;
  return Math.pow(b, e);
}

/** v ** k for a small integer k >= 0 (numpy squares for k = 2, C pow otherwise; v^0 = 1 even for NaN). */
function formula_powi(v, k) {
  if (k === 0) return 1.0;
  if (k === 1) return v;
  return k === 2 ? v * v : formula_pow(v, k);
}

// ---------------------------------------------------------------------------
// The op table: [arity, scalar kernel, loop over registers]. Loops are written out so that each
// is a tight monomorphic loop; they only read a[i] (and b[i]) before writing o[i].
// ---------------------------------------------------------------------------

const FORMULA_OPS = new Map([
  ["x", [0, null, null]],
  ["param", [0, null, null]],
  ["const", [0, null, null]],
  ["add", [2, (u, v) => u + v, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] + b[i]; }]],
  ["mul", [2, (u, v) => u * v, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] * b[i]; }]],
  ["div", [2, (u, v) => u / v, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = a[i] / b[i]; }]],
  ["neg", [1, (u) => -u, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = -a[i]; }]],
  ["pow", [2, formula_pow, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_pow(a[i], b[i]); }]],
  ["powi", [1, formula_powi, (o, a, b, n, k) => {
    if (k === 0) o.fill(1.0, 0, n);
    else if (k === 1) o.set(a.subarray(0, n));
    else if (k === 2) for (let i = 0; i < n; i++) o[i] = a[i] * a[i];
    else for (let i = 0; i < n; i++) o[i] = formula_pow(a[i], k);
  }]],
  ["sqrt", [1, Math.sqrt, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); }]],
  ["exp", [1, Math.exp, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]); }]],
  ["expm1", [1, Math.expm1, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.expm1(a[i]); }]],
  ["log", [1, Math.log, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); }]],
  ["log1p", [1, Math.log1p, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]); }]],
  ["tanh", [1, Math.tanh, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); }]],
  ["sinh", [1, Math.sinh, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.sinh(a[i]); }]],
  ["cosh", [1, Math.cosh, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.cosh(a[i]); }]],
  ["sin", [1, Math.sin, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]); }]],
  ["cos", [1, Math.cos, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]); }]],
  ["abs", [1, Math.abs, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); }]],
  ["sign", [1, formula_sign, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_sign(a[i]); }]],
  ["erf", [1, act_erf, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = act_erf(a[i]); }]],
  ["sigmoid", [1, formula_sigmoid, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_sigmoid(a[i]); }]],
  ["softplus", [1, formula_softplus, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_softplus(a[i]); }]],
  ["max", [2, formula_max, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_max(a[i], b[i]); }]],
  ["min", [2, formula_min, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_min(a[i], b[i]); }]],
  ["greater", [2, formula_greater, (o, a, b, n) => {
    for (let i = 0; i < n; i++) o[i] = formula_greater(a[i], b[i]);
  }]],
  ["where_nan", [2, formula_whereNan, (o, a, b, n) => {
    for (let i = 0; i < n; i++) o[i] = formula_whereNan(a[i], b[i]);
  }]],
  ["gate", [2, formula_gate, (o, a, b, n) => { for (let i = 0; i < n; i++) o[i] = formula_gate(a[i], b[i]); }]],
]);

// ---------------------------------------------------------------------------
// Limits at +-inf: f(+-inf) and f'(+-inf) are limits, as for the built-ins, found by the rules of
// activations_core/formula_program.py (read there why each rule is safe), which this mirrors step
// for step: the program runs on a fixed tail of 4,096 points per side (|x| = 2^(k/4), each a power
// of two times one of four constants, so Python and the browser use the same points exactly).
// ---------------------------------------------------------------------------

const FORMULA_TAIL_FACTORS = [1.0, 1.189207115002721, 1.4142135623730951, 1.681792830507429];
const FORMULA_TAIL = (() => {
  const tail = new Float64Array(4 * 1024);
  let power = 1.0;
  for (let e = 0; e < 1024; e++, power *= 2) {
    for (let j = 0; j < 4; j++) tail[4 * e + j] = FORMULA_TAIL_FACTORS[j] * power;
  }
  return tail;
})();
const FORMULA_WINDOW = 64;
const FORMULA_CANCELLED = 2 ** -40;
const FORMULA_VANISHING = 0.9;
const FORMULA_SETTLED_RUN = 8;
const FORMULA_SETTLED_TOL = 1e-14;
const FORMULA_MIN_TREND = 16;
const FORMULA_DOMAIN_REACH = 64;
const FORMULA_EPS = 2 ** -52;
const FORMULA_BITS = new Float64Array(1);
const FORMULA_WORDS = new Uint32Array(FORMULA_BITS.buffer); // little-endian: [low, high]

/** Trailing zero bits of v's 52-bit significand field (52 for a zero field). */
function formula_fractionZeros(v) {
  FORMULA_BITS[0] = v;
  const low = FORMULA_WORDS[0], high = FORMULA_WORDS[1] & 0xfffff;
  if (low !== 0) return 31 - Math.clz32(low & -low);
  if (high !== 0) return 63 - Math.clz32(high & -high);
  return 52;
}

/** formula_program._settled_value: a settled run's value, its rounding noise removed. */
function formula_settledValue(run) {
  const last = run[run.length - 1];
  if (Math.abs(last) <= FORMULA_SETTLED_TOL) return run.every((v) => v <= 0) ? -0 : 0;
  let best = 0, bestZeros = -1;
  for (let i = 0; i < run.length; i++) {
    const zeros = formula_fractionZeros(run[i]);
    if (zeros >= bestZeros) { bestZeros = zeros; best = i; } // the latest of equals
  }
  return run[best];
}

/** formula_program._limit: one output's limit from its tail values v (|x| increasing), valid points
 * (valid: strictly, finite: finite only), domain errors and IEEE value at +-inf; NaN where none. */
function formula_limit(v, valid, finite, domain, atInf) {
  const size = v.length;
  if (atInf === atInf && v.every((t) => t === atInf)) return atInf;
  let lastError = -1;
  for (let k = size - 1; k >= 0; k--) if (domain[k]) { lastError = k; break; }
  if (lastError >= 0 && lastError >= size - FORMULA_DOMAIN_REACH) return NaN;
  if (v.every((t) => t !== t)) return NaN;
  for (const [points, strict] of [[valid, true], [finite, false]]) {
    const index = [];
    for (let k = lastError + 1; k < size; k++) if (points[k]) index.push(k);
    if (index.length < 2) continue;
    const found = formula_windowLimit(v, index, atInf, strict);
    if (found !== null) return found;
  }
  return NaN;
}

/** formula_program._window_limit: rules 3a-3d on the valid points `index` of v, or null. */
function formula_windowLimit(v, index, atInf, strict) {
  const w = index.slice(-FORMULA_WINDOW).map((k) => v[k]);
  const n = w.length;
  if (Number.isFinite(atInf)) {
    let monotone = true;
    for (let i = 1; monotone && i < n; i++) {
      const slack = 4 * FORMULA_EPS * Math.max(Math.abs(w[i - 1]), Math.abs(atInf));
      monotone = Math.abs(w[i] - atInf) <= Math.abs(w[i - 1] - atInf) + slack;
    }
    const first = Math.abs(w[0] - atInf), end = Math.abs(w[n - 1] - atInf);
    if (monotone && (end <= 1e-12 * Math.max(1, Math.abs(atInf)) || end < first * (1 - 1e-6))) return atInf;
  } else if (atInf === Infinity || atInf === -Infinity) {
    const s = atInf > 0 ? 1 : -1;
    let growing = s * w[n - 1] > 0 && s * w[n - 1] > s * w[0];
    for (let i = 1; growing && i < n; i++) growing = s * w[i] >= s * w[i - 1];
    if (growing) return atInf;
  }
  const last = w[n - 1];
  const scale = Math.max(1, Math.abs(last));
  let run = 0;
  while (run < index.length && Math.abs(v[index[index.length - 1 - run]] - last) <= FORMULA_SETTLED_TOL * scale) run++;
  if (run >= FORMULA_SETTLED_RUN && (strict || run === index.length
      || Math.abs(v[index[index.length - run - 1]] - last) <= 1e-6 * scale)) {
    return formula_settledValue(index.slice(-run).map((k) => v[k]));
  }
  if (n >= FORMULA_MIN_TREND) {
    const sizes = w.map(Math.abs);
    let growing = (w.every((t) => t > 0) || w.every((t) => t < 0)) && sizes[n - 1] >= 2 * sizes[0];
    for (let i = 1; growing && i < n; i++) growing = sizes[i] >= sizes[i - 1];
    if (growing) return last > 0 ? Infinity : -Infinity;
    const q = Math.floor(n / 4), from = n - 4 * q, peaks = [0, 0, 0, 0];
    for (let i = 0; i < 4 * q; i++) peaks[Math.floor(i / q)] = Math.max(peaks[Math.floor(i / q)], sizes[from + i]);
    if (peaks[0] > 0 && peaks[1] <= peaks[0] && peaks[2] <= peaks[1] && peaks[3] <= peaks[2]
        && peaks[2] <= FORMULA_VANISHING * peaks[1] && peaks[3] <= FORMULA_VANISHING * peaks[2]) return 0;
  }
  return null;
}

/** Which instructions the output reads, directly or not. */
function formula_needed(ins, output) {
  const needed = new Uint8Array(ins.length);
  needed[output] = 1;
  for (let i = ins.length - 1; i >= 0; i--) if (needed[i]) for (const j of ins[i].args) needed[j] = 1;
  return needed;
}

/** formula_program.program_limits: {f: [at -inf, at +inf], df: [...]} for the parameter value a. */
function formula_tailLimits(ins, f, df, a) {
  const count = ins.length, size = FORMULA_TAIL.length;
  const outputs = [f, df].map((o) => ({ o, needed: formula_needed(ins, o) }));
  const values = new Float64Array(count);
  const limits = { f: [NaN, NaN], df: [NaN, NaN] };
  for (const side of [0, 1]) {
    const sign = side ? 1 : -1;
    const tails = outputs.map(() => ({ v: new Float64Array(size), valid: new Uint8Array(size),
                                       finite: new Uint8Array(size), domain: new Uint8Array(size), atInf: NaN }));
    for (let k = 0; k <= size; k++) { // k = size: x = +-inf itself
      const x = k < size ? sign * FORMULA_TAIL[k] : sign * Infinity;
      const valid = [1, 1], finite = [1, 1], fresh = [0, 0];
      for (let i = 0; i < count; i++) {
        if (!outputs[0].needed[i] && !outputs[1].needed[i]) continue;
        const it = ins[i];
        let value, inputsFinite = false;
        if (it.op === "x") value = x;
        else if (it.op === "param") value = a;
        else if (it.op === "const") value = it.value;
        else if (it.arity === 2) {
          const u = values[it.args[0]], w = values[it.args[1]];
          value = it.kernel(u, w);
          inputsFinite = Number.isFinite(u) && Number.isFinite(w);
        } else {
          const u = values[it.args[0]];
          value = it.kernel(u, it.k);
          inputsFinite = Number.isFinite(u);
        }
        values[i] = value;
        // usable: finite, and for a sum, not cancelled down to its rounding errors
        const usable = Number.isFinite(value) && !(it.op === "add"
          && Math.abs(value) < FORMULA_CANCELLED * Math.max(Math.abs(values[it.args[0]]), Math.abs(values[it.args[1]])));
        for (let o = 0; o < 2; o++) {
          if (!outputs[o].needed[i]) continue;
          if (!usable) valid[o] = 0;
          if (!Number.isFinite(value)) finite[o] = 0;
          if (inputsFinite && value !== value) fresh[o] = 1;
        }
      }
      for (let o = 0; o < 2; o++) {
        const tail = tails[o];
        if (k === size) { tail.atInf = values[outputs[o].o]; continue; }
        tail.v[k] = values[outputs[o].o];
        tail.valid[k] = valid[o];
        tail.finite[k] = finite[o];
        tail.domain[k] = fresh[o];
      }
    }
    const [tf, td] = tails;
    limits.f[side] = formula_limit(tf.v, tf.valid, tf.finite, tf.domain, tf.atInf);
    limits.df[side] = limits.f[side] !== limits.f[side] ? NaN
      : formula_limit(td.v, td.valid, td.finite, td.domain, td.atInf);
  }
  return limits;
}

// ---------------------------------------------------------------------------
// Checking and compiling a program
// ---------------------------------------------------------------------------

function formula_fail(message) {
  throw new Error(`formula program: ${message}`);
}

/** The checked instructions as {op, arity, kernel, loop, args, value, k}; throws on anything else. */
function formula_check(program) {
  if (program === null || typeof program !== "object") formula_fail("not an object");
  if (program.format !== FORMULA_FORMAT) formula_fail(`format ${String(program.format)}, expected ${FORMULA_FORMAT}`);
  const params = program.params;
  if (!Array.isArray(params) || params.length > 1
      || !params.every((name) => typeof name === "string" && /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(name))) {
    formula_fail("params must be [] or one plain name");
  }
  const fallback = program.param_default === undefined ? 1.0 : program.param_default;
  if (typeof fallback !== "number" || !Number.isFinite(fallback)) formula_fail("param_default must be a number");
  const list = program.instructions;
  if (!Array.isArray(list) || list.length === 0 || list.length > FORMULA_MAX_INSTRUCTIONS) {
    formula_fail(`instructions must be a list of 1 to ${FORMULA_MAX_INSTRUCTIONS}`);
  }
  const checked = list.map((ins, i) => {
    if (ins === null || typeof ins !== "object") formula_fail(`instruction ${i} is not an object`);
    const spec = typeof ins.op === "string" ? FORMULA_OPS.get(ins.op) : undefined;
    if (spec === undefined) formula_fail(`unknown op ${JSON.stringify(ins.op)} at ${i}`);
    const [arity, kernel, loop] = spec;
    const args = ins.args === undefined ? [] : ins.args;
    if (!Array.isArray(args) || args.length !== arity
        || !args.every((j) => Number.isInteger(j) && j >= 0 && j < i)) {
      formula_fail(`instruction ${i} (${ins.op}) needs ${arity} earlier instructions as args`);
    }
    let value = 0.0;
    if (ins.op === "const") {
      value = typeof ins.value === "string" ? FORMULA_SPECIALS.get(ins.value) : ins.value;
      if (typeof value !== "number") formula_fail(`const ${i} has no numeric value`);
    }
    if (ins.op === "param" && params.length !== 1) formula_fail("param used but params does not name it");
    const k = ins.op === "powi" ? ins.n : 0;
    if (!Number.isInteger(k) || k < 0 || k > FORMULA_MAX_POWI) {
      formula_fail(`powi ${i} needs 0 <= n <= ${FORMULA_MAX_POWI}`);
    }
    return { op: ins.op, arity, kernel, loop, args, value, k };
  });
  for (const key of ["f", "df"]) {
    const j = program[key];
    if (!Number.isInteger(j) || j < 0 || j >= checked.length) formula_fail(`${key} must index an instruction`);
  }
  return { name: params.length ? params[0] : null, fallback, ins: checked };
}

/**
 * The steps computing `outputs` (instruction indexes). kind: 0 constant, 1 parameter-only, 2
 * depends on x. Scalars (kind 1) are computed first; x-dependent values get registers, register
 * 0 being x itself; a scalar that an x-dependent op reads is first filled into a register.
 */
function formula_plan(ins, kind, outputs) {
  const count = ins.length;
  const needed = new Uint8Array(count);
  for (const o of outputs) needed[o] = 1;
  for (let i = count - 1; i >= 0; i--) if (needed[i]) for (const j of ins[i].args) needed[j] = 1;
  const lastUse = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    if (needed[i] && kind[i] === 2) for (const j of ins[i].args) lastUse[j] = i;
  }
  for (const o of outputs) lastUse[o] = count; // outputs live to the end
  const scalars = [];
  const steps = [];
  const reg = new Int32Array(count).fill(-1);
  const free = [];
  let nRegs = 1;
  const allocate = () => (free.length ? free.pop() : nRegs++);
  for (let i = 0; i < count; i++) {
    if (!needed[i]) continue;
    const it = ins[i];
    if (kind[i] === 1 && it.arity > 0) scalars.push([i, it.kernel, it.args[0], it.arity === 2 ? it.args[1] : -1, it.k]);
    if (kind[i] !== 2) continue;
    if (it.op === "x") {
      reg[i] = 0;
      continue;
    }
    const argRegs = it.args.map((j) => {
      if (reg[j] < 0) { // a scalar read by an x-dependent op: broadcast it
        reg[j] = allocate();
        steps.push({ fill: j, o: reg[j] });
      }
      return reg[j];
    });
    reg[i] = allocate();
    const b = argRegs.length > 1 ? argRegs[1] : argRegs[0]; // unary loops ignore b
    steps.push({ fill: -1, loop: it.loop, o: reg[i], a: argRegs[0], b, k: it.k });
    for (const j of new Set(it.args)) if (lastUse[j] === i && reg[j] > 0) free.push(reg[j]);
  }
  return { scalars, steps, nRegs, reg };
}

/** A typed formula's program as an activation: { params: [name] or [], apply(z, out, slope, p) }.
 * options.limits = false leaves the plain IEEE values at z = +-inf (for testing the ops). */
export function compileFormula(program, options = {}) {
  const useLimits = options.limits !== false; // false: plain IEEE values at +-inf (the ops' own semantics)
  const { name, fallback, ins } = formula_check(program);
  const count = ins.length;
  const kind = new Uint8Array(count);
  const base = new Float64Array(count); // constants folded here; parameter-only slots filled per call
  for (let i = 0; i < count; i++) {
    const it = ins[i];
    if (it.op === "x") kind[i] = 2;
    else if (it.op === "param") kind[i] = 1;
    else if (it.op === "const") base[i] = it.value;
    else {
      kind[i] = Math.max(...it.args.map((j) => kind[j]));
      if (kind[i] === 0) {
        base[i] = it.arity === 2 ? it.kernel(base[it.args[0]], base[it.args[1]]) : it.kernel(base[it.args[0]], it.k);
      }
    }
  }
  const paramSlots = ins.map((it, i) => (it.op === "param" ? i : -1)).filter((i) => i >= 0);
  const f = program.f, df = program.df;
  const plans = [formula_plan(ins, kind, [f]), formula_plan(ins, kind, [f, df])];
  const total = Math.max(plans[0].nRegs, plans[1].nRegs);
  const values = new Float64Array(count);
  let regs = [null];
  let capacity = -1;

  function write(target, plan, j, n) {
    if (kind[j] === 2) target.set(regs[plan.reg[j]].subarray(0, n));
    else target.fill(values[j], 0, n);
  }

  const limitCache = new Map(); // parameter value -> limits at +-inf, made when an infinite z first comes
  function limitsAt(a) {
    const key = Object.is(a, -0) ? "-0" : a; // a Map's keys do not tell -0 from 0
    let found = limitCache.get(key);
    if (found === undefined) {
      if (limitCache.size >= 32) limitCache.clear();
      found = formula_tailLimits(ins, f, df, a);
      limitCache.set(key, found);
    }
    return found;
  }

  function apply(z, out, slope, p) {
    const n = z.length;
    const plan = slope ? plans[1] : plans[0];
    let a = fallback;
    if (name !== null && p != null && Object.prototype.hasOwnProperty.call(p, name) && p[name] !== undefined) {
      a = Number(p[name]);
    }
    let infinite = null; // [index, side] pairs, read before out (which may be z) is written
    for (let i = 0; useLimits && i < n; i++) {
      const t = z[i];
      if (t === Infinity || t === -Infinity) (infinite || (infinite = [])).push(i, t > 0 ? 1 : 0);
    }
    values.set(base);
    for (const i of paramSlots) values[i] = a;
    for (const [i, kernel, u, v, k] of plan.scalars) {
      values[i] = v >= 0 ? kernel(values[u], values[v]) : kernel(values[u], k);
    }
    if (n > capacity) { // registers 1 .. total - 1 for the plans, register total for a copy of z
      capacity = n;
      regs = [null];
      for (let r = 1; r <= total; r++) regs.push(new Float64Array(capacity));
    }
    const aliased = out.buffer === z.buffer || (slope && slope.buffer === z.buffer);
    if (aliased) { // outputs overwrite z as they are written: read x from a copy
      const copy = regs[total];
      copy.set(z);
      regs[0] = copy;
    } else {
      regs[0] = z;
    }
    for (const s of plan.steps) {
      if (s.fill >= 0) regs[s.o].fill(values[s.fill], 0, n);
      else s.loop(regs[s.o], regs[s.a], regs[s.b], n, s.k);
    }
    write(out, plan, f, n);
    if (slope) write(slope, plan, df, n);
    regs[0] = null;
    if (infinite !== null) { // f(+-inf), f'(+-inf): the limits
      const limits = limitsAt(a);
      for (let j = 0; j < infinite.length; j += 2) {
        out[infinite[j]] = limits.f[infinite[j + 1]];
        if (slope) slope[infinite[j]] = limits.df[infinite[j + 1]];
      }
    }
  }

  return { params: name === null ? [] : [name], apply };
}
