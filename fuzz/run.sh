#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on the stable toolchain:
#   fuzz/run.sh [seconds per target (default 20)] [target...]
# cargo-fuzz needs nightly-only flags (-Zsanitizer, -Cpasses); RUSTC_BOOTSTRAP=1 lets stable
# rustc accept them. No sanitizer (-s none): the code under test is safe Rust, so what we look
# for are panics, hangs (-timeout) and runaway memory (-rss_limit_mb, -malloc_limit_mb).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-20}
shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  log=$(mktemp)
  if cargo fuzz run -s none "$t" "corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -malloc_limit_mb=2048 \
      -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz $t: ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs in ${secs}s, corpus $(ls "corpus/$t" | wc -l)"
  else
    echo "fuzz $t: FAILED"; tail -n 60 "$log"; rm -f "$log"; exit 1
  fi
  rm -f "$log"
done
