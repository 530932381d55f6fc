//! The engines the registry lists, gathered into one type each for a
//! connection, a handle, a statement, a row and a URL: an enum with a
//! variant per engine, whose methods hand each call to the engine in use.
//! A match, never a virtual call: the per-row calls of a bulk run cost
//! what a direct call costs.

/// Makes the types above from the registry's list: the file engine, then
/// each engine served by URLs with its schemes. Each rule below makes one
/// part; the first brings in what they all name.
macro_rules! engines {
    (
        file: $fv:ident($fe:ty);
        $( url: $uv:ident($ue:ty) [$($scheme:literal),+ $(,)?]; )*
    ) => {
        use std::path::Path;
        use std::time::Duration;

        use $crate::db::dialect::Dialect;
        use $crate::db::engine::{self as seam, Access, FileEngine, UrlEngine};
        use $crate::db::engine::{Cells as _, Connection as _, Handle as _, Statement as _};
        use $crate::db::failure::IdColumn;
        use $crate::db::names::{Ident, Schema};
        use $crate::db::values::{Arg, Cell};
        use $crate::error::Result;

        $crate::db::dispatch::engines!(@conn ($fv, $fe) [($fv, $fe) $(($uv, $ue))*]);
        $crate::db::dispatch::engines!(@handle [($fv, $fe) $(($uv, $ue))*]);
        $crate::db::dispatch::engines!(@stmt [($fv, $fe) $(($uv, $ue))*]);
        $crate::db::dispatch::engines!(@url [$(($uv, $ue) [$($scheme)+])*]);
        $crate::db::dispatch::engines!(@names $fe [$(($ue) [$($scheme)+])*]);
    };

    (@conn ($fv:ident, $fe:ty) [$(($v:ident, $e:ty))*]) => {
        pub enum Conn {
            $( $v(Box<<$e as seam::Engine>::Conn>), )*
        }

        impl Conn {
            /// A file, opened by the engine that serves files.
            pub fn open_file(path: &Path, access: Access, busy_timeout: Duration) -> Result<Conn> {
                let conn = <$fe as FileEngine>::open(path, access, busy_timeout)?;
                Ok(Conn::$fv(Box::new(conn)))
            }

            /// The SQL that differs by engine, as this one writes it.
            pub fn dialect(&self) -> &'static dyn Dialect {
                match self { $( Self::$v(_) => <$e as seam::Engine>::dialect(), )* }
            }

            pub fn become_writable(&self) -> Result<bool> {
                match self { $( Self::$v(c) => c.become_writable(), )* }
            }

            pub fn handle(&self) -> Handle<'_> {
                match self { $( Self::$v(c) => Handle::$v(c.handle()), )* }
            }

            pub fn is_read_only(&self) -> Result<bool> {
                match self { $( Self::$v(c) => c.is_read_only(), )* }
            }

            pub fn tune_for_bulk(&self) -> Result<()> {
                match self { $( Self::$v(c) => c.tune_for_bulk(), )* }
            }

            pub fn write<'s, T>(&'s mut self, f: impl FnOnce(Handle<'s>) -> Result<T>) -> Result<T> {
                match self { $( Self::$v(c) => c.write(|h| f(Handle::$v(h))), )* }
            }
        }
    };

    (@handle [$(($v:ident, $e:ty))*]) => {
        #[derive(Clone, Copy)]
        pub enum Handle<'a> {
            $( $v(seam::HandleOf<'a, $e>), )*
        }

        impl<'a> Handle<'a> {
            pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
                match self { $( Self::$v(h) => h.execute(sql, args), )* }
            }

            pub fn each<F>(&self, sql: &str, args: &[Arg<'_>], mut f: F) -> Result<()>
            where
                F: FnMut(RowRef<'_>) -> Result<()>,
            {
                match self { $( Self::$v(h) => h.each(sql, args, |r| f(RowRef::$v(r))), )* }
            }

            pub fn prepare(&self, sql: &str) -> Result<Stmt<'a>> {
                match self { $( Self::$v(h) => h.prepare(sql).map(Stmt::$v), )* }
            }

            pub fn batch(&self, sql: &str) -> Result<()> {
                match self { $( Self::$v(h) => h.batch(sql), )* }
            }

            pub fn table(&self, name: &str) -> Result<seam::Table> {
                match self { $( Self::$v(h) => h.table(name), )* }
            }

            pub fn has_index_on(&self, table: &Ident, column: &Ident, serving: seam::Matching) -> Result<bool> {
                match self { $( Self::$v(h) => h.has_index_on(table, column, serving), )* }
            }

            pub fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>> {
                match self { $( Self::$v(h) => h.id_column(s), )* }
            }

            pub fn about(&self) -> Result<seam::About> {
                match self { $( Self::$v(h) => h.about(), )* }
            }

            pub fn has_tables_besides(&self, besides: &str) -> Result<bool> {
                match self { $( Self::$v(h) => h.has_tables_besides(besides), )* }
            }

            pub fn shifts_by_zone(&self, table: &str, column: &str) -> Result<bool> {
                match self { $( Self::$v(h) => h.shifts_by_zone(table, column), )* }
            }

            pub fn case_lookup(&self, table: &Ident, column: &Ident) -> Result<seam::CaseLookup> {
                match self { $( Self::$v(h) => h.case_lookup(table, column), )* }
            }

            pub fn add_lowered_copy(&self, table: &Ident, column: &Ident) -> Result<Option<String>> {
                match self { $( Self::$v(h) => h.add_lowered_copy(table, column), )* }
            }
        }
    };

    (@stmt [$(($v:ident, $e:ty))*]) => {
        pub enum Stmt<'t> {
            $( $v(seam::StmtOf<'t, $e>), )*
        }

        #[derive(Clone, Copy)]
        pub enum RowRef<'r> {
            $( $v(<$e as seam::Engine>::Row<'r>), )*
        }

        impl Stmt<'_> {
            pub fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
                match self { $( Self::$v(s) => s.bind(n, value), )* }
            }

            pub fn run(&mut self) -> Result<u64> {
                match self { $( Self::$v(s) => s.run(), )* }
            }

            pub fn queue(&mut self) -> Result<()> {
                match self { $( Self::$v(s) => s.queue(), )* }
            }
        }

        impl RowRef<'_> {
            pub fn cell(&self, i: usize) -> Result<Cell<'_>> {
                match self { $( Self::$v(r) => r.cell(i), )* }
            }
        }
    };

    (@url [$(($v:ident, $e:ty) [$($scheme:literal)+])*]) => {
        /// A database named by a URL, as its engine parsed it.
        #[derive(Clone, Debug)]
        pub enum Url {
            $( $v(<$e as UrlEngine>::Url), )*
        }

        impl Url {
            /// The URL `text`, if its `scheme` is one an engine serves.
            pub fn parse(scheme: &str, text: &str) -> Option<Result<Url>> {
                $(
                    if [$($scheme),+].iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
                        return Some(<$e as UrlEngine>::parse(text).map(Url::$v));
                    }
                )*
                None
            }

            pub fn open(&self, access: Access, busy_timeout: Duration) -> Result<Conn> {
                match self {
                    $( Self::$v(u) => Ok(Conn::$v(Box::new(<$e as UrlEngine>::open(u, access, busy_timeout)?))), )*
                }
            }
        }

        /// Without the password.
        impl std::fmt::Display for Url {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self { $( Self::$v(u) => u.fmt(f), )* }
            }
        }
    };

    (@names $fe:ty [$(($e:ty) [$($scheme:literal)+])*]) => {
        /// Every URL scheme served, in the registry's order.
        pub const SCHEMES: &[&str] = &[$($($scheme,)+)*];

        /// The engine that serves files, as people name it.
        pub const FILE_ENGINE: &str = <$fe as seam::Engine>::NAME;

        /// Whether an engine keeps names starting as `name` does for itself.
        pub fn kept(name: &str) -> bool {
            let name = name.to_ascii_lowercase();
            [<$fe as seam::Engine>::KEEPS, $( <$e as seam::Engine>::KEEPS, )*]
                .iter()
                .any(|keeps| keeps.iter().any(|prefix| name.starts_with(prefix)))
        }
    };
}

pub(super) use engines;
