// tanh in double over contiguous arrays, a vector register at a time. glibc's tanh is a
// scalar call of about 7 ns, and Eigen 3.4 has no vectorised tanh for double: in a small
// tanh network it was two thirds of a training step (bench/README.md). This one costs one
// vectorised exp, one division and two short polynomials per register, for every lane:
//   |x| < 1:  tanh x = x (1 + y N(y) / Q(y)), y = x², the [9/10] Padé approximant from
//             Lambert's continued fraction x / (1 + x²/(3 + x²/(5 + …))), truncated at 19;
//             its own error is below 7e-20 relative on [−1, 1], and its coefficients are
//             integers, exact in double;
//   |x| ≥ 1:  tanh |x| = 1 − 2 / (e^{2|x|} + 1), with tanh |x| ≥ 0.76 no cancellation to
//             fear, and e^{2|x|} = ∞ giving 1;
// measured within 1 unit in the last place of the exact value (README, Precision; the test
// measures it against long double and holds it to 2). Eigen's internal packet functions are used because its array
// expressions cannot select between two branches without leaving the vector units (its
// Select has no packet path in 3.4). Where there are no vector units (the WebAssembly
// build) the packet is one double and the same formulas run with std::exp.
#include <Eigen/Core>

#include "eval_internal.hpp"

namespace matcalc {

namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
constexpr int kLanes = ei::packet_traits<double>::size;

// c[0] + c[1] y + … by Horner's rule.
template <std::size_t N>
Packet polynomial(Packet y, const double (&c)[N]) {
    Packet r = ei::pset1<Packet>(c[N - 1]);
    for (std::size_t k = N - 1; k-- > 0;) r = ei::padd(ei::pmul(r, y), ei::pset1<Packet>(c[k]));
    return r;
}

Packet tanh_packet(Packet x) {
    // N(y) and Q(y) times 654729075, so that every coefficient is an integer.
    static constexpr double kN[] = {-218243025.0, -16081065.0, -289575.0, -1430.0, -1.0};
    static constexpr double kQ[] = {654729075.0, 310134825.0, 18918900.0, 315315.0, 1485.0, 1.0};
    const Packet one = ei::pset1<Packet>(1.0);
    const Packet ax = ei::pabs(x);
    // The polynomial branch on x clamped to [−1, 1]: both branches run in every lane, and
    // the clamp keeps the one not taken finite.
    const Packet xc = ei::pmax(ei::pmin(x, one), ei::pnegate(one));
    const Packet y = ei::pmul(xc, xc);
    // x (1 + y N/Q) rather than x + x y N/Q, which gives +0 for −0.
    const Packet near_zero =
        ei::pmul(xc, ei::padd(one, ei::pmul(y, ei::pdiv(polynomial(y, kN), polynomial(y, kQ)))));
    const Packet e = ei::pexp(ei::padd(ax, ax));
    const Packet away = ei::psub(one, ei::pdiv(ei::pset1<Packet>(2.0), ei::padd(e, one)));
    const Packet signed_away = ei::pselect(ei::pcmp_lt(x, ei::pzero(x)), ei::pnegate(away), away);
    return ei::pselect(ei::pcmp_lt(ax, one), near_zero, signed_away);
}

}  // namespace

void tanh_array(const double* x, double* out, std::ptrdiff_t n) {
    std::ptrdiff_t i = 0;
    for (; i + kLanes <= n; i += kLanes) ei::pstoreu(out + i, tanh_packet(ei::ploadu<Packet>(x + i)));
    if (i == n) return;
    // The tail through a full register too, so that an entry's value does not depend on
    // where it stands in the array.
    double in[kLanes] = {}, result[kLanes];
    for (std::ptrdiff_t k = i; k < n; ++k) in[k - i] = x[k];
    ei::pstoreu(result, tanh_packet(ei::ploadu<Packet>(in)));
    for (std::ptrdiff_t k = i; k < n; ++k) out[k] = result[k - i];
}

}  // namespace matcalc
