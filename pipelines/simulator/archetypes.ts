/**
 * Brand archetypes of the simulated marketplace. Each archetype is a set of behaviour parameters; every brand
 * gets its archetype's parameters with a small per-brand jitter (see brands.ts), and both are written to
 * ground_truth.json so that tests can check that the metrics of DESIGN §5 recover them.
 */
export const ARCHETYPES = [
  'reliable',
  'average',
  'slow_answerer',
  'late_shipper',
  'careless',
  'unreachable',
  'struggling_new',
] as const;
export type Archetype = (typeof ARCHETYPES)[number];

export interface BehaviourParams {
  /** Share of dispatched orders sent after their dispatch deadline. */
  late_dispatch: number;
  /** A late dispatch happens 1..late_extra_days business days after the deadline day. */
  late_extra_days: number;
  /** Share of paid orders the brand cancels (out of stock) before dispatch. */
  brand_cancel: number;
  /** Share of dispatched orders with a shipping_issue. */
  shipping_issue: number;
  /** Share of shipping issues that are wrong_item or damaged (the brand's fault); the rest spread over the other kinds. */
  issue_brand_fault: number;
  /** Order-related inquiries per order (shipping, exchange, order change). */
  order_inquiry: number;
  /** Inquiries without an order (product questions, partner-system questions) per order. */
  other_inquiry: number;
  /** Share of the inquiries without an order that concern the partner system. */
  partner_system: number;
  /** Share of inquiries whose first answer comes from the brand. */
  brand_answer: number;
  /** Of the brand's answers, the share given after 3–6 business days (past the 2-business-day deadline). */
  answer_late: number;
  /** Of the inquiries the brand does not answer, the share the platform answers (takeover); the rest stay silent. */
  platform_answer: number;
  /** Claims per delivered order, before the extra claims that shipping issues and late dispatches cause. */
  claim: number;
  /** Share of ordinary claims with reason defect or wrong_item. */
  defect_share: number;
  /** Share of claims whose stages after `requested` the platform handles (takeover). */
  claim_takeover: number;
  /** A claim stage handled by the brand takes 1..claim_stage_days business days. */
  claim_stage_days: number;
  /** Contacts (the platform trying to reach the brand) per order. */
  contact: number;
  /** Share of contacts the brand answers within the same business day. */
  contact_answer: number;
  /** Reviews per delivered order. */
  review: number;
  /** Share of reviews with score ≤ 2 on orders without a shipping issue. */
  negative_review: number;
}

export const ARCHETYPE_PARAMS: Record<Archetype, BehaviourParams> = {
  reliable: {
    late_dispatch: 0.03, late_extra_days: 2, brand_cancel: 0.003, shipping_issue: 0.005, issue_brand_fault: 0.3,
    order_inquiry: 0.08, other_inquiry: 0.05, partner_system: 0.02, brand_answer: 0.97, answer_late: 0.03,
    platform_answer: 0.9, claim: 0.03, defect_share: 0.15, claim_takeover: 0.02, claim_stage_days: 1,
    contact: 0.01, contact_answer: 0.97, review: 0.35, negative_review: 0.04,
  },
  average: {
    late_dispatch: 0.07, late_extra_days: 2, brand_cancel: 0.01, shipping_issue: 0.015, issue_brand_fault: 0.4,
    order_inquiry: 0.1, other_inquiry: 0.05, partner_system: 0.03, brand_answer: 0.92, answer_late: 0.08,
    platform_answer: 0.9, claim: 0.045, defect_share: 0.25, claim_takeover: 0.05, claim_stage_days: 2,
    contact: 0.015, contact_answer: 0.9, review: 0.3, negative_review: 0.08,
  },
  slow_answerer: {
    late_dispatch: 0.08, late_extra_days: 2, brand_cancel: 0.01, shipping_issue: 0.015, issue_brand_fault: 0.4,
    order_inquiry: 0.12, other_inquiry: 0.06, partner_system: 0.03, brand_answer: 0.5, answer_late: 0.75,
    platform_answer: 0.95, claim: 0.05, defect_share: 0.25, claim_takeover: 0.5, claim_stage_days: 4,
    contact: 0.02, contact_answer: 0.8, review: 0.3, negative_review: 0.12,
  },
  late_shipper: {
    late_dispatch: 0.35, late_extra_days: 5, brand_cancel: 0.03, shipping_issue: 0.02, issue_brand_fault: 0.4,
    order_inquiry: 0.14, other_inquiry: 0.05, partner_system: 0.03, brand_answer: 0.88, answer_late: 0.1,
    platform_answer: 0.9, claim: 0.05, defect_share: 0.2, claim_takeover: 0.1, claim_stage_days: 2,
    contact: 0.03, contact_answer: 0.85, review: 0.3, negative_review: 0.18,
  },
  careless: {
    late_dispatch: 0.08, late_extra_days: 2, brand_cancel: 0.02, shipping_issue: 0.08, issue_brand_fault: 0.85,
    order_inquiry: 0.12, other_inquiry: 0.05, partner_system: 0.03, brand_answer: 0.85, answer_late: 0.1,
    platform_answer: 0.9, claim: 0.08, defect_share: 0.65, claim_takeover: 0.1, claim_stage_days: 2,
    contact: 0.025, contact_answer: 0.85, review: 0.3, negative_review: 0.22,
  },
  unreachable: {
    late_dispatch: 0.15, late_extra_days: 4, brand_cancel: 0.03, shipping_issue: 0.03, issue_brand_fault: 0.5,
    // Cannot be reached by phone or messenger, but checks the partner board now and then: its inquiries are
    // mostly left to the platform, yet it is not the slowest answerer (that is slow_answerer's trait).
    order_inquiry: 0.12, other_inquiry: 0.05, partner_system: 0.03, brand_answer: 0.35, answer_late: 0.4,
    platform_answer: 0.8, claim: 0.06, defect_share: 0.3, claim_takeover: 0.85, claim_stage_days: 4,
    contact: 0.05, contact_answer: 0.08, review: 0.3, negative_review: 0.2,
  },
  struggling_new: {
    late_dispatch: 0.15, late_extra_days: 3, brand_cancel: 0.03, shipping_issue: 0.03, issue_brand_fault: 0.5,
    order_inquiry: 0.12, other_inquiry: 0.25, partner_system: 0.6, brand_answer: 0.7, answer_late: 0.35,
    platform_answer: 0.9, claim: 0.05, defect_share: 0.3, claim_takeover: 0.3, claim_stage_days: 3,
    contact: 0.04, contact_answer: 0.75, review: 0.3, negative_review: 0.15,
  },
};

/** Share of brands per archetype; every archetype gets at least one brand. */
export const ARCHETYPE_MIX: Record<Archetype, number> = {
  reliable: 0.3,
  average: 0.33,
  slow_answerer: 0.1,
  late_shipper: 0.08,
  careless: 0.08,
  unreachable: 0.04,
  struggling_new: 0.07,
};

/** Parameters that are probabilities get a per-brand jitter; these are counts of days and stay as they are. */
export const DAY_PARAMS: ReadonlySet<keyof BehaviourParams> = new Set(['late_extra_days', 'claim_stage_days']);
