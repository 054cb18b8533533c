import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../metrics/calendar/calendar.ts';
import { evaluateRecommendations } from '../../metrics/recommendations/evaluate.ts';
import { parsePolicy } from '../../metrics/recommendations/policy.ts';
import { RecommendationListSchema, type RecommendationList } from '../../metrics/recommendations/schema.ts';
import { OnboardingChecklistSchema } from '../../metrics/onboarding/schema.ts';
import { parseConfig } from '../../pipelines/config.ts';
import { bearer, NOW, seed, startServer, type TestServer } from './test-server.ts';

/** The recommendation and onboarding routes through a real server on the seeded sample data. */

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  await seed(server);
});
afterAll(async () => server.close());

const get = (path: string, token: string) => fetch(`${server.url}${path}`, { headers: bearer(token) });
const decide = (id: number, body: unknown, token = server.tokens.merchandiser) =>
  fetch(`${server.url}/api/recommendations/${id}/decision`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('GET /api/recommendations and POST …/decision', () => {
  it('answers with no evaluation before the first one', async () => {
    const response = await get('/api/recommendations', server.tokens.merchandiser);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ evaluation: null, recommendations: [] });
  });

  it('lists the latest evaluation with evidence, and appends decisions', async () => {
    // A strict policy, so that the few sample events give a recommendation: any late dispatch at all is a warn.
    const policy = parsePolicy({
      version: 'strict-test',
      delisting: { watch_min_denominator: 1, watch_min_numerator: 1, rules: { late_dispatch_rate: { warn: 0, delist: 0, min_denominator: 1 } } },
    });
    const calendar = new BusinessCalendar(parseConfig({}).calendar);
    const evaluation = await evaluateRecommendations(server.warehouse, { now: NOW, calendar, policy, triggeredBy: 'test' });
    expect(evaluation).toMatchObject({ as_of_date: '2024-03-20', policy_version: 'strict-test' });

    const list = (await (await get('/api/recommendations', server.tokens.manager)).json()) as RecommendationList;
    expect(RecommendationListSchema.parse(list)).toEqual(list);
    expect(list.evaluation!.evaluation_id).toBe(evaluation.evaluation_id);
    const byDate = (await (await get('/api/recommendations?as_of=2024-03-20', server.tokens.manager)).json()) as RecommendationList;
    expect(byDate.evaluation!.evaluation_id).toBe(evaluation.evaluation_id);
    const none = (await (await get('/api/recommendations?as_of=2024-03-01', server.tokens.manager)).json()) as RecommendationList;
    expect(none.evaluation).toBeNull();
    const bad = await get('/api/recommendations?as_of=20-03-2024', server.tokens.manager);
    expect(bad.status).toBe(400);

    const target = list.recommendations[0];
    if (!target) throw new Error(`no recommendation in ${JSON.stringify(list)}`);
    expect(target.brand.name).not.toBeUndefined();
    expect(target.status).toBe('open');

    expect((await decide(target.recommendation_id, { decision: 'accept', decided_by: 'Kim' })).status).toBe(400);
    expect((await decide(target.recommendation_id, { decision: 'accept', reason: 'x', decided_by: 'Kim' }, server.tokens.onboarding)).status).toBe(403);
    const first = await decide(target.recommendation_id, { decision: 'defer', reason: 'ask the brand first', decided_by: 'Kim' });
    expect(first.status).toBe(201);
    const second = await decide(target.recommendation_id, { decision: 'accept', reason: 'brand confirmed', decided_by: 'Lee' });
    const body = (await second.json()) as { decision: { decision: string; role: string }; recommendation: { status: string; decisions: { decision: string }[] } };
    expect(body.decision).toMatchObject({ decision: 'accept', role: 'merchandiser' });
    expect(body.recommendation.status).toBe('accepted');
    // Append-only: both decisions stay, newest first.
    expect(body.recommendation.decisions.map((d) => d.decision)).toEqual(['accept', 'defer']);
    expect((await decide(987654, { decision: 'accept', reason: 'x', decided_by: 'Kim' })).status).toBe(404);
  });
});

describe('GET /api/onboarding/:brand_id', () => {
  it("serves the checklist; a brand token sees its own only; unknown brands are 404", async () => {
    const response = await get('/api/onboarding/B2', server.tokens.onboarding);
    expect(response.status).toBe(200);
    const checklist = OnboardingChecklistSchema.parse(await response.json());
    expect(checklist).toMatchObject({ brand_id: 'B2', in_probation: true });
    expect(checklist.profile).toHaveLength(3);
    expect((await get('/api/onboarding/B2', server.tokens.brand)).status).toBe(403);
    expect((await get('/api/onboarding/NOPE', server.tokens.admin)).status).toBe(404);
  });
});
