// Values files (README, Commands, `--at VALUES.json`): names to numbers, sizes inferred from
// the values and checked against the declarations; initial values of the model fill in
// what the file does not give. Every problem is an InputError at the offending JSON text.
#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"

namespace matcalc {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// How a value is written in the file.
enum class Form { Number, List, Rows };

struct Read {
    MatrixXd m;
    Form form = Form::Number;
};

std::string describe(const Read& v) {
    switch (v.form) {
    case Form::Number: return "a number";
    case Form::List: return fmt::format("a list of {} number{}", v.m.size(), v.m.size() == 1 ? "" : "s");
    case Form::Rows:
        return fmt::format("a list of {} row{} of {} number{}", v.m.rows(), v.m.rows() == 1 ? "" : "s", v.m.cols(),
                           v.m.cols() == 1 ? "" : "s");
    }
    return "a value";
}

const char* const kFormsNote = "a value is a number, a list of numbers (a vector) or a list of rows (a matrix)";

double number_in(const json::Value& v, const std::string& name) {
    if (v.is_number()) {
        // The JSON reader rejects numbers that overflow; this guards values built otherwise.
        if (!std::isfinite(v.as_number()))
            throw InputError(fmt::format("the value of '{}' has a number that is not finite", name), v.range());
        return v.as_number();
    }
    if (v.is_array())
        throw InputError(fmt::format("the value of '{}' is nested too deeply: expected a number here", name),
                         v.range(), {kFormsNote});
    throw InputError(fmt::format("expected a number in the value of '{}', found {}", name, json::kind_name(v.kind())),
                     v.range(), {kFormsNote});
}

// The numbers of a value, in the form they are written.
Read read_value(const json::Value& v, const std::string& name) {
    Read out;
    if (v.is_number()) {
        out.m = MatrixXd::Constant(1, 1, number_in(v, name));
        return out;
    }
    if (!v.is_array())
        throw InputError(fmt::format("the value of '{}' must be a number or a list, not {}", name,
                                     json::kind_name(v.kind())),
                         v.range(), {kFormsNote});
    const auto& items = v.items();
    if (items.empty()) throw InputError(fmt::format("the value of '{}' is an empty list", name), v.range());
    if (!items[0].is_array()) {
        out.form = Form::List;
        out.m.resize(static_cast<Index>(items.size()), 1);
        for (std::size_t i = 0; i < items.size(); ++i) out.m(static_cast<Index>(i), 0) = number_in(items[i], name);
        return out;
    }
    out.form = Form::Rows;
    const std::size_t width = items[0].size();
    if (width == 0) throw InputError(fmt::format("row 1 of the value of '{}' is empty", name), items[0].range());
    if (items.size() > static_cast<std::size_t>(kMaxEntries) / width)
        throw InputError(fmt::format("the value of '{}' is too large", name), v.range());
    out.m.resize(static_cast<Index>(items.size()), static_cast<Index>(width));
    for (std::size_t r = 0; r < items.size(); ++r) {
        const json::Value& row = items[r];
        if (!row.is_array())
            throw InputError(fmt::format("row {} of the value of '{}' is {}, but row 1 is a list", r + 1, name,
                                         json::kind_name(row.kind())),
                             row.range(), {"a matrix is a list of rows, each a list of numbers"});
        if (row.size() != width)
            throw InputError(fmt::format("row {} of the value of '{}' has {} number{}, but row 1 has {}", r + 1, name,
                                         row.size(), row.size() == 1 ? "" : "s", width),
                             row.range(), {"every row of a matrix needs the same number of entries"});
        for (std::size_t c = 0; c < width; ++c)
            out.m(static_cast<Index>(r), static_cast<Index>(c)) = number_in(row.items()[c], name);
    }
    return out;
}

// Reads one file into an Env, recording which name fixed each size for the messages.
class Loader {
public:
    Loader(Model& model, Env& env) : model_(model), sizes_(model.cx().sizes()), env_(env) {}

