//! Fuzz the runtime's response parsing: bytes from the network → entity pages with annotations,
//! error bodies, `$batch` responses (multipart and JSON) → a value or an error, never a panic.
//!
//! The first byte picks the parser; the rest is the body. `cd runtime/fuzz &&
//! RUSTC_BOOTSTRAP=1 cargo fuzz run responses corpus/responses seeds/responses`.
#![no_main]

use dataverse_runtime::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => fuzzing::entity_page(body),
        1 => fuzzing::error_response(400 + u16::from(mode % 100), body),
        2 => fuzzing::batch_response("multipart/mixed; boundary=batchresponse_1", body),
        _ => fuzzing::batch_response("application/json", body),
    }
});
