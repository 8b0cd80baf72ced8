//! `graphql/schema.graphql` is generated from the code; this fails when it is stale.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test --test api schema` or `teilhabe schema`.

#[test]
fn committed_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/graphql/schema.graphql");
    let current = teilhabe::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "graphql/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api schema`"
    );
}
