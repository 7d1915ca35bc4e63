//! Robustness: mutated real documents (truncations, byte flips, deleted attributes, duplicated
//! and deleted elements) fed to the front end must give `Ok` or `Err`, never a panic.
//!
//! Deterministic (a fixed-seed xorshift), bounded: a few hundred mutations in all. The
//! coverage-guided version of this is the cargo-fuzz target in `codegen/fuzz/`.

use std::path::PathBuf;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Byte offsets of every occurrence of `needle`.
fn occurrences(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn mutate(original: &[u8], rng: &mut XorShift) -> (String, Vec<u8>) {
    let mut bytes = original.to_vec();
    match rng.below(6) {
        0 => {
            let at = rng.below(bytes.len());
            bytes.truncate(at);
            (format!("truncate at {at}"), bytes)
        }
        1 => {
            let mut described = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                let value = rng.next() as u8;
                bytes[at] = value;
                described.push(format!("{at}={value:#04x}"));
            }
            (format!("flip bytes {}", described.join(",")), bytes)
        }
        2 => {
            // Delete one attribute: from the space before `name="` to the closing quote.
            let quotes = occurrences(&bytes, b"=\"");
            if quotes.is_empty() {
                return ("no attribute".into(), bytes);
            }
            let eq = quotes[rng.below(quotes.len())];
            let start = bytes[..eq].iter().rposition(|b| *b == b' ').unwrap_or(eq);
            let end = bytes[eq + 2..]
                .iter()
                .position(|b| *b == b'"')
                .map(|p| eq + 3 + p)
                .unwrap_or(bytes.len());
            let removed = String::from_utf8_lossy(&bytes[start..end]).into_owned();
            bytes.drain(start..end);
            (format!("delete attribute {removed}"), bytes)
        }
        3 | 4 => {
            // Duplicate (3) or delete (4) one line, which is usually one element or one tag.
            let newlines = occurrences(&bytes, b"\n");
            if newlines.len() < 2 {
                return ("too few lines".into(), bytes);
            }
            let i = rng.below(newlines.len() - 1);
            let (start, end) = (newlines[i] + 1, newlines[i + 1] + 1);
            let line: Vec<u8> = bytes[start..end].to_vec();
            if rng.below(2) == 0 {
                bytes.splice(start..start, line.iter().copied());
                return (format!("duplicate line {}", i + 2), bytes);
            }
            bytes.drain(start..end);
            (format!("delete line {}", i + 2), bytes)
        }
        _ => {
            // Swap the names in two `Type="..."` attributes (dangling or wrong-kind references).
            let types = occurrences(&bytes, b"Type=\"");
            if types.len() < 2 {
                return ("too few types".into(), bytes);
            }
            let a = types[rng.below(types.len())] + 6;
            let end = bytes[a..].iter().position(|b| *b == b'"').unwrap_or(0) + a;
            let replacement = b"NoSuch.Type".to_vec();
            bytes.splice(a..end, replacement);
            (format!("replace type at {a}"), bytes)
        }
    }
}

#[test]
fn mutated_corpus_documents_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/csdl");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut err) = (0, 0);
    for name in &names {
        let original = std::fs::read(dir.join(name)).unwrap();
        // Large documents cost ~0.3 s each in a debug build: fewer mutations for them.
        let rounds = if original.len() > 1_000_000 { 8 } else { 120 };
        for round in 0..rounds {
            let (what, bytes) = mutate(&original, &mut rng);
            let result = std::panic::catch_unwind(|| {
                dataverse_codegen::load(name, &bytes, &Default::default()).map(|_| ())
            });
            match result {
                Ok(Ok(())) => ok += 1,
                Ok(Err(e)) => {
                    // Every error names the file and a position inside it.
                    assert!(e.to_string().starts_with(&format!("{name}:")), "{e}");
                    assert!(e.pos.line >= 1, "{name} round {round} ({what}): {e}");
                    err += 1;
                }
                Err(_) => panic!("{name} round {round}: the front end panicked on: {what}"),
            }
        }
    }
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(ok > 10 && err > 10, "ok {ok}, err {err}");
}
