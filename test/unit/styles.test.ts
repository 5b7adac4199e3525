import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * The stylesheet is appended to by several people at once; a merge that drops a closing brace does not
 * break the build (CSS nesting makes the rest of the sheet a nested rule) but silently unstyles every
 * screen after it (a merge of issue 13 did). The sheet uses no nesting: only @media/@supports hold rules.
 */
describe('styles.css', () => {
  it('closes every block, and nests rules only inside at-rules', () => {
    const css = readFileSync(new URL('../../src/renderer/src/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const open: string[] = [];
    const misplaced: string[] = [];
    for (const m of css.matchAll(/([^{};]*)([{}])/g)) {
      if (m[2] === '}') {
        expect(open.length, 'a closing brace with nothing open').toBeGreaterThan(0);
        open.pop();
        continue;
      }
      const selector = m[1]!.trim();
      if (open.length > 0 && !open.at(-1)!.startsWith('@')) misplaced.push(`${selector} inside ${open.at(-1)}`);
      open.push(selector);
    }
    expect(misplaced).toEqual([]);
    expect(open).toEqual([]);
  });
});
