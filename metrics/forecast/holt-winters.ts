/**
 * Holt-Winters with a damped trend and weekly seasonality, fitted on the log scale: ETS(A,Ad,A) on log(1 + y),
 * which is multiplicative seasonality and trend on the counts themselves (a busy Monday stays 10% above the week
 * when the level doubles). Pure functions over a few hundred daily points.
 *
 * State-space (error-correction) form, m = 7, e_t = x_t − (l + φb + s_{t−m}):
 *   l_t = l_{t−1} + φ b_{t−1} + α e_t,   b_t = φ b_{t−1} + β e_t,   s_t = s_{t−m} + γ e_t
 * Holidays are treated as missing: their error is taken as 0, so a quiet holiday moves neither level, trend nor
 * season; their mean log-ratio to the prediction (the holiday effect) is applied to holidays of the horizon.
 * Parameters: the grid below minimising the sum of squared one-step errors on the non-holiday days after the
 * first two weeks (the maximum-likelihood choice under Gaussian errors, searched instead of optimised: the
 * surface is flat and the grid costs a few milliseconds).
 */

export const SEASON = 7;

export interface HoltWintersParameters {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface HoltWintersFit {
  parameters: HoltWintersParameters;
  /** Residual standard deviation of one-step errors, log scale. */
  sigma: number;
  /** Mean log-ratio of holidays to their prediction (0 without holidays in the history). */
  holidayEffect: number;
  level: number;
  trend: number;
  /** Seasonal terms of the next SEASON days, in order: season[0] applies to the first day after the history. */
  season: number[];
}

export interface ForecastPoint {
  value: number;
  low: number;
  high: number;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8];
const BETAS = [0, 0.005, 0.01, 0.02, 0.05, 0.1];
const GAMMAS = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const PHIS = [0.8, 0.9, 0.95, 0.98];
/** Days before errors count: the initial state is rough. */
const BURN_IN = 2 * SEASON;
/** Points a fit needs: two weeks to start from and two to learn from. */
export const MIN_HISTORY = 4 * SEASON;

const Z = { 0.8: 1.2815515655446004, 0.9: 1.6448536269514722, 0.95: 1.959963984540054 } as const;
export type IntervalLevel = keyof typeof Z;

interface Run {
  sse: number;
  n: number;
  holidayLogRatios: number[];
  level: number;
  trend: number;
  season: number[];
}

function run(x: readonly number[], holiday: readonly boolean[], p: HoltWintersParameters): Run {
  const first = x.slice(0, SEASON);
  const second = x.slice(SEASON, 2 * SEASON);
  let level = mean(first);
  let trend = (mean(second) - level) / SEASON;
  // season[i] is the term for the day i positions ahead of the current step.
  const season = first.map((value) => value - level);
  let sse = 0;
  let n = 0;
  const holidayLogRatios: number[] = [];
  // Start over the first week again (its mean is the level of its middle day, 4 days after the start), with its
  // own seasonal terms: they are estimates too.
  level -= trend * 4;
  for (let t = 0; t < x.length; t++) {
    const s = season[0]!;
    const predicted = level + p.phi * trend + s;
    let error = x[t]! - predicted;
    if (holiday[t]) {
      holidayLogRatios.push(error);
      error = 0;
    } else if (t >= BURN_IN) {
      sse += error * error;
      n++;
    }
    level = level + p.phi * trend + p.alpha * error;
    trend = p.phi * trend + p.beta * error;
    season.shift();
    season.push(s + p.gamma * error);
  }
  return { sse, n, holidayLogRatios, level, trend, season };
}

/** Fits the model to daily counts (oldest first) with the days that are holidays flagged. */
export function fitHoltWinters(values: readonly number[], holiday: readonly boolean[]): HoltWintersFit {
  if (values.length < MIN_HISTORY) throw new RangeError(`a fit needs at least ${MIN_HISTORY} days, got ${values.length}`);
  const x = values.map((v) => Math.log1p(Math.max(0, v)));
  let best: { run: Run; parameters: HoltWintersParameters } | null = null;
  for (const alpha of ALPHAS)
    for (const beta of BETAS) {
      if (beta > alpha) continue;
      for (const gamma of GAMMAS) {
        if (gamma > 1 - alpha) continue;
        for (const phi of PHIS) {
          const parameters = { alpha, beta, gamma, phi };
          const result = run(x, holiday, parameters);
          if (!best || result.sse < best.run.sse) best = { run: result, parameters };
        }
      }
    }
  const { run: fitted, parameters } = best!;
  const ratios = fitted.holidayLogRatios;
  return {
    parameters,
    sigma: Math.sqrt(fitted.sse / Math.max(1, fitted.n - 1)),
    holidayEffect: ratios.length ? mean(ratios) : 0,
    level: fitted.level,
    trend: fitted.trend,
    season: fitted.season,
  };
}

/**
 * The next `horizon` days with a prediction interval: log-scale mean ± z·σ_h, σ_h² = σ²(1 + Σ_{j<h} c_j²),
 * c_j = α + βφ_j + γ[j ≡ 0 mod 7], φ_j = φ + … + φ^j (Hyndman et al., Forecasting with Exponential Smoothing,
 * 2008, ch. 6, class 1 models), mapped back to counts (the point is the median).
 */
export function forecastHoltWinters(
  fit: HoltWintersFit,
  holidays: readonly boolean[],
  level: IntervalLevel = 0.95,
): ForecastPoint[] {
  const { alpha, beta, gamma, phi } = fit.parameters;
  const z = Z[level];
  const points: ForecastPoint[] = [];
  let dampedSum = 0;
  let varianceFactor = 1;
  for (let h = 1; h <= holidays.length; h++) {
    dampedSum += phi ** h;
    if (h > 1) {
      const j = h - 1;
      let phiJ = 0;
      for (let k = 1; k <= j; k++) phiJ += phi ** k;
      const c = alpha + beta * phiJ + (j % SEASON === 0 ? gamma : 0);
      varianceFactor += c * c;
    }
    const mean = fit.level + dampedSum * fit.trend + fit.season[(h - 1) % SEASON]! + (holidays[h - 1] ? fit.holidayEffect : 0);
    const half = z * fit.sigma * Math.sqrt(varianceFactor);
    points.push({ value: Math.max(0, Math.expm1(mean)), low: Math.max(0, Math.expm1(mean - half)), high: Math.expm1(mean + half) });
  }
  return points;
}

/** The last full week repeated: the benchmark a seasonal model has to beat. */
export function seasonalNaive(values: readonly number[], horizon: number): number[] {
  const lastWeek = values.slice(-SEASON);
  return Array.from({ length: horizon }, (_, h) => lastWeek[h % SEASON]!);
}

/** Mean absolute percentage error over the days with a non-zero actual value; null when there are none. */
export function meanAbsolutePercentageError(actual: readonly number[], predicted: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  actual.forEach((a, i) => {
    if (a > 0) {
      sum += Math.abs(a - predicted[i]!) / a;
      n++;
    }
  });
  return n ? sum / n : null;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
