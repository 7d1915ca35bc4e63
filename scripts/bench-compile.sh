#!/usr/bin/env bash
# Compile-time benchmark of generated SDKs (issue 5): `cargo check` of
#   1. the full Dataverse v9.1 SDK (every entity set, all features on), and
#   2. a 10-entity-set selection of it,
# each from clean, after the runtime and its dependencies are built (their time is printed
# apart, as the baseline every SDK pays once). Usage: scripts/bench-compile.sh
# Results go to stdout; copy them into BENCHMARKS.md with the date and the machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/bench-compile"
rm -rf "$work"
mkdir -p "$work"
cargo build --quiet --release -p dataverse-codegen --manifest-path "$root/Cargo.toml"
codegen="$root/target/release/dataverse-codegen"
export CARGO_TARGET_DIR="$work/target"
metadata="$root/metadata/dataverse-v9.1.xml"

"$codegen" generate --metadata "$metadata" --out "$work/full" --crate-name sdk-full \
  --runtime-path "$root/runtime" --api-version v9.2 2>/dev/null
"$codegen" generate --metadata "$metadata" --out "$work/selection" --crate-name sdk-selection \
  --runtime-path "$root/runtime" --api-version v9.2 \
  --entity-set accounts --entity-set contacts --entity-set tasks --entity-set phonecalls \
  --entity-set annotations --entity-set queues --entity-set letters --entity-set teams \
  --entity-set systemusers --entity-set emails 2>/dev/null
# A crate with only the runtime: the baseline.
mkdir -p "$work/baseline/src"
cat > "$work/baseline/Cargo.toml" <<TOML
[package]
name = "baseline"
version = "0.0.0"
edition = "2024"
[dependencies]
dataverse-runtime = { path = "$root/runtime" }
[workspace]
TOML
echo 'pub use dataverse_runtime as rt;' > "$work/baseline/src/lib.rs"
for dir in baseline full selection; do cp "$root/Cargo.lock" "$work/$dir/Cargo.lock"; done

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'; }
lines() { cat "$1"/src/*.rs "$1"/src/*/*.rs | wc -l; }

echo "baseline (runtime + dependencies, cargo check from clean): $(seconds cargo check --manifest-path "$work/baseline/Cargo.toml") s"
for sdk in selection full; do
  files=$(find "$work/$sdk/src" -name '*.rs' | wc -l)
  echo "$sdk: $files files, $(lines "$work/$sdk") lines"
  cargo clean --quiet --manifest-path "$work/$sdk/Cargo.toml" -p "sdk-$sdk" 2>/dev/null || true
  echo "$sdk: cargo check from clean (runtime already built): $(seconds cargo check --manifest-path "$work/$sdk/Cargo.toml") s"
done
