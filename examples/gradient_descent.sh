#!/usr/bin/env bash
# Gradient descent in the shell: (x, y) <- (x, y) - rate * gradient, with autodiff
# giving the gradient at each step. The bowl (x - 3)^2 + 2(y + 1)^2 has its minimum 0
# at (3, -1); with rate 0.2 the error in x shrinks by 0.6 and in y by 0.2 per step.
#
# run: bash gradient_descent.sh
# expect: x 3.0 0.001
# expect: y -1.0 0.001
# expect: f 0.0 0.000001
#
# AUTODIFF may name another command (the tests set it); the default is `autodiff`.
set -euo pipefail
AUTODIFF=${AUTODIFF:-autodiff}
f="(x - 3)^2 + 2*(y + 1)^2"
x=0
y=0
rate=0.2
for step in $(seq 1 20); do
    # json would work too; plain lines are f, df/dx, df/dy in that order
    out=$($AUTODIFF eval "$f" --x "$x" --y "$y" --format plain)
    fx=$(printf '%s\n' "$out" | sed -n 1p | cut -f2)
    gx=$(printf '%s\n' "$out" | sed -n 2p | cut -f2)
    gy=$(printf '%s\n' "$out" | sed -n 3p | cut -f2)
    echo "step $step: f($x, $y) = $fx" >&2
    x=$(awk -v v="$x" -v g="$gx" -v r="$rate" 'BEGIN { printf "%.17g", v - r * g }')
    y=$(awk -v v="$y" -v g="$gy" -v r="$rate" 'BEGIN { printf "%.17g", v - r * g }')
done
printf 'x\t%s\ny\t%s\n' "$x" "$y"
printf 'f\t%s\n' "$($AUTODIFF eval "$f" --x "$x" --y "$y" --format plain | sed -n 1p | cut -f2)"
