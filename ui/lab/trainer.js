// The lab's network, trained in the browser: a line-for-line port of activations_core/network/ (model.py and train.py).
//
// Same network (2 inputs -> hidden layers -> 1 logit), same loss, hand-written backward pass, SGD
// with momentum (v = m v + g, w -= lr v), batch normalisation (PyTorch's BatchNorm1d), the same
// minibatch order (epoch_order, a 32-bit hash) and the same history (rows on a power-of-two grid
// plus the latest step). It starts from the state Python sends (network.browser_spec) and gives
// back the format of network.to_json_dict, which Python reads with from_json_dict, so every
// table, export and answer on the page is computed by the core from what the browser trained.
// A browser test holds it to train_steps within 1e-9. Float64Array arithmetic throughout.

const TRAINER_HISTORY_CAP = 1000;
const TRAINER_BN_EPS = 1e-5;
const TRAINER_BN_MOMENTUM = 0.1;

/** Smallest power of two k with at most HISTORY_CAP multiples of k in [0, step] (network._grid_every). */
function trainerGridEvery(step) {
  let k = 1;
  while (Math.floor(step / k) + 1 > TRAINER_HISTORY_CAP) k *= 2;
  return k;
}

/** lowbias32, the 32-bit hash of network._mix32. */
function trainerMix32(x) {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The order epoch `epoch` visits n training points in (network.epoch_order). */
export function epochOrder(seed, epoch, n) {
  const key = trainerMix32((trainerMix32(seed) ^ epoch) >>> 0);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = trainerMix32((key + Math.imul(i, 0x9e3779b9)) >>> 0);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  return Int32Array.from(order);
}

/** numpy's logaddexp(0, t). */
function trainerLogAddExp0(t) {
  if (t === 0) return Math.LN2;
  if (t > 0) return t + Math.log1p(Math.exp(-t));
  if (t < 0) return Math.log1p(Math.exp(t));
  return t + 0; // NaN
}

function trainerMeanLoss(logits, sign, n) {
  let total = 0;
  for (let i = 0; i < n; i++) total += trainerLogAddExp0(sign[i] * logits[i]);
  return total / n;
}

function trainerAccuracy(logits, y, n) {
  let right = 0;
  for (let i = 0; i < n; i++) if ((logits[i] > 0) === (y[i] > 0.5)) right++;
  return right / n;
}

function trainerFlat(rows) {
  return Float64Array.from(rows.flat(), (v) => (v === null ? NaN : v));
}

function trainerRows(array, width) {
  const out = [];
  for (let i = 0; i < array.length; i += width) out.push(Array.from(array.subarray(i, i + width)));
  return out;
}

/** Points (n, 2) and labels as flat Float64Arrays, with the loss's signs 1 - 2y. */
function trainerSet(X, y) {
  const n = y.length;
  const labels = Float64Array.from(y);
  return { X: trainerFlat(X), y: labels, sign: labels.map((v) => 1 - 2 * v), n };
}

/** z = a W + b for n rows: a (n x fanIn), W (fanIn x width), row-major; four outputs at a time in registers. */
function trainerAffine(a, n, fanIn, W, b, width, z) {
  for (let i = 0; i < n; i++) {
    const r = i * width, ir = i * fanIn;
    let j = 0;
    for (; j + 3 < width; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, wk = j; k < fanIn; k++, wk += width) {
        const x = a[ir + k];
        s0 += x * W[wk]; s1 += x * W[wk + 1]; s2 += x * W[wk + 2]; s3 += x * W[wk + 3];
      }
      z[r + j] = s0 + b[j]; z[r + j + 1] = s1 + b[j + 1]; z[r + j + 2] = s2 + b[j + 2]; z[r + j + 3] = s3 + b[j + 3];
    }
    for (; j < width; j++) {
      let s = 0;
      for (let k = 0, wk = j; k < fanIn; k++, wk += width) s += a[ir + k] * W[wk];
      z[r + j] = s + b[j];
    }
  }
}

