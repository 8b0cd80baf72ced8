/**
 * GraphiQL 4 leaves the text areas of its CodeMirror editors without a name; screen readers then
 * announce "edit text" three times. Each gets the name of the editor it belongs to, also when
 * GraphiQL creates editors later (tabs, the variables and headers panes).
 */
const NAMES: [string, string][] = [
  ['.graphiql-query-editor', 'Query editor'],
  ['.graphiql-response', 'Response'],
  ['.graphiql-editor-tool', 'Variables and headers editor'],
];

export function nameEditors(root: ParentNode): void {
  for (const area of root.querySelectorAll<HTMLTextAreaElement>('.CodeMirror textarea:not([aria-label])')) {
    const name = NAMES.find(([selector]) => area.closest(selector))?.[1];
    if (name) area.setAttribute('aria-label', name);
  }
}

export function keepEditorsNamed(root: HTMLElement): void {
  nameEditors(root);
  new MutationObserver(() => nameEditors(root)).observe(root, { childList: true, subtree: true });
}
