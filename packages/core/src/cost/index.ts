export { type BudgetOptions, type BudgetScope, budget } from "./budget.js";
export type { CostDimension } from "./cost-events.js";
export { type CostBreakdown, costOf, estimateCost } from "./cost-of.js";
export { type CostEntry, type CostReport, type CostTotals, CostTracker } from "./cost-tracker.js";
export { formatCostReport } from "./format-report.js";
export { trackCost } from "./track-cost.js";
