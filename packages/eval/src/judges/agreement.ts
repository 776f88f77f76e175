import { EvalInputError } from "../errors/index.js";

/**
 * Cohen's kappa between two raters' labels on the same items: (p_o − p_e) / (1 − p_e). 1 is
 * perfect agreement, 0 chance level. When both raters use one identical label throughout, p_e is
 * 1 and kappa is defined here as 1 (scikit-learn returns NaN there).
 */
export function cohenKappa(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length !== b.length)
    throw new EvalInputError(`Cohen's kappa needs equal-length label lists, got ${a.length} and ${b.length}`);
  if (a.length === 0) throw new EvalInputError("Cohen's kappa needs at least one labelled item");
  const n = a.length;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x === y) agree++;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, count] of ca) pe += (count / n) * ((cb.get(label) ?? 0) / n);
  if (pe === 1) return 1;
  return (po - pe) / (1 - pe);
}

/** Agreement of several judges: mean pairwise Cohen's kappa and the share of items where all agree. */
export function panelAgreement(labels: Record<string, readonly (string | number)[]>): {
  meanKappa: number;
  unanimous: number;
  pairs: Array<{ a: string; b: string; kappa: number }>;
} {
  const names = Object.keys(labels);
  if (names.length < 2) throw new EvalInputError("panel agreement needs at least two judges");
  const n = labels[names[0]!]!.length;
  const pairs: Array<{ a: string; b: string; kappa: number }> = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++)
      pairs.push({ a: names[i]!, b: names[j]!, kappa: cohenKappa(labels[names[i]!]!, labels[names[j]!]!) });
  let unanimous = 0;
  for (let k = 0; k < n; k++) if (new Set(names.map((m) => String(labels[m]![k]))).size === 1) unanimous++;
  return {
    meanKappa: pairs.reduce((s, p) => s + p.kappa, 0) / pairs.length,
    unanimous: unanimous / n,
    pairs,
  };
}

/**
 * Cohen's kappa of a judge's labels against the human labels of the cases that have both
 * (`label` of the metric's score, or the score mapped by `toLabel`). Returns the item count too.
 */
export function humanAgreement(
  cases: ReadonlyArray<{
    humanLabel?: string | number;
    scores: Record<string, { score: number; label?: string }>;
  }>,
  metric: string,
  toLabel: (s: { score: number; label?: string }) => string | number = (s) => s.label ?? s.score,
): { kappa: number; n: number } {
  const human: Array<string | number> = [];
  const judge: Array<string | number> = [];
  for (const c of cases) {
    const s = c.scores[metric];
    if (c.humanLabel === undefined || !s) continue;
    human.push(c.humanLabel);
    judge.push(toLabel(s));
  }
  if (human.length === 0) throw new EvalInputError(`no case has both a human label and a "${metric}" score`);
  return { kappa: cohenKappa(human, judge), n: human.length };
}
