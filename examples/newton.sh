#!/usr/bin/env bash
# Newton's method for a root, calling autodiff in a loop: x <- x - f(x)/f'(x).
# Newton's own example (1669): x^3 - 2x - 5 = 0, from x = 2.
# The root is 2.0945514815423265; each step roughly doubles the correct digits.
#
# run: bash newton.sh
# expect: root 2.0945514815423265
# expect: f 0.0 1e-12
# (f at the root prints as -8.881784197001252e-16: zero to float64 precision, as the terms are about 10)
#
# AUTODIFF may name another command (the tests set it); the default is `autodiff`.
set -euo pipefail
AUTODIFF=${AUTODIFF:-autodiff}
f="x^3 - 2*x - 5"
x=2
for step in $(seq 1 20); do
    # plain output is "f<TAB>value" then "df/dx<TAB>value": cut picks the numbers
    out=$($AUTODIFF eval "$f" --x "$x" --format plain)
    fx=$(printf '%s\n' "$out" | sed -n 1p | cut -f2)
    dfx=$(printf '%s\n' "$out" | sed -n 2p | cut -f2)
    next=$(awk -v x="$x" -v f="$fx" -v d="$dfx" 'BEGIN { printf "%.17g", x - f / d }')
    echo "step $step: x = $x, f(x) = $fx, f'(x) = $dfx" >&2
    if [ "$next" = "$x" ]; then break; fi  # no change in float64: converged
    x=$next
done
printf 'root\t%s\n' "$x"
printf 'f\t%s\n' "$($AUTODIFF eval "$f" --x "$x" --format plain | sed -n 1p | cut -f2)"
