import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/*
 * axe-core on a screen (issue 12, item 13). Any spec can call `expectAccessible(page, 'screen')`;
 * test/e2e/accessibility.spec.ts walks every screen in every language with `scanScreen`.
 */

/** The impacts that fail the suite. Moderate and minor ones are counted and printed, not failed on. */
export const BLOCKING_IMPACTS = ['serious', 'critical'] as const;

/**
 * Experimental rules worth having: axe ships them switched off. `label-content-name-mismatch` is the
 * WCAG 2.5.3 check (a control's accessible name must contain its visible words, so a speech-control
 * user can say what they see); the issue's audit found it on the sync pill and the Staff buttons.
 */
const EXTRA_RULES = ['label-content-name-mismatch'];

export type A11yFinding = {
  rule: string;
  impact: string;
  help: string;
  /** One line per offending node: its selector and, when axe gives one, why. */
  nodes: string[];
};

export function isBlocking(finding: A11yFinding): boolean {
  return (BLOCKING_IMPACTS as readonly string[]).includes(finding.impact);
}

/** Every violation axe finds on the page as it is now (the whole document, open dialogs included). */
export async function scanScreen(page: Page): Promise<A11yFinding[]> {
  const results = await new AxeBuilder({ page })
    // Only the violations in full: axe then stops collecting every passing node, a good part of a scan's time.
    .options({ rules: Object.fromEntries(EXTRA_RULES.map((id) => [id, { enabled: true }])), resultTypes: ['violations'] })
    .analyze();
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    nodes: v.nodes.map((n) => {
      const why = n.failureSummary?.split('\n').slice(1).join(' ').trim();
      return `${n.target.join(' ')}${why ? ` — ${why}` : ''}`;
    }),
  }));
}

/** A readable list of findings, for a failure message or a log. */
export function describeFindings(screen: string, findings: A11yFinding[]): string {
  return findings
    .map((f) => `${screen}: [${f.impact}] ${f.rule} — ${f.help}\n${f.nodes.map((n) => `    ${n}`).join('\n')}`)
    .join('\n');
}

/** Fails with the list when the screen has a serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<A11yFinding[]> {
  const findings = await scanScreen(page);
  const blocking = findings.filter(isBlocking);
  if (blocking.length > 0) throw new Error(`accessibility violations (serious or critical):\n${describeFindings(screen, blocking)}`);
  return findings;
}
