#!/usr/bin/env bash
# The main job: installs what is missing, builds, and derives the lecture's formulas.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
m=build/matcalc
ex=examples/lecture
run() {
  printf '$ matcalc'; for a in "$@"; do case $a in *[\ \;\'\(\)\*]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac; done; echo
  "$m" "$@"; echo
}
echo "== The ReLU neuron, max(0, w·x + b) (slide: Gradient of Neuron Activation)"
run derive -e 'w, x : vector(n); b : scalar; f = max(0, w·x + b)' --wrt w --wrt b
run derive $ex/relu_neuron.mc --wrt w --wrt b --wrt x
echo "== Elementwise operators, vector-scalar, sum reduction (slides: Results of Common Elementwise Binary Operations ...)"
run derive -e 'w, x : vector(n); y = w ⊙ x' --wrt w
run derive -e 'w, x : vector(n); y = w ⊘ x' --wrt w
run derive -e 'x : vector(n); z : scalar; y = x + z' --wrt z
run derive -e 'x : vector(n); y = sum(x)' --wrt x
echo "== Chain rules (slides: Single Variable Chain Rule, Vector Chain Rule)"
run derive -e 'x : scalar; y = sin(x^2)' --wrt x
run derive -e 'x : scalar; y = [ln(x^2); sin(3x)]' --wrt x
echo "== Binary cross-entropy after a sigmoid: the beautiful result"
run derive $ex/bce_sigmoid.mc --wrt z
echo "== Step by step, as the lecture derives it (slides: Gradient of Neuron Activation, Gradient Computation)"
run derive $ex/relu_neuron_inline.mc --wrt w --steps
run derive $ex/relu_mse_steps.mc --wrt b --steps
echo "== The mean-squared ReLU loss (slide: Gradient of Neural Network Loss)"
run derive $ex/relu_mse.mc --wrt w --wrt b --format latex
echo "== The 1-2-3-1 network of the worked example, at the slides' weights"
run derive $ex/mlp_1231.mc --wrt W3 --wrt b3 --wrt W2 --wrt W1 --at $ex/mlp_1231.json
echo "== Checked against finite differences"
run check $ex/relu_mse.mc --wrt w --wrt b
echo "== Matrix calculus: Jacobians with respect to matrices (Kronecker forms) and Hessians"
run derive examples/cookbook/kronecker.mc --of F --wrt X
run derive examples/cookbook/kronecker.mc --of G --wrt W
run derive examples/cookbook/hessian_logistic.mc --wrt w --hessian
run check examples/cookbook/hessian_logistic.mc --wrt w --hessian
echo "== Training from the derived expressions: the worked example's SGD step (slide: Weight Updates)"
run train $ex/mlp_1231.mc --data $ex/one_sample.csv --epochs 1 --batch 1 --lr 0.1 --optimizer sgd
echo "== The perceptron cannot learn xor (zero gradient); a 2-layer MLP does"
run train examples/train/perceptron_xor.mc --data xor --samples 4 --noise 0 --epochs 3 --batch 4
echo '$ matcalc train examples/train/mlp_xor.mc --data xor --samples 4 --noise 0 --epochs 300 --batch 4 --optimizer adam --lr 0.05 | tail -1'
"$m" train examples/train/mlp_xor.mc --data xor --samples 4 --noise 0 --epochs 300 --batch 4 --optimizer adam --lr 0.05 | tail -1
echo
echo "== Code generation: the ReLU neuron's squared error and its gradients as a NumPy function (the body)"
neuron='w, x : vector(n); b : scalar; y : scalar; u = max(0, w·x + b); C = (y - u)^2'
echo "\$ matcalc codegen -e '$neuron' --wrt w --wrt b --lang numpy | sed -n '/^def /,\$p'"
"$m" codegen -e "$neuron" --wrt w --wrt b --lang numpy | sed -n '/^def /,$p'
