// The printers (print.hpp). One node at a time, `expand` lays out a node as pieces —
// literal text and child nodes, each child with or without parentheses — from its row in
// the operation table; `Printer::run` writes the pieces out from an explicit work stack,
// so no recursion follows the depth of the expression.
#include "matcalc/print/print.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include "matcalc/core/ops.hpp"

namespace matcalc {

namespace {

// Precedence on a finer scale than OpInfo::precedence (table level p is 2p), so that
// juxtaposition (products written `W x`, `2 x` in Unicode and LaTeX) fits between the
// multiplicative operators and unary minus.
constexpr int kMultiplicative = 4, kJuxtaposition = 5, kUnary = 6, kPower = 8,
              kPostfix = 10, kAtom = 12;
int level(const OpInfo& op) { return 2 * op.precedence; }

// LaTeX commands that take their argument in braces rather than after \left( (not in
// the operation table, which only has the command name).
bool latex_takes_braces(std::string_view command) { return command == "\\sqrt"; }

struct Piece {
    std::string text;      // literal text when child is null
    Expr child = nullptr;
    bool parens = false;
};

enum class Lead { Other, Minus, Digit };

Lead lead_of(std::string_view text) {
    if (text.empty()) return Lead::Other;
    if (text[0] == '-' || text.starts_with("−")) return Lead::Minus;
    if (text[0] >= '0' && text[0] <= '9') return Lead::Digit;
    return Lead::Other;
}

bool is_identifier(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return !std::isdigit(static_cast<unsigned char>(s[0]));
}

std::string superscript(std::string_view text) {
    static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string out;
    for (char c : text) {
        if (c >= '0' && c <= '9') out += digits[c - '0'];
        else if (c == '-') out += "⁻";
        else if (c == '+') continue;
        else out += c;
    }
    return out;
}

// An integer exponent small enough to write as a superscript (x², x⁻¹).
bool small_integer(double v) { return v == std::floor(v) && std::abs(v) < 100; }

}  // namespace

namespace {

class Printer {
public:
    Printer(const Context& cx, const PrintOptions& options)
        : cx_(cx), sizes_(cx.sizes()), o_(options), ascii_(options.style == Style::Ascii),
          latex_(options.style == Style::Latex) {}

    std::string run(Expr root) {
        if (!o_.name_root) unnamed_ = root;
        std::string out;
        std::vector<Piece> work, pieces;
        work.push_back({{}, root, false});
        while (!work.empty()) {
            Piece p = std::move(work.back());
            work.pop_back();
            if (!p.child) {
                out += p.text;
                if (o_.max_length && out.size() > o_.max_length) {
                    out.resize(o_.max_length);
                    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
                    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
                    out += "...";
                    break;
                }
            } else if (p.parens) {
                work.push_back({latex_ ? "\\right)" : ")"});
                work.push_back({{}, p.child, false});
                work.push_back({latex_ ? "\\left(" : "("});
            } else {
                pieces.clear();
                expand(p.child, pieces);
                for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) work.push_back(std::move(*it));
            }
        }
        return out;
    }

private:
    // ---- facts about nodes ---------------------------------------------------------------
    const std::string* name_of(Expr e) const {
        if (!o_.names || e == unnamed_) return nullptr;
        auto it = o_.names->find(e);
        return it == o_.names->end() ? nullptr : &it->second;
    }
    bool scalar(Expr e) const { return cx_.is_scalar(e); }
    bool number(Expr e) const { return e->op->kind == Kind::Constant && scalar(e) && !name_of(e); }
    bool is(Expr e, const OpInfo& op) const { return e->op == &op; }
    // Hadamard product with a scalar side: `*` in ASCII, juxtaposition otherwise.
    bool scaling(Expr e) const { return is(e, hadamard_) && (scalar(e->args[0]) || scalar(e->args[1])); }
    bool juxtaposed(Expr e) const {
        return !ascii_ && !name_of(e) && (e->op->kind == Kind::MatMul || scaling(e));
    }
    bool fraction(Expr e) const {
        return latex_ && is(e, div_) && scalar(e->args[0]) && scalar(e->args[1]);
    }
    bool superscript_power(Expr e) const {
        return o_.style == Style::Unicode && is(e, pow_) && number(e->args[1]) &&
               small_integer(e->args[1]->value);
    }
    // Scaling is written scalar first, as textbooks do: `z x`, `2 z`, not `x z`, `z 2`.
    bool swapped(Expr e) const {
        if (ascii_ || !scaling(e)) return false;
        Expr l = e->args[0], r = e->args[1];
        if (!scalar(l)) return true;
        return scalar(r) && number(r) && !number(l);
    }
    // Which operator a node prints as: all juxtaposed products are one operator.
    const void* op_class(Expr e) const { return juxtaposed(e) ? static_cast<const void*>(&juxtaposed_tag_) : e->op; }
    bool associative(Expr e) const {
        return juxtaposed(e) || is(e, add_) || is(e, hadamard_) || e->op->kind == Kind::MatMul;
    }
    // An infix operation written as a function call in this style (`dot(a, b)` in ASCII).
    // Kronecker products too, in Unicode, where ⊗ is the Hadamard product of the input
    // language (a printed formula must read back), and in LaTeX when ⊗ is the Hadamard
    // product's printed symbol (the lecture's style).
    bool infix_as_call(const OpInfo& op) const {
        return (ascii_ && is_identifier(op.ascii)) || (op.kind == Kind::Kron && (!latex_ || o_.hadamard_as_otimes));
    }

