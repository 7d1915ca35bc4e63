#!/usr/bin/env bash
# Debug build time of the root package (`dataverse-e2e`: build.rs generates the full Dynamics CRM
# 2016 SDK, the v9.1 `contoso` SDK with choices and the `graph` fixture SDK, then compiles them),
# side by side with another checkout of the project (e.g. the commit before a change, made with
# `git worktree add /tmp/old <commit>`). Usage:
#   scripts/bench-root-build.sh OLD_CHECKOUT
# Each side has its own target directory under target/bench-root/; its dependencies are built
# first (not timed); then, ROUNDS times (default 2), alternating old and new, the package is
# cleaned (`cargo clean -p dataverse-e2e`: its build script, outputs and incremental state) and
# `cargo build -p dataverse-e2e --lib` timed: the build script (generation of the three SDKs) and
# the compilation of the library, from clean. Peak memory is that of the whole cargo run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$(cd "${1:?usage: $0 OLD_CHECKOUT}" && pwd)"
rounds="${ROUNDS:-2}"
work="$root/target/bench-root"
mkdir -p "$work"

build() { # checkout target-dir
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo build --quiet -p dataverse-e2e --lib)
}
timed() { # checkout target-dir → "seconds s, peak KB"
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo clean --quiet -p dataverse-e2e)
  local start end
  start=$(date +%s.%N)
  (cd "$1" && CARGO_TARGET_DIR="$2" /usr/bin/time -f "%M" -o "$work/mem.txt" \
    cargo build --quiet -p dataverse-e2e --lib) >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" -v m="$(cat "$work/mem.txt")" \
    'BEGIN { printf "%.1f s (peak %.0f MB)", b - a, m / 1024 }'
}

echo "warming up (dependencies of both sides)..."
build "$old" "$work/old"
build "$root" "$work/new"
for round in $(seq 1 "$rounds"); do
  o=$(timed "$old" "$work/old")
  n=$(timed "$root" "$work/new")
  echo "round $round: old ${o}, new ${n}, new/old $(awk -v a="${o%% *}" -v b="${n%% *}" 'BEGIN { printf "%.2f", b / a }')"
done
