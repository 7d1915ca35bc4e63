#!/usr/bin/env bash
# The large public documents (metadata/public/large/, too large for the CI budget of the corpus
# compile test): each generated as a crate (every entity-set feature on, the default) and linted
# with `cargo clippy -- -D warnings`, printing the time and peak memory of generation, of the
# runtime's dependencies (paid once, apart) and of the SDK, and the SDK's size. Exits non-zero
# when a document does not generate or its SDK is not clippy-clean. Usage:
#   scripts/check-large-corpus.sh [FILE.xml|FILE.xml.gz ...]   (default: metadata/public/large/*)
# Needs GNU time (/usr/bin/time) and, for .xml.gz documents, gzip. Work and target directory:
# target/large-corpus (LARGE_CORPUS_DIR to change it); the generator is built in release mode in
# CARGO_TARGET_DIR (default target/). Figures of a run: metadata/public/PROVENANCE.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${LARGE_CORPUS_DIR:-$root/target/large-corpus}"
mkdir -p "$work"
cargo build --quiet --release -p dataverse-codegen --manifest-path "$root/Cargo.toml"
codegen="${CARGO_TARGET_DIR:-$root/target}/release/dataverse-codegen"
measure() { /usr/bin/time -f "%e s, peak RSS %M KB" -o "$work/time.txt" "$@"; }

documents=("$@")
if [ ${#documents[@]} -eq 0 ]; then
  shopt -s nullglob
  documents=("$root"/metadata/public/large/*.xml "$root"/metadata/public/large/*.xml.gz)
fi
[ ${#documents[@]} -gt 0 ] || { echo "no documents"; exit 1; }

for doc in "${documents[@]}"; do
  name="$(basename "$doc")"
  name="${name%.gz}"
  name="${name%.xml}"
  metadata="$doc"
  if [[ "$doc" == *.gz ]]; then
    metadata="$work/$name.xml"
    gzip -dc "$doc" > "$metadata"
  fi
  sdk="$work/$name"
  rm -rf "$sdk"
  echo "== $name ($(stat -c %s "$metadata") bytes of CSDL)"
  measure "$codegen" generate --metadata "$metadata" --out "$sdk" --crate-name "sdk-${name//./-}" \
    --runtime-path "$root/runtime" 2> "$work/$name.generate.log"
  echo "generate: $(cat "$work/time.txt"); $(grep -c ': warning: ' "$work/$name.generate.log" || true) warnings (in $work/$name.generate.log)"
  echo "SDK: $(find "$sdk/src" -name '*.rs' | wc -l) .rs files, $(find "$sdk/src" -name '*.rs' -exec cat {} + | wc -c) bytes"
  # The project's lock file pins what the SDK builds with.
  cp "$root/Cargo.lock" "$sdk/Cargo.lock"
  export CARGO_TARGET_DIR="$work/target"
  (cd "$sdk" && measure cargo clippy --quiet -p dataverse-runtime)
  echo "runtime and dependencies (once): $(cat "$work/time.txt")"
  status=0
  # Not incremental: the state an earlier run left for another SDK of the same name would be
  # loaded and compared (1 GB and half a minute more for Graph v1.0), so figures would depend on
  # what ran before.
  (cd "$sdk" && measure env CARGO_INCREMENTAL=0 cargo clippy --quiet -- -D warnings) 2> "$work/$name.clippy.log" || status=$?
  echo "SDK clippy -D warnings: $(cat "$work/time.txt")"
  if [ $status -ne 0 ] || grep -q warning "$work/$name.clippy.log"; then
    echo "FAILED: $name (see $work/$name.clippy.log)"
    head -50 "$work/$name.clippy.log"
    exit 1
  fi
  echo "ok: $name is clippy-clean"
  unset CARGO_TARGET_DIR
done