    int precedence(Expr e) const {
        if (name_of(e)) return kAtom;
        const OpInfo& op = *e->op;
        switch (op.kind) {
        case Kind::Variable:
        case Kind::Identity:
        case Kind::Commutation:
        case Kind::Size:
        case Kind::Stack:
            return kAtom;
        case Kind::Constant:
            return constant_precedence(e);
        case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot: case Kind::Sum:
        case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag: case Kind::DiagPart:
        case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp:
        case Kind::Softmax: case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec:
        case Kind::Block:
            break;
        }
        if (op.superscript_outside_ascii && !ascii_) return kPostfix;
        switch (op.notation) {
        case Notation::Infix:
            if (infix_as_call(op)) return kAtom;
            if (juxtaposed(e)) return kJuxtaposition;
            if (fraction(e) || superscript_power(e)) return kPostfix;
            return level(op);
        case Notation::Prefix:
        case Notation::Postfix:
            return level(op);
        case Notation::Leaf: case Notation::Call: case Notation::Special:
            return kAtom;
        }
        unreachable();  // every value is a case above
    }

    int constant_precedence(Expr e) const {
        if (scalar(e)) {
            std::string text = format_number(e->value);
            if (text[0] == '-') return kUnary;
            if (!ascii_ && text.find('e') != std::string::npos) return kJuxtaposition;
            return kAtom;
        }
        Shape s = cx_.shape(e);
        bool row = sizes_.is_one(s.rows);
        if (ascii_) {
            if (unresolved(s)) return row ? kPostfix : kAtom;  // vector(c)', vector(c), matrix(c)
            return e->value == 0 || e->value == 1 ? kAtom : kMultiplicative;  // ones(n), c*ones(n)
        }
        if (e->value == 0) return kAtom;
        bool column = sizes_.is_one(s.cols);
        if (e->value == 1) return row ? kPostfix : column || latex_ ? kAtom : kJuxtaposition;  // 𝟏 𝟏ᵀ
        return kJuxtaposition;
    }

    bool unresolved(Dim d) const { return is_symbol(sizes_.resolve(d)) && sizes_.name(d).starts_with("?"); }
    bool unresolved(Shape s) const { return unresolved(s.rows) || unresolved(s.cols); }

