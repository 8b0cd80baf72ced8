import { describe, expect, it } from 'vitest';
import { wordDiff } from './diff';

describe('wordDiff', () => {
  it('marks inserted and deleted words and keeps the rest', () => {
    expect(wordDiff('Alle lernen früh Deutsch.', 'Kinder und Erwachsene lernen Deutsch.')).toEqual([
      { kind: 'DELETE', text: 'Alle ' },
      { kind: 'INSERT', text: 'Kinder und Erwachsene ' },
      { kind: 'EQUAL', text: 'lernen ' },
      { kind: 'DELETE', text: 'früh ' },
      { kind: 'EQUAL', text: 'Deutsch.' },
    ]);
  });
  it('handles empty texts', () => {
    expect(wordDiff('', 'Neu')).toEqual([{ kind: 'INSERT', text: 'Neu' }]);
    expect(wordDiff('Alt', '')).toEqual([{ kind: 'DELETE', text: 'Alt' }]);
    expect(wordDiff('', '')).toEqual([]);
  });
});
