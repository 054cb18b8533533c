import { z } from 'zod';
import { IsoDateParam } from './common.ts';

/** Query and path parameters of the recommendation and onboarding routes; the resources are in metrics/. */

export const RecommendationQuerySchema = z.object({
  as_of: IsoDateParam.optional().describe('Evaluation date (business time zone): the latest evaluation of that date; default the latest evaluation'),
});

export const RecommendationIdParam = z.object({
  id: z.coerce.number({ error: 'expected a recommendation id' }).int().min(1).describe('recommendation_id of a recommendation'),
});

export const OnboardingQuerySchema = z.object({
  as_of: IsoDateParam.optional().describe('Judge the checklist at the start of this date (business time zone), as the evaluation date of a recommendation; default now'),
});

export {
  DecisionRequestSchema,
  DecisionResultSchema,
  RecommendationListSchema,
} from '../../metrics/recommendations/schema.ts';
export { OnboardingChecklistSchema } from '../../metrics/onboarding/schema.ts';
