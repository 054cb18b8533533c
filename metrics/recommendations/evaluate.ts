import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enqueueStaffAlert } from '../../pipelines/delivery/alerts.ts';
import type { Warehouse } from '../../pipelines/warehouse/database.ts';
import type { BusinessCalendar } from '../calendar/calendar.ts';
import { addDays } from '../calendar/zoned-time.ts';
import { checkAsOfDate, computeScorecards, resolveWindow } from '../scorecards/scorecards.ts';
import { decideAction, isWorseThan, judgeMetrics, judgeRetrain, judgeUnreachable } from './judge.ts';
import { policyHash, type Policy } from './policy.ts';
import {
  EXAMPLE_KINDS,
  type Action,
  type Evaluation,
  type Examples,
  type StoredRecommendation,
} from './schema.ts';

/**
 * The weekly evaluation of DESIGN §6: every brand's scorecard of the trailing window ending at the evaluation
 * date, judged by the policy, stored with its evidence as a new evaluation (append-only). The consecutive-breach
 * rule looks back to the previous evaluation: the latest one dated 7 to 13 days before this one, so that a re-run
 * on the same day, or an extra run mid-week, does not count as another week.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const sql = (file: string) => readFileSync(join(HERE, file), 'utf8');

export interface EvaluateOptions {
  now: Date;
  calendar: BusinessCalendar;
  policy: Policy;
  /** Evaluation date (business zone): the window ends (exclusive) there; default the local date of `now`. */
  asOfDate?: string;
  /** What started it: 'schedule', 'cli', … (stored). */
  triggeredBy: string;
}

