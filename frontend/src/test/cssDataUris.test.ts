import { describe, expect, it } from 'vitest';
import { moveDataUris } from '../../cssDataUris';

describe('moveDataUris', () => {
  it('moves base64 fonts and images into files and leaves other URLs alone', () => {
    const woff2 = Buffer.from('wOF2 font bytes').toString('base64');
    const png = Buffer.from('png bytes').toString('base64');
    const css = [
      `@font-face{src:url(data:font/woff2;base64,${woff2}) format("woff2")}`,
      `.a{background:url("data:image/png;base64,${png}")}`,
      `.b{background:url(other.png)}`,
      `.c{background:url("data:image/gif;base64,R0lGOD")}`,
    ].join('\n');
    const written: [string, string][] = [];

    const out = moveDataUris(css, (name, bytes) => {
      written.push([name, bytes.toString()]);
      return name;
    });

    expect(written.map(([name, text]) => [name.replace(/[0-9a-f]{12}/, 'H'), text])).toEqual([
      ['inline-H.woff2', 'wOF2 font bytes'],
      ['inline-H.png', 'png bytes'],
    ]);
    expect(out).not.toContain('data:font');
    expect(out).not.toContain('data:image/png');
    expect(out).toContain(`url(${written[0]?.[0]}) format("woff2")`);
    expect(out).toContain('url(other.png)');
    // A kind it does not know stays, and the e2e test of the GraphiQL page would report it.
    expect(out).toContain('data:image/gif');
  });

  it('names a file by its content, so the same font is written once under one name', () => {
    const font = Buffer.from('same').toString('base64');
    const names: string[] = [];
    moveDataUris(`url(data:font/woff;base64,${font}) url(data:font/woff;base64,${font})`, (name) => {
      names.push(name);
      return name;
    });
    expect(names[0]).toBe(names[1]);
  });
});