/** gw = inputs^T gz (fanIn x width) and gb = column sums of gz, over n rows. */
function trainerGradWeights(inputs, gz, n, fanIn, width, gw, gb) {
  for (let j = 0; j < width; j++) {
    let s = 0;
    for (let i = 0, t = j; i < n; i++, t += width) s += gz[t];
    gb[j] = s;
  }
  for (let k = 0; k < fanIn; k++) {
    let j = 0;
    for (; j + 3 < width; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0, ik = k, t = j; i < n; i++, ik += fanIn, t += width) {
        const x = inputs[ik];
        s0 += x * gz[t]; s1 += x * gz[t + 1]; s2 += x * gz[t + 2]; s3 += x * gz[t + 3];
      }
      const o = k * width + j;
      gw[o] = s0; gw[o + 1] = s1; gw[o + 2] = s2; gw[o + 3] = s3;
    }
    for (; j < width; j++) {
      let s = 0;
      for (let i = 0, ik = k, t = j; i < n; i++, ik += fanIn, t += width) s += inputs[ik] * gz[t];
      gw[k * width + j] = s;
    }
  }
}

/** ga = gz W^T (n x fanIn): the gradient reaching the layer's inputs. */
function trainerGradInputs(gz, W, n, fanIn, width, ga) {
  for (let i = 0; i < n; i++) {
    const r = i * width, ir = i * fanIn;
    let k = 0;
    for (; k + 3 < fanIn; k += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const w0 = k * width, w1 = w0 + width, w2 = w1 + width, w3 = w2 + width;
      for (let j = 0; j < width; j++) {
        const g = gz[r + j];
        s0 += g * W[w0 + j]; s1 += g * W[w1 + j]; s2 += g * W[w2 + j]; s3 += g * W[w3 + j];
      }
      ga[ir + k] = s0; ga[ir + k + 1] = s1; ga[ir + k + 2] = s2; ga[ir + k + 3] = s3;
    }
    for (; k < fanIn; k++) {
      let s = 0;
      for (let j = 0, w = k * width; j < width; j++) s += gz[r + j] * W[w + j];
      ga[ir + k] = s;
    }
  }
}

export class Trainer {
  /**
   * spec: network.browser_spec(state, data): {state: to_json_dict(state), data: {X_train, y_train,
   * X_test, y_test}, saturation: [centre, reach] or null}; activation: the entry of
   * ACTIVATIONS_JS (or a compiled formula) with the same apply(z, out, slope, params).
   */
  constructor(spec, activation) {
    const s = spec.state;
    this.config = { ...s.config };
    this.seed = s.seed;
    this.step = s.step;
    this.diverged = s.diverged;
    this.act = activation;
    this.params = { ...s.config.activation_params };
    this.saturation = spec.saturation;
    this.sizes = s.layer_sizes;
    this.nHidden = this.sizes.length - 2;
    this.weights = s.weights.map(trainerFlat);
    this.biases = s.biases.map(trainerFlat);
    this.gammas = s.gammas.map(trainerFlat);
    this.betas = s.betas.map(trainerFlat);
    this.runningMeans = s.running_means.map(trainerFlat);
    this.runningVars = s.running_vars.map(trainerFlat);
    this.velocities = s.velocities.map(trainerFlat);
    this.bn = this.gammas.length > 0;
    this.train = trainerSet(spec.data.X_train, spec.data.y_train);
    this.test = trainerSet(spec.data.X_test, spec.data.y_test);
    const h = s.history;
    this.history = {
      every: h.every, step: h.step.slice(),
      train_loss: h.train_loss.map((v) => (v === null ? NaN : v)),
      train_acc: h.train_acc.map((v) => (v === null ? NaN : v)),
      test_loss: h.test_loss.map((v) => (v === null ? NaN : v)),
      test_acc: h.test_acc.map((v) => (v === null ? NaN : v)),
      dead_fraction: h.dead_fraction.map((r) => r.map((v) => (v === null ? NaN : v))),
      dead_overall: h.dead_overall.map((v) => (v === null ? NaN : v)),
    };
    this.orderCache = { epoch: -1, order: null };
    this.buffers = new Map();
    this.activity = null; // per hidden layer {inactive} for the latest weights
    if (this.history.step.length === 0 || this.history.step[this.history.step.length - 1] !== this.step) {
      this.run(0); // records the current step (train_steps(state, data, 0))
    } else {
      this.activity = this.evaluate(this.train).activity;
    }
  }

  get finished() {
    return this.diverged || this.step >= this.config.max_steps;
  }

  /** A Float64Array reused between calls (per purpose and size): no garbage per step. */
  buffer(name, size) {
    const key = `${name}:${size}`;
    let b = this.buffers.get(key);
    if (!b) {
      b = new Float64Array(size);
      this.buffers.set(key, b);
    }
    return b;
  }

