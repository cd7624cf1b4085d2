#!/usr/bin/env bash
# Newton's method with the derivative written out once: `autodiff diff` prints f' as a
# program (here 3*x^2 - 2), and each step evaluates f and that program with `autodiff eval`,
# differentiating nothing. The same root as newton.sh: x^3 - 2x - 5 = 0, from x = 2.
#
# run: bash newton_diff.sh
# expect: root 2.0945514815423265
# expect: df/dx 11.161437726493464 1e-12
# (3*root^2 - 2, what the formula gives at the root)
#
# AUTODIFF may name another command (the tests set it); the default is `autodiff`.
set -euo pipefail
AUTODIFF=${AUTODIFF:-autodiff}
f="x^3 - 2*x - 5"
# plain output is "df/dx<TAB>PROGRAM": cut picks the program
df=$($AUTODIFF diff "$f" --format plain | cut -f2)
echo "f(x) = $f, f'(x) = $df" >&2
x=2
for step in $(seq 1 20); do
    fx=$($AUTODIFF eval "$f" --x "$x" --format plain | sed -n 1p | cut -f2)
    dfx=$($AUTODIFF eval "$df" --x "$x" --format plain | sed -n 1p | cut -f2)
    next=$(awk -v x="$x" -v f="$fx" -v d="$dfx" 'BEGIN { printf "%.17g", x - f / d }')
    echo "step $step: x = $x, f(x) = $fx, f'(x) = $dfx" >&2
    if [ "$next" = "$x" ]; then break; fi  # no change in float64: converged
    x=$next
done
printf 'root\t%s\n' "$x"
# diff with a value: the third column is the derivative's value there
printf 'df/dx\t%s\n' "$($AUTODIFF diff "$f" --x "$x" --format plain | cut -f3)"