    void file(const Source& src) {
        json::Value doc = json::parse(src);
        if (!doc.is_object())
            throw InputError(fmt::format("a values file is a JSON object from names to values, not {}",
                                         json::kind_name(doc.kind())),
                             doc.range(), {"for example {\"w\": [0.5, -1], \"b\": 0.1, \"W\": [[1, 2], [3, 4]]}"});
        for (const json::Member& m : doc.members()) member(m);
    }

private:
    void member(const json::Member& m) {
        const Symbol* s = model_.find(m.key);
        if (!s) {
            if (Dim d = sizes_.find(m.key)) return size_value(m, d);
            std::vector<std::string> names;
            for (const Symbol& sym : model_.symbols())
                if (sym.kind == Symbol::Kind::Declared) names.push_back(sym.name);
            throw InputError(fmt::format("the model has no variable named '{}'", m.key), m.key_range,
                             did_you_mean(m.key, names));
        }
        if (s->kind != Symbol::Kind::Declared) {
            LineColumn lc = line_column(model_.source().text, s->range.begin);
            throw InputError(fmt::format("'{}' is defined by the model (line {}); only declared variables take values",
                                         m.key, lc.line),
                             m.key_range);
        }
        Read v = read_value(m.value, m.key);
        const Shape declared = sizes_.resolve(s->declared_shape);
        if (v.form == Form::List && !sizes_.is_one(declared.cols)) {
            if (sizes_.is_one(declared.rows)) {
                v.m.transposeInPlace();  // a flat list for a row vector
            } else {
                throw InputError(fmt::format("'{}' is declared {}, so its value is a list of rows, not {}", m.key,
                                             sizes_.describe(declared), describe(v)),
                                 m.value.range(), {"for example [[1, 2, 3], [4, 5, 6]] for a 2×3 matrix"});
            }
        }
        fix(declared.rows, v.m.rows(), m, s, v);
        fix(declared.cols, v.m.cols(), m, s, v);
        env_.values[m.key] = std::move(v.m);
    }

    // Makes the declared size d equal to the value's `actual`.
    void fix(Dim d, Index actual, const json::Member& m, const Symbol* s, const Read& v) {
        d = sizes_.resolve(d);
        auto mismatch = [&] {
            return InputError(fmt::format("'{}' is declared {}, but its value is {}", m.key,
                                          sizes_.describe(s->declared_shape), describe(v)),
                              m.value.range());
        };
        if (!is_symbol(d)) {
            if (d != actual) throw mismatch();
            return;
        }
        auto [it, inserted] = env_.sizes.emplace(d, actual);
        if (inserted) {
            fixed_by_[d] = m.key;
            return;
        }
        if (it->second == actual) return;
        const std::string& first = fixed_by_[d];
        if (first == m.key) throw mismatch();  // matrix(n, n) given a non-square value
        bool direct = sizes_.find(first) == d && !model_.find(first);
        throw InputError(fmt::format("{} is {} {} but {} for '{}'", sizes_.name(d), it->second,
                                     direct ? "as given" : fmt::format("for '{}'", first), actual, m.key),
                         m.value.range(),
                         {fmt::format("every value of size {} must have the same length", sizes_.name(d))});
    }

    // `"n": 3` gives a size directly.
    void size_value(const json::Member& m, Dim d) {
        const json::Value& v = m.value;
        if (!v.is_number() || v.as_number() < 1 || v.as_number() > 1e9 || v.as_number() != std::floor(v.as_number()))
            throw InputError(fmt::format("'{}' is a size: its value must be a positive integer", m.key), v.range());
        Index n = static_cast<Index>(v.as_number());
        d = sizes_.resolve(d);
        if (!is_symbol(d)) {
            if (d != n) throw InputError(fmt::format("{} is {} in the model, not {}", m.key, d, n), v.range());
            return;
        }
        auto [it, inserted] = env_.sizes.emplace(d, n);
        if (inserted) {
            fixed_by_[d] = m.key;
        } else if (it->second != n) {
            throw InputError(fmt::format("{} is {} for '{}' but {} as given", m.key, it->second, fixed_by_[d], n),
                             v.range());
        }
    }

