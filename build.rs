//! Links the resetctl binary at a fixed address on Linux, with the
//! unwinder inside it.
//!
//! chrono-tz's zone tables are a megabyte of pointers. In a
//! position-independent executable the loader rewrites every page of them
//! before `main`, at every start, whether or not a zone is ever read: that
//! was two thirds of the page faults of `resetctl --version`. Linked at a
//! fixed address, those pages are read from the file only when used (see
//! "Startup" in BENCHMARKS.md). Only this package's binary is linked so;
//! dependencies, tests and examples build as before.
//!
//! Rust's standard library asks for GCC's unwinder as a shared library,
//! `libgcc_s`: loading it, and its constructor's probe of the processor
//! (`cpuid`, which a virtual machine traps), cost a command on one user
//! about a tenth of its time. The same unwinder from GCC's static
//! `libgcc_eh`, named before the standard library's libraries, leaves
//! `libgcc_s` unneeded.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS");
    let env = std::env::var("CARGO_CFG_TARGET_ENV");
    if os.as_deref() == Ok("linux") && env.as_deref() == Ok("gnu") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