/** Runs one evaluation and stores it; returns its summary. Nothing is stored if any step fails. */
export async function evaluateRecommendations(warehouse: Warehouse, options: EvaluateOptions): Promise<Evaluation> {
  const { calendar, policy, now } = options;
  const asOfDate = options.asOfDate ?? calendar.localDateOf(now);
  checkAsOfDate(asOfDate);
  const window = resolveWindow(calendar, { from: addDays(asOfDate, -policy.delisting.window_days), to: asOfDate }, now);

  return warehouse.transaction(async (connection) => {
    // Computed for exactly this window and as_of: a materialised copy with the same dates may have been judged at
    // another instant (a refresh after closing time judges at its own now).
    const { scorecards } = await computeScorecards(warehouse, window, { now, calendar, connection });
    const previous = await warehouse.one<{ evaluation_id: number }>(
      `SELECT evaluation_id FROM policy_evaluations
       WHERE as_of_date BETWEEN CAST($date AS DATE) - 13 AND CAST($date AS DATE) - 7
       ORDER BY as_of_date DESC, evaluation_id DESC LIMIT 1`,
      { date: asOfDate },
      connection,
    );
    const previousByBrand = previous ? await storedByBrand(warehouse, previous.evaluation_id, connection) : new Map();
    const params = { from: window.from, to: window.to, as_of: window.as_of };
    const silence = new Map(
      (
        await warehouse.all<{ brand_id: string; last_brand_answer_at: string | null; first_attempt_at: string | null }>(
          sql('brand_silence.sql'),
          { as_of: window.as_of },
          connection,
        )
      ).map((row) => [row.brand_id, row]),
    );
    const partnerSystem = new Map(
      (
        await warehouse.all<{ brand_id: string; inquiries_opened: number; partner_system_inquiries: number }>(
          sql('partner_system_inquiries.sql'),
          { from: window.from, to: window.to },
          connection,
        )
      ).map((row) => [row.brand_id, row]),
    );
    const examples = new Map<string, Examples>();
    for (const row of await warehouse.all<{ brand_id: string; kind: keyof Examples; ids: string[] }>(
      sql('evidence_examples.sql'),
      { ...params, examples: policy.delisting.examples },
      connection,
    )) {
      let byKind = examples.get(row.brand_id);
      if (!byKind) examples.set(row.brand_id, (byKind = emptyExamples()));
      byKind[row.kind] = row.ids;
    }
    const dismissals = await latestDismissals(warehouse, now, connection);

    const evaluation = await warehouse.one<{ evaluation_id: number }>(
      `INSERT INTO policy_evaluations (as_of_date, window_from, window_to, as_of, policy_version, policy_hash, policy,
                                       previous_evaluation_id, brands_evaluated, evaluated_at, triggered_by)
       VALUES (CAST($date AS DATE), CAST($from AS DATE), CAST($to AS DATE), CAST($as_of AS TIMESTAMPTZ), $version, $hash,
               $policy, $previous, $brands, CAST($now AS TIMESTAMPTZ), $by)
       RETURNING evaluation_id`,
      {
        date: asOfDate,
        ...params,
        version: policy.version,
        hash: policyHash(policy),
        policy: JSON.stringify(policy),
        previous: previous?.evaluation_id ?? null,
        brands: scorecards.length,
        now: now.toISOString(),
        by: options.triggeredBy,
      },
      connection,
    );
    const evaluationId = evaluation!.evaluation_id;
    const here = { evaluation_id: evaluationId, as_of_date: asOfDate };

    const rows: { brand_id: string; action: Action; delist_streak: number; suppressed_by_decision_id: number | null; detail: Omit<StoredRecommendation, 'recommendation_id'> }[] = [];
    for (const card of scorecards) {
      const before = previousByBrand.get(card.brand_id);
      const metrics = judgeMetrics(card.metrics, policy, here, before);
      const unreachable = judgeUnreachable(
        card.metrics.consecutive_contact_failures.value,
        silenceOf(calendar, silence.get(card.brand_id), window.as_of),
        policy,
      );
      const retrain = judgeRetrain(
        card.metrics,
        partnerSystem.get(card.brand_id) ?? { inquiries_opened: 0, partner_system_inquiries: 0 },
        policy,
      );
      const { action, reasons, delist_streak } = decideAction(metrics, unreachable, retrain, before?.delist_streak ?? 0, policy);
      const judged = { action, metrics, unreachable, retrain };
      const dismissal = dismissals.get(card.brand_id);
      const suppressed = action !== 'none' && dismissal !== undefined && !isWorseThan(judged, dismissal.recommendation);
      rows.push({
        brand_id: card.brand_id,
        action,
        delist_streak,
        suppressed_by_decision_id: suppressed ? dismissal.decision_id : null,
        detail: {
          evaluation_id: evaluationId,
          as_of_date: asOfDate,
          brand_id: card.brand_id,
          brand: card.brand,
          action,
          reasons: suppressed
            ? [...reasons, `held back: recommendation ${dismissal.recommendation.recommendation_id} was dismissed and the brand is not worse`]
            : reasons,
          delist_streak,
          metrics,
          unreachable,
          retrain,
          examples: examples.get(card.brand_id) ?? emptyExamples(),
          suppressed_by: suppressed
            ? {
                decision_id: dismissal.decision_id,
                recommendation_id: dismissal.recommendation.recommendation_id,
                action: dismissal.recommendation.action,
                decided_at: dismissal.decided_at,
              }
            : null,
        },
      });
    }
    // One statement for every brand: the id comes from the sequence and is written into the detail as well.
    if (rows.length > 0) {
      await connection.run(
        `INSERT INTO recommendations (recommendation_id, evaluation_id, brand_id, action, delist_streak, suppressed_by_decision_id, detail)
         SELECT id, $evaluation, r->>'brand_id', r->>'action', CAST(r->>'delist_streak' AS INTEGER),
                CAST(r->>'suppressed_by_decision_id' AS BIGINT),
                json_merge_patch(r->'detail', json_object('recommendation_id', id))::VARCHAR
         FROM (SELECT nextval('recommendation_ids') AS id, r
               FROM (SELECT unnest(CAST($rows AS JSON[])) AS r))`,
        { evaluation: evaluationId, rows: JSON.stringify(rows) },
      );
    }
    // Staff hear of a warn or delist that is new: the brand's action in the latest earlier evaluation (of any date, so
    // a mid-week re-run repeats nothing) was a different one. A recommendation held back by a dismissal is not news.
    // The alert commits with the evaluation, and its key (brand, action, date) makes it queued once.
    const lastActions = new Map(
      (
        await warehouse.all<{ brand_id: string; action: Action }>(
          `SELECT brand_id, action FROM recommendations
           WHERE evaluation_id = (SELECT max(evaluation_id) FROM policy_evaluations
                                  WHERE evaluation_id < $id AND as_of_date <= CAST($date AS DATE))`,
          { id: evaluationId, date: asOfDate },
          connection,
        )
      ).map((row) => [row.brand_id, row.action]),
    );
    for (const row of rows) {
      if ((row.action !== 'delist' && row.action !== 'warn') || row.suppressed_by_decision_id !== null) continue;
      if (lastActions.get(row.brand_id) === row.action) continue;
      await enqueueStaffAlert(
        warehouse,
        {
          kind: 'recommendation',
          key: `${row.brand_id}:${row.action}:${asOfDate}`,
          severity: row.action === 'delist' ? 'critical' : 'warning',
          brand_id: row.brand_id,
          title: `${row.action} recommended for ${row.detail.brand.name ?? row.brand_id} (${row.brand_id})`,
          detail: row.detail.reasons.join('; '),
          data: { evaluation_id: evaluationId, as_of_date: asOfDate, reasons: row.detail.reasons, examples: row.detail.examples },
        },
        { now, connection },
      );
    }
    return (await readEvaluation(warehouse, evaluationId, connection))!;
  });
}

