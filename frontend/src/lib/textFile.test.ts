import { describe, expect, it } from 'vitest';
import { decodeText } from './textFile';

describe('decodeText', () => {
  it('reads UTF-8 and drops its byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Begriff;Ausländer')]);
    expect(decodeText(bytes)).toBe('Begriff;Ausländer');
  });

  it('reads what German Excel saves as CSV (Windows-1252) without replacement characters', () => {
    // "Ausländer;Straße;„Zitat“ – €" in Windows-1252: ä E4, ß DF, „ 84, “ 93, – 96, € 80.
    const bytes = new Uint8Array([
      0x41, 0x75, 0x73, 0x6c, 0xe4, 0x6e, 0x64, 0x65, 0x72, 0x3b, 0x53, 0x74, 0x72, 0x61, 0xdf, 0x65, 0x3b, 0x84,
      0x5a, 0x69, 0x74, 0x61, 0x74, 0x93, 0x20, 0x96, 0x20, 0x80,
    ]);
    expect(decodeText(bytes)).toBe('Ausländer;Straße;„Zitat“ – €');
  });

});
