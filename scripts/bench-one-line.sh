#!/usr/bin/env bash
# Benchmark (issue 15): `inspect` and `generate` on the one-line form of every corpus document
# (the white space between tags removed, as many services send `$metadata`) against its
# pretty-printed form, side by side, ROUNDS rounds (default 3) alternating the two forms.
#   scripts/bench-one-line.sh              this generator
#   scripts/bench-one-line.sh OLD_CODEGEN  also the one-line form with another binary (e.g. the
#                                          previous commit's), for the before/after
# Prints one line per document and command: the mean seconds of each form and the ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/bench-one-line"
rm -rf "$work"
mkdir -p "$work"
cargo build --quiet --release -p dataverse-codegen --manifest-path "$root/Cargo.toml"
new="$root/target/release/dataverse-codegen"
old="${1:-}"
rounds="${ROUNDS:-3}"
docs=("$root"/../shared/csdl/*.xml)

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
mean() { awk '{ s += $1 } END { printf "%.3f", s / NR }'; }

for doc in "${docs[@]}"; do
  name="$(basename "$doc" .xml)"
  pretty="$work/$name.pretty.xml"
  oneline="$work/$name.one-line.xml"
  cp "$doc" "$pretty"
  python3 - "$doc" "$oneline" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(re.sub(r">\s+<", "><", text))
PY
  for command in inspect generate; do
    p=(); o=(); x=()
    for _ in $(seq "$rounds"); do
      for form in pretty oneline; do
        file="$work/$name.${form/oneline/one-line}.xml"
        if [ "$command" = inspect ]; then
          t=$(seconds "$new" inspect "$file")
        else
          t=$(seconds "$new" generate --metadata "$file" --out "$work/out-$name-$form")
        fi
        if [ "$form" = pretty ]; then p+=("$t"); else o+=("$t"); fi
      done
      if [ -n "$old" ]; then
        if [ "$command" = inspect ]; then
          x+=("$(seconds "$old" inspect "$oneline")")
        else
          x+=("$(seconds "$old" generate --metadata "$oneline" --out "$work/out-$name-old")")
        fi
      fi
    done
    mp=$(printf '%s\n' "${p[@]}" | mean); mo=$(printf '%s\n' "${o[@]}" | mean)
    line="$name $command: pretty ${mp} s (${p[*]}), one-line ${mo} s (${o[*]}), one-line/pretty $(awk -v a="$mo" -v b="$mp" 'BEGIN { printf "%.2f", a / b }')"
    if [ -n "$old" ]; then
      mx=$(printf '%s\n' "${x[@]}" | mean)
      line="$line; old binary one-line ${mx} s"
    fi
    echo "$line"
  done
done
