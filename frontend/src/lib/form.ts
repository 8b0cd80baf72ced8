/** A text value from submitted form data ('' when missing). */
export function formText(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v : '';
}

/** All text values of a multi-value field (checkbox group). */
export function formTexts(data: FormData, name: string): string[] {
  return data.getAll(name).filter((v): v is string => typeof v === 'string');
}
