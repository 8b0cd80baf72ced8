export type DiffKind = 'EQUAL' | 'INSERT' | 'DELETE';
export interface Segment {
  kind: DiffKind;
  text: string;
}

/** Splits into words and the whitespace after them, so that joining the parts gives the text. */
function tokens(s: string): string[] {
  return s.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * Word-level difference of two texts (longest common subsequence), for showing a proposed
 * amendment beside the current text. The server computes version diffs itself (goalDiff).
 */
export function wordDiff(before: string, after: string): Segment[] {
  const a = tokens(before);
  const b = tokens(after);
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  // lcs[i * w + j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = new Array<number>((n + 1) * w).fill(0);
  const L = (i: number, j: number) => lcs[i * w + j] ?? 0;
  const A = (i: number) => a[i] ?? '';
  const B = (j: number) => b[j] ?? '';
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = A(i).trim() === B(j).trim() ? L(i + 1, j + 1) + 1 : Math.max(L(i + 1, j), L(i, j + 1));
    }
  }
  const out: Segment[] = [];
  const push = (kind: DiffKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (A(i).trim() === B(j).trim()) {
      push('EQUAL', B(j));
      i++;
      j++;
    } else if (L(i + 1, j) >= L(i, j + 1)) {
      push('DELETE', A(i++));
    } else {
      push('INSERT', B(j++));
    }
  }
  while (i < n) push('DELETE', A(i++));
  while (j < m) push('INSERT', B(j++));
  return out;
}
