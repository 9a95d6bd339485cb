// The plan as the summary prints it: the first updates, then where the rest are.
import { describe, expect, test } from '@jest/globals';
import { emptyPlan } from '../src/import/actions.js';
import { describePlan } from '../src/cli/render/import-summary.js';

function planOf(updates: number): ReturnType<typeof emptyPlan> {
  const plan = emptyPlan();
  plan.account = { jobs: updates, readings: 1 };
  plan.counts.update = updates;
  plan.updates = Array.from({ length: 10 }, (_, i) => `row ${i + 2} (${i}): title: "A" → "B"`);
  return plan;
}

describe('the plan in words', () => {
  test('more updates than shown: the plan file given lists every row, else --plan would', () => {
    expect(describePlan(planOf(30), 'plan.xlsx').at(-1)).toBe('  … and 20 more updates (plan.xlsx lists every row).');
    expect(describePlan(planOf(30)).at(-1)).toBe('  … and 20 more updates (--plan plan.csv lists every row).');
  });
});