  /**
   * Hidden layers and the logits for n points X (flat, n x 2). batchStats: normalise with the
   * batch's statistics and move the running ones (training); else the running ones. slopes:
   * also f'(z). tag keeps buffers of different passes apart.
   */
  forward(X, n, batchStats, slopes, tag) {
    const layers = [];
    let a = X;
    for (let l = 0; l < this.nHidden; l++) {
      const fanIn = this.sizes[l], width = this.sizes[l + 1];
      const z = this.buffer(`${tag}z${l}`, n * width);
      trainerAffine(a, n, fanIn, this.weights[l], this.biases[l], width, z);
      let normalised = null, invStd = null;
      if (this.bn) {
        const mean = this.buffer(`${tag}mean${l}`, width), variance = this.buffer(`${tag}var${l}`, width);
        if (batchStats) {
          mean.fill(0);
          for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += z[i * width + j];
          for (let j = 0; j < width; j++) mean[j] /= n;
          variance.fill(0);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < width; j++) {
              const d = z[i * width + j] - mean[j];
              z[i * width + j] = d;
              variance[j] += d * d;
            }
          }
          for (let j = 0; j < width; j++) variance[j] /= n;
          const rm = this.runningMeans[l], rv = this.runningVars[l];
          for (let j = 0; j < width; j++) {
            rm[j] = rm[j] * (1 - TRAINER_BN_MOMENTUM) + TRAINER_BN_MOMENTUM * mean[j];
            rv[j] = rv[j] * (1 - TRAINER_BN_MOMENTUM) + ((TRAINER_BN_MOMENTUM * n) / (n - 1)) * variance[j];
          }
        } else {
          mean.set(this.runningMeans[l]);
          variance.set(this.runningVars[l]);
          for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) z[i * width + j] -= mean[j];
        }
        invStd = this.buffer(`${tag}inv${l}`, width);
        for (let j = 0; j < width; j++) invStd[j] = 1 / Math.sqrt(variance[j] + TRAINER_BN_EPS);
        normalised = this.buffer(`${tag}xhat${l}`, n * width);
        const g = this.gammas[l], beta = this.betas[l];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < width; j++) {
            const x = z[i * width + j] * invStd[j];
            normalised[i * width + j] = x;
            z[i * width + j] = x * g[j] + beta[j];
          }
        }
      }
      const out = this.buffer(`${tag}out${l}`, n * width);
      const slope = slopes ? this.buffer(`${tag}slope${l}`, n * width) : null;
      this.act.apply(z.subarray(0, n * width), out.subarray(0, n * width), slope && slope.subarray(0, n * width), this.params);
      layers.push({ inputs: a, outputs: out, slope, normalised, invStd, width, fanIn });
      a = out;
    }
    const width = this.sizes[this.nHidden];
    const logits = this.buffer(`${tag}logits`, n);
    trainerAffine(a, n, width, this.weights[this.nHidden], this.biases[this.nHidden], 1, logits);
    return { layers, logits };
  }

  /** Gradients of the mean loss, in parameter_arrays order (weights, biases, gammas, betas). */
  backward(layers, logits, y, n) {
    const nh = this.nHidden;
    const grads = this.gradBuffers || (this.gradBuffers = [...this.weights, ...this.biases, ...this.gammas, ...this.betas]
      .map((p) => new Float64Array(p.length)));
    const gw = (l) => grads[l], gb = (l) => grads[nh + 1 + l];
    const gg = (l) => grads[2 * (nh + 1) + l], gbeta = (l) => grads[2 * (nh + 1) + this.gammas.length + l];
    const g = this.buffer("g", n);
    for (let i = 0; i < n; i++) g[i] = (1 / (1 + Math.exp(-logits[i])) - y[i]) / n;
    const last = layers[nh - 1];
    const wOut = this.weights[nh];
    trainerGradWeights(last.outputs, g, n, last.width, 1, gw(nh), gb(nh)); // g as an n x 1 matrix
    let gradA = this.buffer(`ga${nh - 1}`, n * last.width);
    for (let i = 0; i < n; i++) for (let k = 0; k < last.width; k++) gradA[i * last.width + k] = g[i] * wOut[k];
    for (let l = nh - 1; l >= 0; l--) {
      const layer = layers[l], width = layer.width, fanIn = layer.fanIn;
      const gz = gradA;
      for (let t = 0; t < n * width; t++) gz[t] *= layer.slope[t];
      if (this.bn) {
        const xhat = layer.normalised, gamma = this.gammas[l], beta = gbeta(l), gam = gg(l);
        beta.fill(0);
        gam.fill(0);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < width; j++) {
            beta[j] += gz[i * width + j];
            gam[j] += gz[i * width + j] * xhat[i * width + j];
          }
        }
        const correction = this.buffer(`corr${l}`, width), mean = this.buffer(`gmean${l}`, width);
        correction.fill(0);
        mean.fill(0);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < width; j++) {
            const v = gz[i * width + j] * gamma[j];
            gz[i * width + j] = v;
            correction[j] += v * xhat[i * width + j];
            mean[j] += v;
          }
        }
        for (let j = 0; j < width; j++) {
          correction[j] /= n;
          mean[j] /= n;
        }
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < width; j++) {
            const t = i * width + j;
            gz[t] = (gz[t] - mean[j] - xhat[t] * correction[j]) * layer.invStd[j];
          }
        }
      }
      trainerGradWeights(layer.inputs, gz, n, fanIn, width, gw(l), gb(l));
      if (l > 0) {
        gradA = this.buffer(`ga${l - 1}`, n * fanIn);
        trainerGradInputs(gz, this.weights[l], n, fanIn, width, gradA);
      }
    }
    return grads;
  }

  /** v = m v + g; p -= lr v (plain p -= lr g when m = 0), with the learning rate and momentum of now. */
  update(grads) {
    const lr = this.config.learning_rate, m = this.config.momentum;
    const params = [...this.weights, ...this.biases, ...this.gammas, ...this.betas];
    for (let q = 0; q < params.length; q++) {
      const p = params[q], g = grads[q], v = this.velocities[q];
      if (m) {
        for (let t = 0; t < p.length; t++) {
          v[t] = v[t] * m + g[t];
          p[t] -= v[t] * lr;
        }
      } else {
        for (let t = 0; t < p.length; t++) p[t] -= g[t] * lr;
      }
    }
  }

  /** Per neuron of a layer pass: 1 if dead (f' = 0 for every point) or saturated, else 0. */
  layerActivity(layer, n) {
    const width = layer.width, inactive = new Uint8Array(width);
    const saturation = this.saturation; // [centre, reach] or null
    for (let j = 0; j < width; j++) {
      let off = 1;
      for (let i = 0, t = j; i < n; i++, t += width) {
        const active = saturation ? !(Math.abs(layer.outputs[t] - saturation[0]) > saturation[1]) : layer.slope[t] !== 0;
        if (active) {
          off = 0;
          break;
        }
      }
      inactive[j] = off;
    }
    return { inactive };
  }

  /** A history row from an evaluation pass over the training set (given, or made) and a test pass. */
  row(pass) {
    const train = this.train, test = this.test;
    const activity = pass.layers.map((layer) => this.layerActivity(layer, train.n));
    const dead = activity.map((a) => a.inactive.reduce((s, v) => s + v, 0));
    const widths = this.sizes.slice(1, -1);
    const testPass = this.forward(test.X, test.n, false, false, "test");
    const totalDead = dead.reduce((s, v) => s + v, 0), totalWidth = widths.reduce((s, v) => s + v, 0);
    return {
      values: [
        trainerMeanLoss(pass.logits, train.sign, train.n), trainerAccuracy(pass.logits, train.y, train.n),
        trainerMeanLoss(testPass.logits, test.sign, test.n), trainerAccuracy(testPass.logits, test.y, test.n),
        dead.map((d, l) => d / widths[l]), totalDead / totalWidth,
      ],
      activity,
    };
  }

  evaluate() {
    return this.row(this.forward(this.train.X, this.train.n, false, true, "eval"));
  }

  minibatch(batch) {
    const n = this.train.n;
    const perEpoch = Math.floor(n / batch);
    const epoch = Math.floor(this.step / perEpoch), index = this.step % perEpoch;
    if (this.orderCache.epoch !== epoch) this.orderCache = { epoch, order: epochOrder(this.seed, epoch, n) };
    return this.orderCache.order.subarray(index * batch, (index + 1) * batch);
  }

  /** Up to nSteps SGD steps (network.train_steps): stops at max_steps, on a non-finite loss, or at deadline (ms). */
  run(nSteps, deadline = Infinity) {
    if (this.finished) nSteps = 0;
    nSteps = Math.max(0, Math.min(nSteps, this.config.max_steps - this.step));
    const train = this.train;
    const size = this.config.batch_size;
    const fullBatch = size === null || size >= train.n;
    const reuse = fullBatch && !this.bn;
    const hs = this.history.step;
    const recorded = hs.length ? hs[hs.length - 1] : -1;
    const rows = [];
    let diverged = false;
    const batchX = fullBatch ? null : this.buffer("bx", 2 * size), batchY = fullBatch ? null : this.buffer("by", size);
    const batchSign = fullBatch ? null : this.buffer("bs", size);
    for (let i = 0; i < nSteps; i++) {
      if (i && performance.now() > deadline) break;
      const step = this.step;
      const due = step % trainerGridEvery(step) === 0 && step !== recorded;
      if (due && !reuse) rows.push([step, this.evaluate()]);
      let X = train.X, y = train.y, sign = train.sign, n = train.n;
      if (!fullBatch) {
        const picked = this.minibatch(size);
        for (let r = 0; r < size; r++) {
          const p = picked[r];
          batchX[2 * r] = train.X[2 * p];
          batchX[2 * r + 1] = train.X[2 * p + 1];
          batchY[r] = train.y[p];
          batchSign[r] = train.sign[p];
        }
        X = batchX; y = batchY; sign = batchSign; n = size;
      }
      const pass = this.forward(X, n, this.bn, true, "train");
      let batchLoss;
      if (due && reuse) {
        const r = this.row(pass);
        rows.push([step, r]);
        batchLoss = r.values[0];
      } else {
        batchLoss = trainerMeanLoss(pass.logits, sign, n);
      }
      if (!Number.isFinite(batchLoss)) {
        diverged = true;
        break;
      }
      this.update(this.backward(pass.layers, pass.logits, y, n));
      this.step++;
    }
    if (this.step !== recorded && (!rows.length || rows[rows.length - 1][0] !== this.step)) {
      rows.push([this.step, this.evaluate()]);
    }
    if (rows.length && rows[rows.length - 1][0] === this.step) this.activity = rows[rows.length - 1][1].activity;
    this.mergeHistory(rows);
    const losses = this.history.train_loss;
    this.diverged = this.diverged || diverged || !Number.isFinite(losses[losses.length - 1]);
    return this;
  }

  /** Old grid rows + new rows, kept at multiples of the grid spacing for the last step, plus the last step. */
  mergeHistory(rows) {
    const last = this.step, every = trainerGridEvery(last), h = this.history;
    const keep = (s) => s % every === 0 || s === last;
    const fresh = rows.filter(([s]) => keep(s));
    const freshSteps = new Set(fresh.map(([s]) => s));
    const old = h.step.map((s, i) => i).filter((i) => keep(h.step[i]) && !freshSteps.has(h.step[i]));
    const pick = (values) => old.map((i) => values[i]);
    const next = {
      every, step: pick(h.step), train_loss: pick(h.train_loss), train_acc: pick(h.train_acc),
      test_loss: pick(h.test_loss), test_acc: pick(h.test_acc), dead_fraction: pick(h.dead_fraction),
      dead_overall: pick(h.dead_overall),
    };
    for (const [s, r] of fresh) {
      const v = r.values;
      next.step.push(s);
      next.train_loss.push(v[0]);
      next.train_acc.push(v[1]);
      next.test_loss.push(v[2]);
      next.test_acc.push(v[3]);
      next.dead_fraction.push(v[4]);
      next.dead_overall.push(v[5]);
    }
    this.history = next;
  }

  /** p(class 1) at n points (flat n x 2), and every hidden layer's outputs there (evaluation mode). */
  predict(X, n) {
    const pass = this.forward(X, n, false, false, "grid");
    const p = this.buffer("gridp", n);
    for (let i = 0; i < n; i++) p[i] = 1 / (1 + Math.exp(-pass.logits[i]));
    return { p, layers: pass.layers };
  }

  /** The run in network.to_json_dict's format (NaN and infinities become null, as there). */
  toJSON() {
    const rows = (arrays, shapes) => arrays.map((a, l) => shapes(l) ? trainerRows(a, shapes(l)) : Array.from(a));
    const sizes = this.sizes;
    const h = this.history;
    return {
      format: "activation-lab-network/1",
      config: { ...this.config },
      seed: this.seed,
      step: this.step,
      diverged: this.diverged,
      layer_sizes: sizes,
      weights: rows(this.weights, (l) => sizes[l + 1]),
      biases: rows(this.biases, () => 0),
      gammas: rows(this.gammas, () => 0),
      betas: rows(this.betas, () => 0),
      running_means: rows(this.runningMeans, () => 0),
      running_vars: rows(this.runningVars, () => 0),
      velocities: [
        ...rows(this.velocities.slice(0, this.nHidden + 1), (l) => sizes[l + 1]),
        ...rows(this.velocities.slice(this.nHidden + 1), () => 0),
      ],
      history: { ...h },
    };
  }
}
