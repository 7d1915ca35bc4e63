//! Fuzz the whole generator: any bytes → parse + resolve + generate (select, name, emit,
//! format) → `Ok` or `Err`, never a panic, an abort or a hang.
//!
//! `cd codegen/fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run generate corpus/generate -- -max_len=4096`
//! (see `README.md`: the seeds are small real-shaped documents).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = dataverse_codegen::GenerateOptions {
        resolve: dataverse_codegen::ResolveOptions {
            allow_dangling_references: true,
            strict: false,
        },
        ..Default::default()
    };
    let _ = dataverse_codegen::generate("fuzz.xml", data, &options);
});
