// `matcalc compare` (docs/compare.md): one claim (--claim) in text, LaTeX or JSON, or a file
// of claims graded into a table (--claims) and a CSV report (--report). Errors in the model
// are rendered against the model, errors in a claim against the claim (`--claim:1:7:`).
#include "cli_options.hpp"

#include <sstream>

#include <fmt/format.h>

#include "matcalc/apps/compare.hpp"
#include "matcalc/apps/data.hpp"
#include "matcalc/cli/cli.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/io/output_file.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/print/print.hpp"

namespace matcalc::cli {

namespace {

// The model, cut at the variable when it is a definition (∂L/∂z holds the rest fixed).
struct Loaded {
    Source source;
    std::unique_ptr<Model> model;
    const Symbol* f = nullptr;
    const Symbol* x = nullptr;
};

Source model_source(const Options& o) {
    return o.model_text ? Source{"-e", *o.model_text} : read_source(*o.model_file, kMaxInputBytes);
}

Loaded load(const Options& o, const Source& source, std::ostream& err) {
    Loaded l;
    l.source = source;
    BindOptions binding;
    binding.infer = o.infer;
    l.model = std::make_unique<Model>(load_model(l.source, binding));
    if (!l.model->assumed().empty()) err << assumption_note(*l.model) << "\n";
    const std::string& w = o.wrt.front();
    const Symbol* sym = l.model->find(w);
    if (!sym) {
        std::string names;
        for (const Symbol& c : l.model->symbols()) names += (names.empty() ? "" : ", ") + c.name;
        throw InputError(fmt::format("--wrt {}: the model has no symbol named '{}'", w, w), std::nullopt,
                         {fmt::format("the model's symbols: {}", names.empty() ? "none" : names)});
    }
    if (sym->kind == Symbol::Kind::Defined) {
        if (sym == &l.model->function(o.of))
            throw InputError(fmt::format("--wrt {}: that is the function being differentiated", w));
        binding.free_definitions.push_back(w);
        l.model = std::make_unique<Model>(load_model(l.source, binding));
    }
    l.f = &l.model->function(o.of);
    l.x = l.model->find(w);
    return l;
}

std::string verdict_line(const CompareResult& r, const Symbol& f, const Symbol& x, const CompareOptions& co) {
    const std::string what = fmt::format("∂{}/∂{} (compared as the {}{})", f.name, x.name, r.compared_as == ComparedAs::Jacobian ? "Jacobian" : "gradient",
                                         r.transposed_shape ? ", transposed" : "");
    if (r.equal && r.symbolic) return fmt::format("equal: the claim is {}: symbolically\n", what);
    if (r.equal)
        return fmt::format("equal: the claim is {}: numerically, at {} point{} (seed {}), largest error {:.3g} (tolerance {:.3g})\n",
                           what, r.points, r.points == 1 ? "" : "s", co.seed, r.max_error, co.tolerance);
    return fmt::format("not equal: the claim is not {}\n", what);
}

// The point where they differ, one variable a line, in the values format.
std::string point_text(const Model& model, const Env& point) {
    std::string s;
    for (const Symbol& sym : model.symbols()) {
        auto it = point.values.find(sym.name);
        if (sym.kind != Symbol::Kind::Declared || it == point.values.end()) continue;
        s += fmt::format("    {} = {}\n", sym.name, value_json(it->second));
    }
    return s;
}

void write_point(json::Writer& w, const Model& model, const Env& point) {
    w.begin_object();
    for (const Symbol& sym : model.symbols()) {
        auto it = point.values.find(sym.name);
        if (sym.kind != Symbol::Kind::Declared || it == point.values.end()) continue;
        w.key(sym.name);
        if (sym.type == ast::TypeSpec::Kind::Matrix) write_rows(w, it->second);  // as declared
        else write_value(w, it->second, model.cx().sizes(), sym.declared_shape);
    }
    w.end_object();
}

CompareOptions compare_options(const Options& o) {
    CompareOptions co;
    co.points = o.check.points;
    co.seed = o.check.seed;
    co.tolerance = o.check.tolerance;
    return co;
}

int one_claim(const Options& o, std::ostream& out, std::ostream& err) {
    Source claim_source{"--claim", *o.claim};
    const Source source = model_source(o);
    Loaded l;
    try {
        l = load(o, source, err);
        Expr claim;
        try {
            claim = bind_claim(*l.model, claim_source);
        } catch (const InputError& e) {
            // Errors in the claim point into it; those without a place are the claim's too.
            err << render_error(claim_source, e);
            return kExitBadInput;
        }
        CompareOptions co = compare_options(o);
        CompareResult r;
        try {
            r = compare_claim(*l.model, *l.f, *l.x, claim, co);
        } catch (const InputError& e) {
            if (e.where()) throw;
            err << render_error(claim_source, e);  // "the claim is 3 × n, but ..."
            return kExitBadInput;
        }
        const Model& m = *l.model;
        const std::string format = o.format.value_or("text");
        if (format == "json") {
            json::Writer w(2);
            w.begin_object().key("equal").boolean(r.equal);
            w.key("compared_as").string(compared_as_name(r.compared_as));
            w.key("diagnosis");
            if (r.diagnosis) w.string(*r.diagnosis);
            else w.null();
            w.key("max_error").number(r.max_error);
            w.key("symbolic").boolean(r.symbolic);
            w.key("points").number(r.points);
            if (!r.equal) {
                w.key("point");
                write_point(w, m, r.point);
                w.key("claimed");
                write_value(w, r.claimed);
                w.key("expected");
                write_value(w, r.expected);
            }
            w.end_object();
            out << w.str() << "\n";
        } else if (format == "latex") {
            PrintOptions po;
            po.style = Style::Latex;
            std::string lhs = fmt::format("\\frac{{\\partial {}}}{{\\partial {}}}", latex_name(l.f->name, kScalarShape, m.cx().sizes()),
                                          latex_name(l.x->name, l.x->expr->shape, m.cx().sizes()));
            std::string rhs = print(m.cx(), claim, po);
            out << fmt::format("{} {} {}", lhs, r.equal ? "=" : r.transposed_shape ? "\\neq" : "\\neq", rhs);
            if (r.diagnosis) out << fmt::format(" \\quad \\text{{({})}}", *r.diagnosis);
            out << "\n";
        } else {
            out << verdict_line(r, *l.f, *l.x, co);
            if (!r.equal) {
                if (r.diagnosis) out << "  diagnosis: " << *r.diagnosis << "\n";
                out << fmt::format("  largest error {:.3g} (tolerance {:.3g}) over {} point{} (seed {}), at the point\n",
                                   r.max_error, co.tolerance, r.points, r.points == 1 ? "" : "s", co.seed);
                out << point_text(m, r.point);
                out << "  the claim there: " << value_json(r.claimed) << "\n";
                out << fmt::format("  ∂{}/∂{} there ({}): {}\n", l.f->name, l.x->name, compared_as_name(r.compared_as),
                                   value_json(r.expected));
            }
        }
        return r.equal ? kExitOk : kExitCheckFailed;
    } catch (const InputError& e) {
        err << render_error(source, e);
        return kExitBadInput;
    }
}

// ---------------------------------------------------------------- grading

struct Claim {
    std::string id, text;
    std::size_t line = 0;
};

// A CSV file whose header has columns `id` and `claim` (any order, others ignored), else
// one claim per line (blank lines and lines starting with # skipped; ids are line numbers).
std::vector<Claim> read_claims(const Source& file) {
    std::vector<Claim> claims;
    std::vector<data::Record> records;
    try {
        records = data::read_records(file);
    } catch (const InputError&) {
        records.clear();  // not CSV: read line by line below
    }
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (!records.empty()) {
        const std::vector<std::string>& head = records.front().fields;
        std::optional<std::size_t> id_col, claim_col;
        for (std::size_t i = 0; i < head.size(); ++i) {
            if (lower(head[i]) == "id") id_col = i;
            if (lower(head[i]) == "claim") claim_col = i;
        }
        if (id_col && claim_col) {
            for (std::size_t k = 1; k < records.size(); ++k) {
                const data::Record& rec = records[k];
                Claim c;
                c.line = rec.line;
                c.id = *id_col < rec.fields.size() ? rec.fields[*id_col] : "";
                c.text = *claim_col < rec.fields.size() ? rec.fields[*claim_col] : "";
                if (c.id.empty()) c.id = fmt::format("line {}", rec.line);
                claims.push_back(std::move(c));
            }
            return claims;
        }
    }
    std::istringstream in(file.text);
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        claims.push_back({std::to_string(n), line.substr(first), n});
    }
    return claims;
}

// A CSV field, quoted when it must be.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

int grade(const Options& o, std::ostream& out, std::ostream& err) {
    if (o.report) check_output_target(*o.report);  // before any work
    Source file = read_source(*o.claims, kMaxInputBytes);
    const Source source = model_source(o);
    try {
        load(o, source, err);  // the model's own errors end the run
    } catch (const InputError& e) {
        err << render_error(source, e);
        return kExitBadInput;
    }
    std::vector<Claim> claims = read_claims(file);
    if (claims.empty()) {
        err << render_error(file, InputError("no claims in the file", std::nullopt,
                                             {"a CSV file with columns id and claim, or one claim per line"}));
        return kExitBadInput;
    }
    const CompareOptions co = compare_options(o);
    struct Row {
        std::string id, verdict, diagnosis, claim;
        double max_error = 0;
    };
    std::vector<Row> rows;
    bool all_equal = true;
    for (const Claim& c : claims) {
        Row row{c.id, "", "", c.text, 0};
        // Each claim in a fresh copy of the model: a claim's sizes must not leak into the next.
        Loaded fresh;
        try {
            std::ostringstream notes;  // --infer's note was written once, above
            fresh = load(o, source, notes);
            Source src{fmt::format("{}:{}", *o.claims, c.line), c.text};
            Expr claim = bind_claim(*fresh.model, src);
            CompareResult r = compare_claim(*fresh.model, *fresh.f, *fresh.x, claim, co);
            row.verdict = r.equal ? "yes" : "no";
            row.diagnosis = r.diagnosis.value_or("");
            row.max_error = r.max_error;
            all_equal = all_equal && r.equal;
        } catch (const InputError& e) {
            row.verdict = "invalid";
            std::string where;
            if (e.where()) {
                LineColumn lc = line_column(c.text, e.where()->begin);
                where = fmt::format("column {}: ", lc.column);
            }
            row.diagnosis = where + e.what();
            all_equal = false;
        }
        rows.push_back(std::move(row));
    }
    std::size_t id_width = 2;
    for (const Row& r : rows) id_width = std::max(id_width, r.id.size());
    out << fmt::format("{:<{}}  {:<7}  {}\n", "id", id_width, "equal", "diagnosis");
    std::size_t equal = 0;
    for (const Row& r : rows) {
        std::string line = fmt::format("{:<{}}  {:<7}  {}", r.id, id_width, r.verdict, r.diagnosis);
        line.erase(line.find_last_not_of(' ') + 1);  // no blanks after an empty diagnosis
        out << line << "\n";
        equal += r.verdict == "yes";
    }
    out << fmt::format("{} of {} equal\n", equal, rows.size());
    if (o.report) {
        std::string csv = "id,equal,diagnosis,max_error,claim\n";
        for (const Row& r : rows)
            csv += fmt::format("{},{},{},{},{}\n", csv_field(r.id), r.verdict, csv_field(r.diagnosis),
                               r.verdict == "invalid" ? "" : json::number(r.max_error), csv_field(r.claim));
        write_file_atomically(*o.report, csv);
    }
    return all_equal ? kExitOk : kExitCheckFailed;
}

}  // namespace

int compare(const Options& o, std::ostream& out, std::ostream& err) { return o.claims ? grade(o, out, err) : one_claim(o, out, err); }

}  // namespace matcalc::cli