    // How the unparenthesised text of e begins (a minus sign, a digit): decides the
    // parentheses of right operands. Follows leftmost children iteratively, memoised.
    Lead lead(Expr e) {
        std::vector<Expr> path;
        Lead result = Lead::Other;
        std::vector<Piece> pieces;
        for (Expr cur = e;;) {
            if (auto it = lead_memo_.find(cur); it != lead_memo_.end()) {
                result = it->second;
                break;
            }
            path.push_back(cur);
            // The ones and zeros vectors are written `1`, `0`, but are not numbers.
            if (!ascii_ && !name_of(cur) && cur->op->kind == Kind::Constant && !scalar(cur) &&
                (cur->value == 0 || cur->value == 1))
                break;
            pieces.clear();
            expand(cur, pieces, /*first_only=*/true);
            const Piece& first = pieces.front();
            if (first.child && !first.parens) {
                cur = first.child;
                continue;
            }
            result = first.child ? Lead::Other : lead_of(first.text);
            break;
        }
        for (Expr p : path) lead_memo_[p] = result;
        return result;
    }

    // ---- layout ----------------------------------------------------------------------------
    void text(std::vector<Piece>& out, std::string s) { out.push_back({std::move(s)}); }
    void child(std::vector<Piece>& out, Expr e, bool parens = false) { out.push_back({{}, e, parens}); }

    std::string symbol_name(const std::string& name, Expr e) const {
        return latex_ ? latex_name(name, cx_.shape(e), sizes_) : name;
    }

    // The pieces of e; with first_only, at least the first one (enough for lead(), and
    // without deciding the parentheses of right operands, which would call lead()).
    void expand(Expr e, std::vector<Piece>& out, bool first_only = false) {
        if (const std::string* name = name_of(e)) return text(out, o_.names_verbatim ? *name : symbol_name(*name, e));
        const OpInfo& op = *e->op;
        switch (op.kind) {
        case Kind::Variable:
            return text(out, symbol_name(e->name, e));
        case Kind::Size:
            return text(out, latex_ ? latex_name(sizes_.name(e->dim), kScalarShape, sizes_) : sizes_.name(e->dim));
        case Kind::Identity:
            if (!ascii_) return text(out, std::string(latex_ ? op.latex : op.unicode));
            if (unresolved(e->dim)) return text(out, std::string(op.ascii));
            return text(out, std::string(op.ascii) + "(" + sizes_.name(e->dim) + ")");
        case Kind::Commutation:  // K(m,n), K_{m,n}
            if (latex_)
                return text(out, std::string(op.latex) + "_{" + latex_name(sizes_.name(e->dim), kScalarShape, sizes_) +
                                     "," + latex_name(sizes_.name(e->dim2), kScalarShape, sizes_) + "}");
            return text(out, std::string(ascii_ ? op.ascii : op.unicode) + "(" + sizes_.name(e->dim) + "," +
                                 sizes_.name(e->dim2) + ")");
        case Kind::Constant:
            return text(out, constant_text(e));
        case Kind::Stack:
            return stack(e, out);
        case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot: case Kind::Sum:
        case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag: case Kind::DiagPart:
        case Kind::Trace: case Kind::Det: case Kind::LogDet: case Kind::Inverse: case Kind::LogSumExp:
        case Kind::Softmax: case Kind::Extremum: case Kind::Kron: case Kind::Vec: case Kind::Unvec:
        case Kind::Block:
            break;
        }
        switch (op.notation) {
        case Notation::Infix:
            return infix_as_call(op) ? call(e, out) : binary(e, out, first_only);
        case Notation::Prefix: {
            text(out, std::string(spelling(op)));
            Expr a = e->args[0];
            // −a b is −(a b) in value, so Unicode and LaTeX write products after a minus
            // without parentheses (−2 x cos(x²)); ASCII keeps them: it must parse back to
            // the same tree.
            int p = precedence(a);
            return child(out, a, ascii_ ? p <= kUnary : p < kMultiplicative || p == kUnary);
        }
        case Notation::Postfix: {
            Expr a = e->args[0];
            if (op.kind == Kind::Block) return block(e, out);
            if (!ascii_ && a->op->kind == Kind::Inverse && !name_of(a)) {  // X⁻ᵀ, X^{-\top}
                Expr m = a->args[0];
                child(out, m, precedence(m) < kAtom);
                return text(out, latex_ ? "^{-\\top}" : "⁻ᵀ");
            }
            child(out, a, precedence(a) < (ascii_ ? kPostfix : kAtom));
            return text(out, std::string(spelling(op)));
        }
        case Notation::Leaf: case Notation::Call: case Notation::Special:
            if (op.superscript_outside_ascii && !ascii_) {
                Expr a = e->args[0];
                child(out, a, precedence(a) < kAtom);
                return text(out, std::string(spelling(op)));
            }
            return call(e, out);
        }
    }

