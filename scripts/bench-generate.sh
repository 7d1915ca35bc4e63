#!/usr/bin/env bash
# Generation benchmark (issue 13): the full Dataverse v9.1 SDK and the Graph v1.0 SDK, generated
# in turn by each generator binary, ROUNDS rounds (default 3), each run into a new directory that
# is deleted only at the end (ext4 searches longer for a free inode right after thousands were
# freed, which made the figures depend on the order of the runs). Prints wall, user and system
# time and peak RSS of every run, then per binary the median wall time of each document and
# Graph's median ÷ v9.1's median. Usage:
#   scripts/bench-generate.sh                  this checkout's generator (built in release mode)
#   scripts/bench-generate.sh OLD_BIN [...]    side by side with other generator binaries
# OUT_BASE sets where the output goes (default target/bench-generate; /dev/shm for tmpfs).
# Needs GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --quiet --release -p dataverse-codegen --manifest-path "$root/Cargo.toml"
new="${CARGO_TARGET_DIR:-$root/target}/release/dataverse-codegen"
binaries=("$@" "$new")
rounds="${ROUNDS:-3}"
base="${OUT_BASE:-$root/target/bench-generate}/run-$$"
documents=("$root/metadata/dataverse-v9.1.xml" "$root/metadata/public/large/msgraph-v1.0.xml")
rm -rf "$base"
mkdir -p "$base"
sync
results="$base/results.txt"
n=0
for round in $(seq 1 "$rounds"); do
  for doc in "${documents[@]}"; do
    for b in "${!binaries[@]}"; do
      n=$((n + 1))
      /usr/bin/time -o "$base/time.txt" -f "%e %U %S %M" "${binaries[$b]}" generate \
        --metadata "$doc" --out "$base/$n" --crate-name sdk --runtime-path "$root/runtime" \
        >/dev/null 2>&1
      read -r wall user sys rss < "$base/time.txt"
      name="$(basename "$doc" .xml)"
      echo "$b $name $wall" >> "$results"
      printf 'round %s  %-40s %-14s wall %5s s  user %5s s  sys %5s s  peak RSS %4s MB\n' \
        "$round" "${binaries[$b]}" "$name" "$wall" "$user" "$sys" "$((rss / 1024))"
    done
  done
done
for b in "${!binaries[@]}"; do
  median() { grep "^$b $1 " "$results" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  v=$(median dataverse-v9.1)
  g=$(median msgraph-v1.0)
  echo "${binaries[$b]}: median v9.1 $v s, Graph v1.0 $g s, Graph/v9.1 $(awk -v g="$g" -v v="$v" 'BEGIN {printf "%.2f", g / v}')"
done
rm -rf "$base"
