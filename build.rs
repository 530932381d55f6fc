//! Links the resetctl binary at a fixed address on Linux.
//!
//! chrono-tz's zone tables are a megabyte of pointers. In a
//! position-independent executable the loader rewrites every page of them
//! before `main`, at every start, whether or not a zone is ever read: that
//! was two thirds of the page faults of `resetctl --version`. Linked at a
//! fixed address, those pages are read from the file only when used (see
//! "Startup" in BENCHMARKS.md). Only this package's binary is linked so;
//! dependencies, tests and examples build as before.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS");
    let env = std::env::var("CARGO_CFG_TARGET_ENV");
    if os.as_deref() == Ok("linux") && env.as_deref() == Ok("gnu") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