    std::string_view spelling(const OpInfo& op) const {
        return ascii_ ? op.ascii : latex_ ? op.latex : op.unicode;
    }

    std::string number_text(double v) const {
        std::string t = format_number(v);
        if (ascii_) return t;
        std::string sign;
        if (t[0] == '-') {
            sign = latex_ ? "-" : "−";
            t.erase(0, 1);
        }
        if (std::size_t p = t.find('e'); p != std::string::npos) {
            std::string mantissa = t.substr(0, p), exponent = t.substr(p + 1);
            t = latex_ ? mantissa + " \\times 10^{" + exponent + "}" : mantissa + "×10" + superscript(exponent);
        }
        return sign + t;
    }

    std::string constant_text(Expr e) const {
        if (scalar(e)) return number_text(e->value);
        Shape s = cx_.shape(e);
        bool row = sizes_.is_one(s.rows), column = sizes_.is_one(s.cols);
        if (ascii_) {
            std::string v = format_number(e->value);
            if (unresolved(s)) return (row || column ? "vector(" : "matrix(") + v + ")" + (row ? "'" : "");
            std::string dims = column ? sizes_.name(s.rows) : sizes_.name(s.rows) + ", " + sizes_.name(s.cols);
            if (e->value == 0) return "zeros(" + dims + ")";
            if (e->value == 1) return "ones(" + dims + ")";
            return v + "*ones(" + dims + ")";
        }
        std::string top(spelling(op_of(Kind::Transpose)));
        if (e->value == 0) return std::string(latex_ ? "\\mathbf{0}" : "0") + (row ? top : "");  // 0ᵀ: a zero row
        // Unicode writes the ones vector 𝟏 (not 1, which reads back as the number) and a
        // matrix of ones 𝟏 𝟏ᵀ, as input sizes them by context (docs/language.md).
        std::string ones = latex_ ? std::string("\\mathbf{1}") + (row ? top : "")
                           : row ? "𝟏" + top
                           : column ? std::string("𝟏")
                                    : "𝟏 𝟏" + top;
        if (e->value == 1) return ones;
        // c 1ᵀ, a product written as juxtaposition; not c·1ᵀ, which reads as an inner product.
        return number_text(e->value) + " " + ones;
    }

    void call(Expr e, std::vector<Piece>& out) {
        const OpInfo& op = *e->op;
        std::size_t n = e->args.size();
        // An optional second argument left at its default is not written: leaky_relu(z).
        if (n == 2 && op.min_args < 2 && number(e->args[1]) && e->args[1]->value == op.default_second) n = 1;
        std::string_view name = spelling(op);
        if (op.kind == Kind::Kron && !ascii_) name = latex_ ? "\\operatorname{kron}" : op.ascii;  // ⊗ is Hadamard here
        if (op.notation == Notation::Special && !ascii_) {  // ‖x‖
            if (!latex_) {
                text(out, std::string(name));
                child(out, e->args[0]);
                return text(out, std::string(name));
            }
            std::string close(name);
            if (close.starts_with("\\left")) close.replace(0, 5, "\\right");
            text(out, std::string(name) + " ");
            child(out, e->args[0]);
            return text(out, " " + close);
        }
        if (latex_ && op.kind == Kind::Norm1) {  // ‖x‖₁ (the table's LaTeX is only "\|")
            std::string_view norm = op_of(Kind::Norm).latex;
            std::string close(norm);
            if (close.starts_with("\\left")) close.replace(0, 5, "\\right");
            text(out, std::string(norm) + " ");
            child(out, e->args[0]);
            return text(out, " " + close + "_{1}");
        }
        if (latex_ && latex_takes_braces(name) && n == 1) {
            text(out, std::string(name) + "{");
            child(out, e->args[0]);
            return text(out, "}");
        }
        text(out, std::string(name) + (latex_ ? "\\left(" : "("));
        for (std::size_t i = 0; i < n; ++i) {
            if (i) text(out, ", ");
            child(out, e->args[i]);
        }
        text(out, latex_ ? "\\right)" : ")");
    }

