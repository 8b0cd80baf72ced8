/**
 * The text of an uploaded file. UTF-8 (with or without BOM) is read as such; anything that is not
 * valid UTF-8 is read as Windows-1252, which is what German Excel's "CSV (Trennzeichen-getrennt)"
 * writes — read as UTF-8 it would turn every "ä" into "�".
 */
export function decodeText(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Some engines (Node before 23) decode the label as ISO-8859-1, leaving bytes 0x80–0x9F as
    // control characters; Windows-1252 puts „ “ – € and friends there.
    return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => {
      const mapped = CP1252_HIGH[c.charCodeAt(0) - 0x80];
      return mapped === undefined || mapped === ' ' ? c : mapped;
    });
  }
}

/** Windows-1252 at 0x80–0x9F; a space marks the five bytes it leaves undefined. */
const CP1252_HIGH = '€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ';

export async function readTextFile(file: Blob): Promise<string> {
  return decodeText(await file.arrayBuffer());
}
