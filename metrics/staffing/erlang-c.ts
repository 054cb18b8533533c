/**
 * Erlang C (M/M/N queue): calls arrive at random (Poisson), handling times are exponential, callers wait until
 * answered. Traffic A = calls per second × average handling time, in Erlangs.
 */

/** Probability that a call has to wait, for A Erlangs and N agents; 1 when N ≤ A (the queue never drains). */
export function erlangC(traffic: number, agents: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  // Erlang B by its recurrence B(k) = A·B(k−1) / (k + A·B(k−1)), which never overflows, then
  // C = N·B / (N − A·(1 − B)).
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Share of calls answered within `answerSeconds`: 1 − C·exp(−(N − A)·t / AHT). */
export function serviceLevel(traffic: number, agents: number, handlingSeconds: number, answerSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(traffic, agents) * Math.exp((-(agents - traffic) * answerSeconds) / handlingSeconds);
}

/** Average speed of answer, seconds: C·AHT / (N − A). */
export function averageSpeedOfAnswer(traffic: number, agents: number, handlingSeconds: number): number {
  if (agents <= traffic) return Infinity;
  return (erlangC(traffic, agents) * handlingSeconds) / (agents - traffic);
}

export interface PhoneRequirement {
  /** Offered traffic, Erlangs. */
  erlangs: number;
  /** Fewest agents on the phones that reach the target service level (0 without calls). */
  agents: number;
  /** Service level and wait probability with that many agents. */
  service_level: number;
  wait_probability: number;
  average_speed_of_answer_s: number;
}

/** Fewest agents that answer `target` of the calls within `answerSeconds`. */
export function agentsForServiceLevel(options: {
  callsPerHour: number;
  handlingSeconds: number;
  target: number;
  answerSeconds: number;
}): PhoneRequirement {
  const { callsPerHour, handlingSeconds, target, answerSeconds } = options;
  const erlangs = (callsPerHour * handlingSeconds) / 3600;
  if (erlangs <= 0) return { erlangs: 0, agents: 0, service_level: 1, wait_probability: 0, average_speed_of_answer_s: 0 };
  let agents = Math.floor(erlangs) + 1;
  while (serviceLevel(erlangs, agents, handlingSeconds, answerSeconds) < target) agents++;
  return {
    erlangs,
    agents,
    service_level: serviceLevel(erlangs, agents, handlingSeconds, answerSeconds),
    wait_probability: erlangC(erlangs, agents),
    average_speed_of_answer_s: averageSpeedOfAnswer(erlangs, agents, handlingSeconds),
  };
}