    // x[2:3], A[1:2, 2:4]: 1-based and inclusive, as MATLAB indexes.
    void block(Expr e, std::vector<Piece>& out) {
        Expr a = e->args[0];
        child(out, a, precedence(a) < kAtom);
        Shape whole = cx_.shape(a), s = cx_.shape(e);
        auto range = [&](Dim from, Dim size, Dim whole_size) {
            from = sizes_.resolve(from);
            size = sizes_.resolve(size);
            if (from == 0 && sizes_.same(size, whole_size)) return std::string(":");  // X[:, j]
            if (size == 1) return is_symbol(from) ? sizes_.name(from) + "+1" : std::to_string(from + 1);  // x[2]
            if (!is_symbol(from) && !is_symbol(size)) return std::to_string(from + 1) + ":" + std::to_string(from + size);
            std::string first = is_symbol(from) ? sizes_.name(from) + "+1" : std::to_string(from + 1);
            std::string last = from == 0            ? sizes_.name(size)
                               : !is_symbol(from) ? sizes_.name(size) + "+" + std::to_string(from)
                                                  : sizes_.name(from) + "+" + sizes_.name(size);
            return first + ":" + last;
        };
        std::string index;
        if (sizes_.is_one(whole.cols)) index = range(e->dim, s.rows, whole.rows);
        else if (sizes_.is_one(whole.rows)) index = range(e->dim2, s.cols, whole.cols);
        else index = range(e->dim, s.rows, whole.rows) + ", " + range(e->dim2, s.cols, whole.cols);
        text(out, latex_ ? "_{" + index + "}" : "[" + index + "]");
    }

    void stack(Expr e, std::vector<Piece>& out) {
        std::size_t per_row = static_cast<std::size_t>(e->param);
        text(out, latex_ ? "\\begin{bmatrix} " : "[");
        for (std::size_t i = 0; i < e->args.size(); ++i) {
            if (i) text(out, i % per_row == 0 ? (latex_ ? " \\\\ " : "; ") : (latex_ ? " & " : ", "));
            child(out, e->args[i]);
        }
        text(out, latex_ ? " \\end{bmatrix}" : "]");
    }

    // The operator between two operands, with its spaces.
    std::string binary_operator(Expr e) const {
        const OpInfo& op = *e->op;
        if (juxtaposed(e)) return std::string(spelling(op_of(Kind::MatMul)));
        std::string_view s = spelling(op);
        if (is(e, hadamard_) && o_.hadamard_as_otimes && !ascii_) s = latex_ ? "\\otimes" : "⊗";
        bool scalar_side = scalar(e->args[0]) || scalar(e->args[1]);
        // `.*` and `./` lose their dot when a side is a scalar: 2 * x, x / 2.
        if (ascii_ && scalar_side && s.size() > 1 && s[0] == '.') s.remove_prefix(1);
        // Division of scalars: a / b, not a ⊘ b.
        if (!ascii_ && is(e, div_) && scalar(e->args[0]) && scalar(e->args[1])) s = op.spellings.front();
        if (level(op) > kMultiplicative || op.kind == Kind::Dot) {
            if (op.kind == Kind::Dot && latex_) return " " + std::string(s) + " ";
            return std::string(s);
        }
        return " " + std::string(s) + " ";
    }