function emptyExamples(): Examples {
  return Object.fromEntries(EXAMPLE_KINDS.map((kind) => [kind, []])) as unknown as Examples;
}

/**
 * How long a brand has been silent at as_of: business days whose closing time lies after the business date of its
 * last answer (or, having never answered, of its first contact attempt) and at or before as_of.
 */
export function silenceOf(
  calendar: BusinessCalendar,
  row: { last_brand_answer_at: string | null; first_attempt_at: string | null } | undefined,
  asOf: string,
): { last_brand_answer_at: string | null; silent_since: string | null; silent_business_days: number | null } {
  const lastAnswer = row?.last_brand_answer_at ?? null;
  const since = lastAnswer ?? row?.first_attempt_at ?? null;
  if (since === null) return { last_brand_answer_at: null, silent_since: null, silent_business_days: null };
  const end = new Date(asOf).getTime();
  let date = calendar.businessDateOf(new Date(since));
  let days = 0;
  while (days < 366) {
    date = calendar.nextBusinessDay(date);
    if (calendar.calendarDayOf(date).close! > end) break;
    days++;
  }
  return { last_brand_answer_at: lastAnswer, silent_since: since, silent_business_days: days };
}

async function storedByBrand(warehouse: Warehouse, evaluationId: number, connection: DuckDBConnection): Promise<Map<string, StoredRecommendation>> {
  const rows = await warehouse.all<{ brand_id: string; detail: string }>(
    'SELECT brand_id, detail FROM recommendations WHERE evaluation_id = $id',
    { id: evaluationId },
    connection,
  );
  return new Map(rows.map((row) => [row.brand_id, JSON.parse(row.detail) as StoredRecommendation]));
}

/** Per brand, its latest decision when that decision is a dismissal, with the recommendation it dismissed. */
async function latestDismissals(
  warehouse: Warehouse,
  now: Date,
  connection: DuckDBConnection,
): Promise<Map<string, { decision_id: number; decided_at: string; recommendation: StoredRecommendation }>> {
  const rows = await warehouse.all<{ brand_id: string; decision_id: number; decided_at: string; decision: string; detail: string }>(
    `SELECT d.brand_id, d.decision_id, d.decided_at, d.decision, r.detail
     FROM recommendation_decisions d JOIN recommendations r USING (recommendation_id)
     WHERE d.decided_at <= CAST($now AS TIMESTAMPTZ)
     QUALIFY row_number() OVER (PARTITION BY d.brand_id ORDER BY d.decided_at DESC, d.decision_id DESC) = 1`,
    { now: now.toISOString() },
    connection,
  );
  return new Map(
    rows
      .filter((row) => row.decision === 'dismiss')
      .map((row) => [
        row.brand_id,
        { decision_id: row.decision_id, decided_at: row.decided_at, recommendation: JSON.parse(row.detail) as StoredRecommendation },
      ]),
  );
}

/** The summary of one stored evaluation, with the number of brands per action. */
export async function readEvaluation(warehouse: Warehouse, evaluationId: number, connection?: DuckDBConnection): Promise<Evaluation | undefined> {
  const row = await warehouse.one<{
    evaluation_id: number;
    as_of_date: string;
    window_from: string;
    window_to: string;
    as_of: string;
    policy_version: string;
    policy_hash: string;
    previous_evaluation_id: number | null;
    brands_evaluated: number;
    evaluated_at: string;
    triggered_by: string;
    delist: number;
    warn: number;
    retrain: number;
    watch: number;
  }>(
    `SELECT e.evaluation_id, e.as_of_date, e.window_from, e.window_to, e.as_of, e.policy_version, e.policy_hash,
            e.previous_evaluation_id, e.brands_evaluated, e.evaluated_at, e.triggered_by,
            count(*) FILTER (r.action = 'delist') AS delist, count(*) FILTER (r.action = 'warn') AS warn,
            count(*) FILTER (r.action = 'retrain') AS retrain, count(*) FILTER (r.action = 'watch') AS watch
     FROM policy_evaluations e LEFT JOIN recommendations r USING (evaluation_id)
     WHERE e.evaluation_id = $id
     GROUP BY ALL`,
    { id: evaluationId },
    connection,
  );
  if (!row) return undefined;
  return {
    evaluation_id: row.evaluation_id,
    as_of_date: row.as_of_date,
    window: { from: row.window_from, to: row.window_to, as_of: row.as_of },
    policy_version: row.policy_version,
    policy_hash: row.policy_hash,
    previous_evaluation_id: row.previous_evaluation_id,
    brands_evaluated: row.brands_evaluated,
    evaluated_at: row.evaluated_at,
    triggered_by: row.triggered_by,
    counts: { delist: row.delist, warn: row.warn, retrain: row.retrain, watch: row.watch },
  };
}
