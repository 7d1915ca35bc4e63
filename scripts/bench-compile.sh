#!/usr/bin/env bash
# Compile-time benchmark of generated SDKs (issue 5): `cargo check` of
#   1. the full Dataverse v9.1 SDK (every entity set, all features on), and
#   2. a 10-entity-set selection of it,
# each from clean, after the runtime and its dependencies are built (their time is printed
# apart, as the baseline every SDK pays once). Usage:
#   scripts/bench-compile.sh                 this generator only
#   scripts/bench-compile.sh OLD_CODEGEN     side by side with another generator binary (e.g.
#                                            the previous commit's), alternating old/new runs
#                                            (ROUNDS, default 2), with the new/old ratio
# NEW_ARGS adds generate arguments to this generator's runs only, e.g.
#   NEW_ARGS="--sidecar metadata/dataverse-v9.1.sidecar.json" scripts/bench-compile.sh OLD
# (the SDK with choices against the old generator's SDK without).
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

old_codegen="${1:-}"
rounds="${ROUNDS:-2}"
generators=(new)
[ -n "$old_codegen" ] && generators=(old new)
gen_for() { if [ "$1" = old ]; then echo "$old_codegen"; else echo "$codegen"; fi; }

for g in "${generators[@]}"; do
  bin="$(gen_for "$g")"
  extra=()
  if [ "$g" = new ] && [ -n "${NEW_ARGS:-}" ]; then read -r -a extra <<< "$NEW_ARGS"; fi
  "$bin" generate --metadata "$metadata" --out "$work/$g-full" --crate-name "sdk-$g-full" \
    --runtime-path "$root/runtime" --api-version v9.2 ${extra[@]+"${extra[@]}"} 2>/dev/null
  "$bin" generate --metadata "$metadata" --out "$work/$g-selection" --crate-name "sdk-$g-selection" \
    --runtime-path "$root/runtime" --api-version v9.2 ${extra[@]+"${extra[@]}"} \
    --entity-set accounts --entity-set contacts --entity-set tasks --entity-set phonecalls \
    --entity-set annotations --entity-set queues --entity-set letters --entity-set teams \
    --entity-set systemusers --entity-set emails 2>/dev/null
done
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
cp "$root/Cargo.lock" "$work/baseline/Cargo.lock"
for g in "${generators[@]}"; do
  for sdk in full selection; do cp "$root/Cargo.lock" "$work/$g-$sdk/Cargo.lock"; done
done

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'; }
lines() { find "$1/src" -name '*.rs' -exec cat {} + | wc -l; }

echo "baseline (runtime + dependencies, cargo check from clean): $(seconds cargo check --manifest-path "$work/baseline/Cargo.toml") s"
for sdk in selection full; do
  for g in "${generators[@]}"; do
    files=$(find "$work/$g-$sdk/src" -name '*.rs' | wc -l)
    echo "$g $sdk: $files files, $(lines "$work/$g-$sdk") lines"
  done
  declare -A total=()
  for round in $(seq "$rounds"); do
    for g in "${generators[@]}"; do
      cargo clean --quiet --manifest-path "$work/$g-$sdk/Cargo.toml" -p "sdk-$g-$sdk" 2>/dev/null || true
      t=$(seconds cargo check --manifest-path "$work/$g-$sdk/Cargo.toml")
      echo "$g $sdk round $round: cargo check from clean (runtime already built): $t s"
      total[$g]=$(awk -v a="${total[$g]:-0}" -v b="$t" 'BEGIN { print a + b }')
    done
  done
  if [ -n "$old_codegen" ]; then
    awk -v o="${total[old]}" -v n="${total[new]}" -v r="$rounds" -v s="$sdk" \
      'BEGIN { printf "%s: mean old %.1f s, new %.1f s, new/old %.2f\n", s, o / r, n / r, n / o }'
  fi
  unset total
done