    void binary(Expr e, std::vector<Piece>& out, bool first_only) {
        Expr l = e->args[0], r = e->args[1];
        if (swapped(e)) std::swap(l, r);
        if (fraction(e)) {
            text(out, "\\frac{");
            child(out, l);
            text(out, "}{");
            child(out, r);
            return text(out, "}");
        }
        int p = precedence(e), lp = precedence(l);
        bool power = is(e, pow_);
        bool left_parens = power ? (ascii_ ? lp <= kPower : lp < kAtom)
                                 : lp < p || (!ascii_ && lp == p && p == kMultiplicative && op_class(l) != op_class(e));
        // The operands of w·x are atoms or postfix forms: (W x)·y, not W x·y.
        bool dot = e->op->kind == Kind::Dot;
        if (dot && lp < kPostfix) left_parens = true;
        if (broadcast_number(e, l)) text(out, number_text(l->value));
        else child(out, l, left_parens);
        if (first_only) return;
        if (superscript_power(e)) return text(out, superscript(format_number(r->value)));
        if (power && latex_) {
            text(out, std::string(e->op->latex) + "{");
            child(out, r);
            return text(out, "}");
        }
        text(out, binary_operator(e));
        int rp = precedence(r);
        bool right_parens;
        if (power) right_parens = rp < kPower;
        else right_parens = rp < p || (rp == p && (ascii_ || op_class(r) != op_class(e) || !associative(e)));
        if (dot && rp < kPostfix) right_parens = true;
        // x ⊘ (W y), a / (b c): a juxtaposed product after a non-associative operator.
        // After ⊙ too, as input reads `a ⊙ B C` as (a ⊙ B) C, unless that is the same:
        // a column (or a number) a, whose ⊙ scales rows as a product from the left does.
        if (p == kMultiplicative && rp == kJuxtaposition &&
            (!associative(e) || !sizes_.is_one(cx_.shape(l).cols)))
            right_parens = true;
        if (!right_parens) {
            Lead first = lead(r);
            right_parens = first == Lead::Minus || (juxtaposed(e) && first == Lead::Digit);
        }
        if (broadcast_number(e, r)) {
            std::string n = number_text(r->value);
            return text(out, lead_of(n) == Lead::Minus ? (latex_ ? "\\left(" + n + "\\right)" : "(" + n + ")") : n);
        }
        child(out, r, right_parens);
    }

    // x − 0.5, not x − 0.5 𝟏, and 1 − x: in a sum a number broadcasts, so a constant vector or
    // matrix c 1 beside an operand of its shape is written as the number alone, as a
    // person writes it (and as the language reads it back). ASCII keeps ones(n): it
    // parses back to the same tree.
    bool broadcast_number(Expr e, Expr operand) const {
        if (ascii_ || (!is(e, add_) && !is(e, sub_)) || name_of(operand)) return false;
        if (operand->op->kind != Kind::Constant || scalar(operand)) return false;
        if (operand->value == 0) return false;
        Expr other = operand == e->args[0] ? e->args[1] : e->args[0];
        return sizes_.same(cx_.shape(other), cx_.shape(operand));
    }

    const Context& cx_;
    const SizeTable& sizes_;
    const PrintOptions& o_;
    bool ascii_, latex_;
    const OpInfo& add_ = info(Op::Add);
    const OpInfo& sub_ = info(Op::Sub);
    const OpInfo& hadamard_ = info(Op::Hadamard);
    const OpInfo& div_ = info(Op::Div);
    const OpInfo& pow_ = info(Op::Pow);
    const char juxtaposed_tag_ = 0;
    Expr unnamed_ = nullptr;  // the root, written out although it has a name (a definition)
    std::unordered_map<Expr, Lead> lead_memo_;
};

}  // namespace

std::string print(const Context& cx, Expr e, const PrintOptions& options) {
    return Printer(cx, options).run(e);
}

}  // namespace matcalc
