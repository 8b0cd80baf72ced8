/**
 * The runtime form of a generated GraphQL document (what `TypedDocumentString` in src/gql is at
 * runtime): the document's text. The production build puts one of these in place of each
 * `graphql(...)` call (see graphqlDocuments.ts), so that a view's chunk carries only its own
 * operations instead of the map of all of them.
 */
export class InlineDocument extends String {
  private readonly value: string;
  readonly __meta__?: Record<string, unknown>;

  constructor(value: string, meta?: Record<string, unknown>) {
    super(value);
    this.value = value;
    this.__meta__ = meta;
  }

  override toString(): string {
    return this.value;
  }
}
