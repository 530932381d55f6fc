//! Every engine resetctl speaks, and how its databases are named: first
//! the engine that serves files (a path, or `file:PATH`), then each engine
//! served by URLs, with the schemes it answers to. An engine is its module
//! (beside `sqlite/` and `postgres/`, implementing the traits of
//! `engine.rs`) and its line here: `location.rs` learns the schemes from
//! this list, the messages that refuse a scheme name the ones served, and
//! `dispatch.rs` makes the per-engine connection, statement and row types
//! from it.

super::dispatch::engines! {
    file: Sqlite(super::sqlite::Sqlite);
    url: Postgres(super::postgres::Postgres) ["postgres", "postgresql"];
    url: Mariadb(super::mariadb::Mariadb) ["mysql", "mariadb"];
}