    Model& model_;
    const SizeTable& sizes_;
    Env& env_;
    std::unordered_map<Dim, std::string> fixed_by_;
};

// True when every variable and size e needs is in env.
bool computable(const Context& cx, Expr e, const Env& env) {
    std::vector<char> seen(cx.node_count(), 0);
    std::vector<Expr> todo{e};
    while (!todo.empty()) {
        Expr n = todo.back();
        todo.pop_back();
        if (seen[n->id]) continue;
        seen[n->id] = 1;
        if (n->op->kind == Kind::Variable && !env.values.count(n->name)) return false;
        try {
            concrete_shape(cx, n, env);
        } catch (const InputError&) {
            return false;
        }
        for (Expr a : n->args) todo.push_back(a);
    }
    return true;
}

// Binds a declaration's initial value (`param b : vector(n) = vector(0.1)`) in the model.
// The binder checked it when the model was loaded, so a failure here is not the user's
// values file: it is reported without a position, naming the symbol.
Expr bind_initial(Model& model, const Symbol& s) {
    const std::string& text = model.source().text;
    const SourceRange r = s.initial_value->range;
    if (r.end <= r.begin || r.end > text.size()) return nullptr;
    Context& cx = model.cx();
    try {
        Expr v = model.bind_expression(std::string_view(text).substr(r.begin, r.end - r.begin));
        // Sizes left open by the expression (vector(0.1)) are the declared ones.
        cx.sizes().unify(cx.shape(v).rows, s.declared_shape.rows);
        cx.sizes().unify(cx.shape(v).cols, s.declared_shape.cols);
        return v;
    } catch (const InputError& e) {
        throw InputError(fmt::format("the initial value of '{}': {}", s.name, e.what()));
    }
}

// Values for the declared symbols the env has none for, in order of declaration (an
// initial value may use earlier names): a declaration's initial value, or for a
// definition cut into a variable (BindOptions::free_definitions) its expression. Those
// that need a value or size nobody gave are left out (require_values names them).
void fill_initial(Model& model, Env& env) {
    Context& cx = model.cx();
    for (std::size_t i = 0; i < model.symbols().size(); ++i) {
        const Symbol s = model.symbols()[i];  // a copy: binding below may add symbols
        if (s.kind != Symbol::Kind::Declared || env.values.count(s.name)) continue;
        Expr v = s.cut_from ? s.cut_from : s.initial_value ? bind_initial(model, s) : nullptr;
        if (!v || !computable(cx, v, env)) continue;
        Eigen::Index rows = 0, cols = 0;
        try {
            std::tie(rows, cols) = concrete_shape(cx, s.expr, env);
        } catch (const InputError&) {
            continue;  // a size of the variable itself is unknown
        }
        MatrixXd value = evaluate(cx, v, env);
        if (value.size() == 1 && rows * cols != 1) value = MatrixXd::Constant(rows, cols, value(0, 0));
        if (value.rows() != rows || value.cols() != cols)
            throw InputError(fmt::format("the initial value of '{}' is {}×{}, but '{}' is {}×{}", s.name,
                                         value.rows(), value.cols(), s.name, rows, cols));
        env.values[s.name] = std::move(value);
    }
}

}  // namespace

Env load_values(Model& model, const Source& values_json) {
    Env env;
    Loader(model, env).file(values_json);
    fill_initial(model, env);
    return env;
}

Env initial_values(Model& model) {
    Env env;
    fill_initial(model, env);
    return env;
}

void fill_initial_values(Model& model, Env& env) { fill_initial(model, env); }

}  // namespace matcalc
