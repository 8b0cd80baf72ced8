import { describe, expect, it } from 'vitest';
import { nameEditors } from './a11y';

describe('nameEditors', () => {
  it('names each CodeMirror text area after its editor and keeps names already set', () => {
    document.body.innerHTML = `
      <section class="graphiql-query-editor"><div class="CodeMirror"><textarea id="q"></textarea></div></section>
      <div class="graphiql-response"><div class="CodeMirror"><textarea id="r"></textarea></div></div>
      <div class="graphiql-editor-tool"><div class="CodeMirror"><textarea id="v" aria-label="Variablen"></textarea></div></div>
      <div class="CodeMirror"><textarea id="x"></textarea></div>`;
    nameEditors(document);
    const label = (id: string) => document.getElementById(id)?.getAttribute('aria-label');
    expect(label('q')).toBe('Query editor');
    expect(label('r')).toBe('Response');
    expect(label('v')).toBe('Variablen');
    expect(label('x')).toBeNull();
  });
});
