//! The engines the registry lists, gathered into one type each for a
//! connection, a handle, a statement, a row and a URL: an enum with a
//! variant per engine, whose methods hand each call to the engine in use.
//! A match, never a virtual call: the per-row calls of a bulk run cost
//! what a direct call costs.

/// Makes the types above from the registry's list: the file engine, then
/// each engine served by URLs with its schemes.
macro_rules! engines {
    (
        file: $fv:ident($fe:ty);
        $( url: $uv:ident($ue:ty) [$($scheme:literal),+ $(,)?]; )*
    ) => {
        $crate::db::dispatch::engines!(@each [($fv, $fe) $(($uv, $ue))*]);
        $crate::db::dispatch::engines!(@locate ($fv, $fe) [$(($uv, $ue) [$($scheme)+])*]);
    };

    (@each [$(($v:ident, $e:ty))*]) => {
        use $crate::db::engine::{Cells as _, Connection as _, Handle as _, Statement as _};

        pub enum Conn {
            $( $v(Box<<$e as $crate::db::engine::Engine>::Conn>), )*
        }

        #[derive(Clone, Copy)]
        pub enum Handle<'a> {
            $( $v($crate::db::engine::HandleOf<'a, $e>), )*
        }

        pub enum Stmt<'t> {
            $( $v($crate::db::engine::StmtOf<'t, $e>), )*
        }

        #[derive(Clone, Copy)]
        pub enum RowRef<'r> {
            $( $v(<$e as $crate::db::engine::Engine>::Row<'r>), )*
        }

        impl Conn {
            /// The SQL that differs by engine, as this one writes it.
            pub fn dialect(&self) -> &'static dyn $crate::db::dialect::Dialect {
                match self { $( Self::$v(_) => <$e as $crate::db::engine::Engine>::dialect(), )* }
            }

            pub fn handle(&self) -> Handle<'_> {
                match self { $( Self::$v(c) => Handle::$v(c.handle()), )* }
            }

            pub fn is_read_only(&self) -> $crate::error::Result<bool> {
                match self { $( Self::$v(c) => c.is_read_only(), )* }
            }

            pub fn tune_for_bulk(&self) -> $crate::error::Result<()> {
                match self { $( Self::$v(c) => c.tune_for_bulk(), )* }
            }

            pub fn write<'s, T>(
                &'s mut self,
                f: impl FnOnce(Handle<'s>) -> $crate::error::Result<T>,
            ) -> $crate::error::Result<T> {
                match self { $( Self::$v(c) => c.write(|h| f(Handle::$v(h))), )* }
            }
        }

        impl<'a> Handle<'a> {
            pub fn execute(
                &self,
                sql: &str,
                args: &[$crate::db::values::Arg<'_>],
            ) -> $crate::error::Result<u64> {
                match self { $( Self::$v(h) => h.execute(sql, args), )* }
            }

            pub fn each<F>(
                &self,
                sql: &str,
                args: &[$crate::db::values::Arg<'_>],
                mut f: F,
            ) -> $crate::error::Result<()>
            where
                F: FnMut(RowRef<'_>) -> $crate::error::Result<()>,
            {
                match self { $( Self::$v(h) => h.each(sql, args, |r| f(RowRef::$v(r))), )* }
            }

            pub fn prepare(&self, sql: &str) -> $crate::error::Result<Stmt<'a>> {
                match self { $( Self::$v(h) => h.prepare(sql).map(Stmt::$v), )* }
            }

            pub fn batch(&self, sql: &str) -> $crate::error::Result<()> {
                match self { $( Self::$v(h) => h.batch(sql), )* }
            }

            pub fn table(&self, name: &str) -> $crate::error::Result<$crate::db::engine::Table> {
                match self { $( Self::$v(h) => h.table(name), )* }
            }

            pub fn has_index_on(
                &self,
                table: &$crate::db::names::Ident,
                column: &$crate::db::names::Ident,
                serving: $crate::db::engine::Matching,
            ) -> $crate::error::Result<bool> {
                match self { $( Self::$v(h) => h.has_index_on(table, column, serving), )* }
            }

            pub fn id_column(
                &self,
                s: &$crate::db::names::Schema,
            ) -> $crate::error::Result<Option<$crate::db::failure::IdColumn>> {
                match self { $( Self::$v(h) => h.id_column(s), )* }
            }

            pub fn about(&self) -> $crate::error::Result<$crate::db::engine::About> {
                match self { $( Self::$v(h) => h.about(), )* }
            }

            pub fn has_tables_besides(&self, besides: &str) -> $crate::error::Result<bool> {
                match self { $( Self::$v(h) => h.has_tables_besides(besides), )* }
            }
        }

        impl Stmt<'_> {
            pub fn bind(&mut self, n: usize, value: $crate::db::values::Arg<'_>) -> $crate::error::Result<()> {
                match self { $( Self::$v(s) => s.bind(n, value), )* }
            }

            pub fn run(&mut self) -> $crate::error::Result<u64> {
                match self { $( Self::$v(s) => s.run(), )* }
            }

            pub fn queue(&mut self) -> $crate::error::Result<()> {
                match self { $( Self::$v(s) => s.queue(), )* }
            }
        }

        impl RowRef<'_> {
            pub fn cell(&self, i: usize) -> $crate::error::Result<$crate::db::values::Cell<'_>> {
                match self { $( Self::$v(r) => r.cell(i), )* }
            }
        }
    };

    (@locate ($fv:ident, $fe:ty) [$(($uv:ident, $ue:ty) [$($scheme:literal)+])*]) => {
        /// A database named by a URL, as its engine parsed it.
        #[derive(Clone, Debug)]
        pub enum Url {
            $( $uv(<$ue as $crate::db::engine::UrlEngine>::Url), )*
        }

        /// Every URL scheme served, in the registry's order.
        pub const SCHEMES: &[&str] = &[$($($scheme,)+)*];

        /// The engine that serves files, as people name it.
        pub const FILE_ENGINE: &str = <$fe as $crate::db::engine::Engine>::NAME;

        impl Url {
            /// The URL `text`, if its `scheme` is one an engine serves.
            pub fn parse(scheme: &str, text: &str) -> Option<$crate::error::Result<Url>> {
                $(
                    if [$($scheme),+].iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
                        return Some(<$ue as $crate::db::engine::UrlEngine>::parse(text).map(Url::$uv));
                    }
                )*
                None
            }

            pub fn open(
                &self,
                access: $crate::db::engine::Access,
                busy_timeout: std::time::Duration,
            ) -> $crate::error::Result<Conn> {
                match self {
                    $( Self::$uv(u) => Ok(Conn::$uv(Box::new(
                        <$ue as $crate::db::engine::UrlEngine>::open(u, access, busy_timeout)?,
                    ))), )*
                }
            }
        }

        impl std::fmt::Display for Url {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self { $( Self::$uv(u) => u.fmt(f), )* }
            }
        }

        impl Conn {
            /// A file, opened by the engine that serves files.
            pub fn open_file(
                path: &std::path::Path,
                access: $crate::db::engine::Access,
                busy_timeout: std::time::Duration,
            ) -> $crate::error::Result<Conn> {
                Ok(Conn::$fv(Box::new(
                    <$fe as $crate::db::engine::FileEngine>::open(path, access, busy_timeout)?,
                )))
            }
        }

        /// Whether an engine keeps names starting as `name` does for itself.
        pub fn kept(name: &str) -> bool {
            let name = name.to_ascii_lowercase();
            [
                <$fe as $crate::db::engine::Engine>::KEEPS,
                $( <$ue as $crate::db::engine::Engine>::KEEPS, )*
            ]
            .iter()
            .any(|keeps| keeps.iter().any(|prefix| name.starts_with(prefix)))
        }
    };
}

pub(super) use engines;
