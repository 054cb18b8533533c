import { describe, expect, it } from 'vitest';
import { agentsForServiceLevel, averageSpeedOfAnswer, erlangC, serviceLevel } from '../../metrics/staffing/erlang-c.ts';
import { agentsForWorkload } from '../../metrics/staffing/staffing.ts';
import { parseConfig } from '../../pipelines/config.ts';

describe('Erlang C', () => {
  it('reproduces the worked example of the Erlang C calculator by Antonio Valdés', () => {
    // Source: "Erlang C calculator", http://personal.telefonica.terra.es/web/vr/erlang/eng/mcerlc.htm, Example:
    // "If in one hour there are 600 calls with call length of 120 seconds, that is a traffic of 20 erlangs. For a
    // target delay probability of 15% the number of circuits needed are 26. The average delay is 2.5 sec/CCS, so,
    // 1800 total seconds or 3 seconds per call. If circuits are incremented to 30, delay is reduced to 2.5%."
    const traffic = (600 * 120) / 3600; // 20 Erlangs
    expect(traffic).toBe(20);
    // 26 agents are the fewest with a delay probability of at most 15%: 25 give 20.9%, 26 give 14.3%.
    expect(erlangC(traffic, 25)).toBeGreaterThan(0.15);
    expect(erlangC(traffic, 26)).toBeLessThanOrEqual(0.15);
    expect(erlangC(traffic, 26)).toBeCloseTo(0.1434, 4);
    // About 3 seconds average delay per call (the page rounds 2.87 s × 600 calls = 1,721 s to "1800 total seconds").
    expect(averageSpeedOfAnswer(traffic, 26, 120)).toBeCloseTo(2.87, 2);
    expect(Math.round(averageSpeedOfAnswer(traffic, 26, 120))).toBe(3);
    // 30 agents: 2.5%.
    expect(erlangC(traffic, 30)).toBeCloseTo(0.025, 3);
  });

  it('finds the fewest agents for 80% answered within 20 s', () => {
    // 200 calls an hour of 180 s = 10 Erlangs. P(wait) with 11..14 agents = 0.682, 0.449, 0.285, 0.174, so the
    // service level 1 − P(wait)·e^{−(N − 10)·20/180} is 0.390, 0.640, 0.796, 0.888: 14 agents.
    expect(serviceLevel(10, 13, 180, 20)).toBeCloseTo(0.7956, 4);
    expect(serviceLevel(10, 14, 180, 20)).toBeCloseTo(0.8884, 4);
    const requirement = agentsForServiceLevel({ callsPerHour: 200, handlingSeconds: 180, target: 0.8, answerSeconds: 20 });
    expect(requirement).toMatchObject({ erlangs: 10, agents: 14 });
    expect(requirement.wait_probability).toBeCloseTo(0.1741, 4);
  });

  it('has no queue without calls and never drains with too few agents', () => {
    expect(agentsForServiceLevel({ callsPerHour: 0, handlingSeconds: 300, target: 0.8, answerSeconds: 20 }).agents).toBe(0);
    expect(erlangC(5, 5)).toBe(1);
    expect(serviceLevel(5, 4, 300, 20)).toBe(0);
    // One call an hour of 300 s = 0.0833 E: one agent answers 1 − 0.0833·e^{−0.9167·20/300} = 0.9221 in time.
    const one = agentsForServiceLevel({ callsPerHour: 1, handlingSeconds: 300, target: 0.8, answerSeconds: 20 });
    expect(one.agents).toBe(1);
    expect(one.service_level).toBeCloseTo(1 - (1 / 12) * Math.exp((-(1 - 1 / 12) * 20) / 300), 12);
  });
});

describe('agents for a workload', () => {
  it('divides the hours by productive hours net of shrinkage, rounding up', () => {
    const settings = parseConfig({}).peakLoad.staffing;
    // Defaults: 8 productive hours, 30% shrinkage → 5.6 h of answering per agent.
    // 120 inquiries × 8 min = 16 h → 16 / 5.6 = 2.86 → 3 agents; 16.8 h exactly → 3; 0 h → 0.
    expect(agentsForWorkload((120 * 8) / 60, settings)).toBe(3);
    expect(agentsForWorkload(16.8, settings)).toBe(3);
    expect(agentsForWorkload(0, settings)).toBe(0);
  });
});
