import { Kind, parse, print, visit, type FieldNode, type SelectionSetNode } from 'graphql';

/**
 * How many `ofType` levels GraphiQL's introspection asks for. graphql-js asks for 9, which the
 * server's depth limit (10, counted from `__schema`) refuses; 4 fits under it and describes
 * every type up to `[[T]!]!`. This schema nests at most `[T!]!` (a unit test checks that).
 */
export const TYPE_REF_DEPTH = 4;

/** The introspection query with its `TypeRef` fragment cut to `depth` levels of `ofType`. */
export function limitTypeRefDepth(query: string, depth = TYPE_REF_DEPTH): string {
  const cut = (set: SelectionSetNode, left: number): SelectionSetNode => ({
    ...set,
    selections: set.selections.flatMap((s) => {
      if (s.kind !== Kind.FIELD || s.name.value !== 'ofType' || !s.selectionSet) return [s];
      if (left === 0) return [];
      return [{ ...s, selectionSet: cut(s.selectionSet, left - 1) } satisfies FieldNode];
    }),
  });
  const doc = visit(parse(query), {
    FragmentDefinition(node) {
      return node.name.value === 'TypeRef' ? { ...node, selectionSet: cut(node.selectionSet, depth) } : undefined;
    },
  });
  return print(doc);
}
