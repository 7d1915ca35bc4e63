//! Fuzz the front end: any bytes → parse + resolve → `Ok` or `Err`, never a panic.
//!
//! `cd codegen/fuzz && cargo fuzz run parse_resolve ../../../shared/csdl` (needs a nightly
//! toolchain, or `RUSTC_BOOTSTRAP=1` with the stable one). Seed it with the corpus documents.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dataverse_codegen::load("fuzz.xml", data, &Default::default());
    let options = dataverse_codegen::ResolveOptions {
        allow_dangling_references: true,
        strict: false,
    };
    let _ = dataverse_codegen::load("fuzz.xml", data, &options);
});
