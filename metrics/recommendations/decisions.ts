import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import { readEvaluation } from './evaluate.ts';
import { actionRank } from './judge.ts';
import {
  type Decision,
  type DecisionRequest,
  type DecisionResult,
  type Recommendation,
  type RecommendationList,
  type StoredRecommendation,
} from './schema.ts';

/**
 * Reading recommendations with their decision history, and recording merchandisers' decisions (DESIGN §6). A
 * decision is a new row, never an update: the latest decision on a recommendation gives its status, and every
 * earlier one stays in the history.
 */

export class RecommendationNotFoundError extends Error {
  override name = 'RecommendationNotFoundError';
}

/** A decision that cannot be taken (a brand evaluation without any recommended action). */
export class DecisionConflictError extends Error {
  override name = 'DecisionConflictError';
}

const STATUS_OF = { accept: 'accepted', dismiss: 'dismissed', defer: 'deferred' } as const;

/**
 * The recommendations (action other than none) of the latest evaluation, or of the latest one dated `asOfDate`,
 * most severe first, then by brand_id. `only` restricts them to one brand.
 */
export async function listRecommendations(
  warehouse: Warehouse,
  options: { asOfDate?: string; only?: string | null; connection?: DuckDBConnection } = {},
): Promise<RecommendationList> {
  const { connection } = options;
  const latest = await warehouse.one<{ evaluation_id: number }>(
    `SELECT evaluation_id FROM policy_evaluations
     WHERE $date IS NULL OR as_of_date = CAST($date AS DATE)
     ORDER BY as_of_date DESC, evaluation_id DESC LIMIT 1`,
    { date: options.asOfDate ?? null },
    connection,
  );
  if (!latest) return { evaluation: null, recommendations: [] };
  const rows = await warehouse.all<{ detail: string }>(
    `SELECT detail FROM recommendations
     WHERE evaluation_id = $id AND action <> 'none' AND ($only IS NULL OR brand_id = $only)`,
    { id: latest.evaluation_id, only: options.only ?? null },
    connection,
  );
  const stored = rows.map((row) => JSON.parse(row.detail) as StoredRecommendation);
  const recommendations = await withDecisions(warehouse, stored, connection);
  recommendations.sort((a, b) => actionRank(b.action) - actionRank(a.action) || a.brand_id.localeCompare(b.brand_id));
  return { evaluation: (await readEvaluation(warehouse, latest.evaluation_id, connection))!, recommendations };
}

export async function getRecommendation(warehouse: Warehouse, recommendationId: number, connection?: DuckDBConnection): Promise<Recommendation | undefined> {
  const row = await warehouse.one<{ detail: string }>(
    'SELECT detail FROM recommendations WHERE recommendation_id = $id',
    { id: recommendationId },
    connection,
  );
  if (!row) return undefined;
  return (await withDecisions(warehouse, [JSON.parse(row.detail) as StoredRecommendation], connection))[0];
}

/** Adds each brand's decision history (newest first) and the status from the latest decision on the recommendation itself. */
async function withDecisions(warehouse: Warehouse, stored: StoredRecommendation[], connection?: DuckDBConnection): Promise<Recommendation[]> {
  if (stored.length === 0) return [];
  const decisions = await warehouse.all<Decision>(
    `SELECT decision_id, recommendation_id, brand_id, action, decision, reason, decided_by, role, credential, decided_at
     FROM recommendation_decisions
     WHERE brand_id IN (SELECT unnest(CAST($brands AS VARCHAR[])))
     ORDER BY decided_at DESC, decision_id DESC`,
    { brands: JSON.stringify(stored.map((r) => r.brand_id)) },
    connection,
  );
  const byBrand = new Map<string, Decision[]>();
  for (const decision of decisions) {
    const list = byBrand.get(decision.brand_id) ?? [];
    list.push(decision);
    byBrand.set(decision.brand_id, list);
  }
  return stored.map((recommendation) => {
    const history = byBrand.get(recommendation.brand_id) ?? [];
    const own = history.find((decision) => decision.recommendation_id === recommendation.recommendation_id);
    const status = own ? STATUS_OF[own.decision] : recommendation.suppressed_by ? 'suppressed' : 'open';
    return { ...recommendation, status, decisions: history };
  });
}

/** Stores a decision on a recommendation and returns it with the recommendation as it now stands. */
export async function recordDecision(
  warehouse: Warehouse,
  recommendationId: number,
  request: DecisionRequest,
  by: { role: string; credential: string; now: Date },
): Promise<DecisionResult> {
  const decisionId = await warehouse.transaction(async (connection) => {
    const target = await warehouse.one<{ brand_id: string; action: string }>(
      'SELECT brand_id, action FROM recommendations WHERE recommendation_id = $id',
      { id: recommendationId },
      connection,
    );
    if (!target) throw new RecommendationNotFoundError(`no recommendation ${recommendationId}`);
    if (target.action === 'none') {
      throw new DecisionConflictError(`recommendation ${recommendationId} recommends nothing (action none) for brand '${target.brand_id}'`);
    }
    const row = await warehouse.one<{ decision_id: number }>(
      `INSERT INTO recommendation_decisions (recommendation_id, brand_id, action, decision, reason, decided_by, role, credential, decided_at)
       VALUES ($id, $brand, $action, $decision, $reason, $decided_by, $role, $credential, CAST($now AS TIMESTAMPTZ))
       RETURNING decision_id`,
      {
        id: recommendationId,
        brand: target.brand_id,
        action: target.action,
        decision: request.decision,
        reason: request.reason,
        decided_by: request.decided_by,
        role: by.role,
        credential: by.credential,
        now: by.now.toISOString(),
      },
      connection,
    );
    return row!.decision_id;
  });
  const recommendation = (await getRecommendation(warehouse, recommendationId))!;
  const decision = recommendation.decisions.find((d) => d.decision_id === decisionId)!;
  return { decision, recommendation };
}
