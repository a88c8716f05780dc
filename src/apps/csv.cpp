// Reading training data from CSV (include/matcalc/apps/data.hpp): fields, numbers, the
// header, and the target column as numbers or one-hot classes.
#include "matcalc/apps/data.hpp"
#include "matcalc/io/number_text.hpp"
#include "data_internal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

namespace matcalc::data {
namespace {

// A field's place in the text. Unquoted: [begin, end) is its content, spaces trimmed.
// Quoted: [begin, end) spans the quotes; `escaped` when it holds a doubled quote.
struct Field {
    std::uint32_t begin = 0, end = 0;  // the text is at most 64 MiB
    bool quoted = false, escaped = false;
    SourceRange range() const { return {begin, end}; }
};

std::string_view trim_view(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A field's text: a view into the file, or for an escaped field into `scratch`.
// Spaces inside quotes are trimmed too, so that " 1.5" is the number 1.5.
std::string_view content(const std::string& text, const Field& f, std::string& scratch) {
    if (!f.quoted) return std::string_view(text).substr(f.begin, f.end - f.begin);
    std::string_view inner = std::string_view(text).substr(f.begin + 1, f.end - f.begin - 2);
    if (!f.escaped) return trim_view(inner);
    scratch.clear();
    for (std::size_t i = 0; i < inner.size(); ++i) {
        scratch += inner[i];
        if (inner[i] == '"') ++i;  // "" stands for "
    }
    return trim_view(scratch);
}

// What a cell holds. read_double (std::from_chars's grammar) does not depend on the locale.
struct Number {
    enum Kind { Finite, Text, Bad } kind = Text;  // Bad: "inf", "nan", "1e999"
    double value = 0;
};

Number parse_number(std::string_view s) {
    if (s.starts_with('+')) {  // from_chars takes '-' only
        s.remove_prefix(1);
        if (s.starts_with('-') || s.starts_with('+')) return {};
    }
    double v = 0;
    const auto [end, ec] = read_double(s.data(), s.data() + s.size(), v);
    if (end != s.data() + s.size()) return {};
    if (ec != std::errc() || !std::isfinite(v)) return {Number::Bad, 0};
    return {Number::Finite, v};
}

bool is_integer(double v) { return std::floor(v) == v && std::fabs(v) <= 0x1.0p53; }

// Splits the text into records, one call per record.
class CsvReader {
public:
    explicit CsvReader(const std::string& text) : t_(text) {
        if (t_.starts_with("\xEF\xBB\xBF")) p_ = 3;  // a UTF-8 byte-order mark (Excel)
    }

    bool done() const { return p_ >= t_.size(); }
    std::size_t position() const { return p_; }

    // Reads one record into `fields`; more than `max_fields` fields is the error `too_many`
    // at the first extra one. Returns the offset where the record's line ends (before CR LF).
    std::size_t next(std::vector<Field>& fields, std::size_t max_fields, const char* too_many) {
        fields.clear();
        for (;;) {
            while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t')) ++p_;
            if (fields.size() == max_fields)
                throw InputError(fmt::format(fmt::runtime(too_many), max_fields), SourceRange{p_, line_end()});
            fields.push_back(p_ < t_.size() && t_[p_] == '"' ? quoted() : unquoted());
            if (p_ < t_.size() && t_[p_] == ',') {
                ++p_;
                continue;
            }
            const std::size_t end = p_;  // at_eol(p_): skip the line end
            if (p_ < t_.size() && t_[p_] == '\r') ++p_;
            if (p_ < t_.size() && t_[p_] == '\n') ++p_;
            return end;
        }
    }

private:
    // A line ends at LF, CR LF, a CR at the end of the text, or the end of the text.
    bool at_eol(std::size_t p) const {
        return p >= t_.size() || t_[p] == '\n' || (t_[p] == '\r' && (p + 1 == t_.size() || t_[p + 1] == '\n'));
    }
    std::size_t line_end() const {
        std::size_t e = p_;
        while (!at_eol(e)) ++e;
        return e;
    }

    Field quoted() {
        Field f;
        f.quoted = true;
        f.begin = static_cast<std::uint32_t>(p_);
        std::size_t q = t_.find('"', p_ + 1);
        for (; q != std::string::npos && q + 1 < t_.size() && t_[q + 1] == '"'; q = t_.find('"', q + 2))
            f.escaped = true;  // "" stands for "
        if (q == std::string::npos)
            throw InputError("this quote is never closed", SourceRange{p_, p_ + 1},
                             {"a quote inside a quoted field is written twice: \"say \"\"hi\"\"\""});
        p_ = q + 1;
        f.end = static_cast<std::uint32_t>(p_);
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t')) ++p_;
        if (p_ < t_.size() && t_[p_] != ',' && !at_eol(p_))
            throw InputError("unexpected text after a closing quote; expected ',' or the end of the line",
                             SourceRange{p_, p_ + 1});
        return f;
    }

    Field unquoted() {
        const std::size_t start = p_;
        while (p_ < t_.size() && t_[p_] != ',' && !at_eol(p_)) {
            if (t_[p_] == '"')
                throw InputError("a quote inside an unquoted field", SourceRange{p_, p_ + 1},
                                 {"quote the whole field and double the quotes inside it: \"say \"\"hi\"\"\""});
            ++p_;
        }
        std::size_t end = p_;
        while (end > start && (t_[end - 1] == ' ' || t_[end - 1] == '\t')) --end;
        return Field{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), false, false};
    }

    const std::string& t_;
    std::size_t p_ = 0;
};

bool blank(const std::vector<Field>& fields) {
    return fields.size() == 1 && !fields[0].quoted && fields[0].begin == fields[0].end;
}

// The header: distinct, non-empty names.
std::vector<std::string> read_header(const std::string& text, CsvReader& reader) {
    std::vector<Field> fields;
    reader.next(fields, kMaxColumns, "the header has more than {} columns, the limit");
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    std::string scratch;
    for (const Field& f : fields) {
        std::string name(content(text, f, scratch));
        if (name.empty())
            throw InputError(fmt::format("column {} of the header has no name", names.size() + 1), f.range(),
                             {"the first line of a CSV file names its columns"});
        if (!seen.insert(name).second)
            throw InputError(fmt::format("a second column named '{}'", name), f.range());
        names.push_back(std::move(name));
    }
    return names;
}

// The target column's cells, as read: a number or a label to look at again later.
struct TargetCells {
    std::vector<double> value;  // 0 when the cell is not a number
    std::vector<Field> field;
    std::optional<std::size_t> first_text;  // the first cell that is not a number
};

// One-hot targets: the classes are the distinct keys in sorted order (std::map's).
template <class Key, class KeyOf, class Name>
void one_hot(Dataset& d, const TargetCells& cells, KeyOf key_of, Name name) {
    const std::size_t n = cells.field.size();
    std::map<Key, Eigen::Index> column;
    for (std::size_t i = 0; i < n; ++i) {
        if (!column.try_emplace(key_of(i), 0).second) continue;
        if (column.size() > kMaxClasses || column.size() * n > kMaxCells)
            throw InputError(column.size() > kMaxClasses
                                 ? fmt::format("the target column has more than {} classes", kMaxClasses)
                                 : fmt::format("the one-hot targets would have more than {} cells", kMaxCells),
                             cells.field[i].range());
    }
    for (auto& [key, c] : column) {
        c = static_cast<Eigen::Index>(d.classes.size());
        d.classes.push_back(name(key));
    }
    d.Y.setZero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(column.size()));
    for (std::size_t i = 0; i < n; ++i) d.Y(static_cast<Eigen::Index>(i), column.at(key_of(i))) = 1.0;
    d.kind = TargetKind::Classes;
}

void build_target(Dataset& d, const std::string& text, const TargetCells& cells, Targets targets) {
    if (cells.first_text && targets == Targets::Numeric)
        throw InputError(fmt::format("the target column '{}' must be numeric, but this cell is not a number",
                                     d.target_name),
                         cells.field[*cells.first_text].range());
    if (cells.first_text) {  // text labels, sorted by bytes
        std::string scratch;
        return one_hot<std::string>(
            d, cells, [&](std::size_t i) { return std::string(content(text, cells.field[i], scratch)); },
            [](const std::string& label) { return label; });
    }
    const auto integer_classes = [&] {  // sorted numerically; -0 + 0 is +0, so -0 and 0 are one
        one_hot<double>(
            d, cells, [&](std::size_t i) { return cells.value[i] + 0.0; },
            [](double v) { return fmt::format("{}", static_cast<long long>(v)); });
    };
    const auto non_integer = std::find_if(cells.value.begin(), cells.value.end(), [](double v) { return !is_integer(v); });
    if (targets == Targets::Classes && non_integer != cells.value.end())
        throw InputError(fmt::format("the target column '{}' has a number that is not an integer, so it cannot "
                                     "be a class label",
                                     d.target_name),
                         cells.field[static_cast<std::size_t>(non_integer - cells.value.begin())].range());
    if (targets == Targets::Classes) return integer_classes();
    if (targets == Targets::Auto && non_integer == cells.value.end()) {
        std::set<double> distinct;  // up to 51: more is not a set of class codes
        for (std::size_t i = 0; i < cells.value.size() && distinct.size() <= 50; ++i)
            distinct.insert(cells.value[i] + 0.0);
        if (distinct.size() >= 3 && distinct.size() <= 50) return integer_classes();
    }
    d.Y = Eigen::Map<const Eigen::VectorXd>(cells.value.data(), static_cast<Eigen::Index>(cells.value.size()));
    d.kind = (d.Y.array() == 0.0 || d.Y.array() == 1.0).all() ? TargetKind::Binary : TargetKind::Numeric;
}

// A feature cell that is not a finite number.
[[noreturn]] void bad_feature(std::string_view cell, const Field& f, const std::string& column, bool target_named) {
    if (cell.empty())
        throw InputError(fmt::format("this cell of the feature column '{}' is empty", column), f.range(),
                         {"missing values are not supported"});
    InputError e(fmt::format("the feature column '{}' must be numeric, but this cell is not a number", column),
                 f.range());
    if (!target_named) e.add_note("the target is the last column unless it is named (--target COLUMN)");
    throw e;
}

}  // namespace

Dataset read_csv(const Source& csv, std::optional<std::string> target_column, Targets targets) {
    const std::string& text = csv.text;
    if (text.size() > kMaxCsvBytes)
        throw InputError(fmt::format("the file has {} bytes, more than the limit of {} MiB", text.size(),
                                     kMaxCsvBytes >> 20));
    CsvReader reader(text);
    if (reader.done()) throw InputError("the file is empty; a CSV file starts with a header row naming its columns");
    const std::vector<std::string> names = read_header(text, reader);
    if (names.size() < 2)
        throw InputError("the file has one column; it needs at least one feature column and the target column",
                         SourceRange{0, 0});
    const auto named = target_column ? std::find(names.begin(), names.end(), *target_column) : names.end() - 1;
    if (named == names.end()) {
        InputError e(fmt::format("the file has no column named '{}'", *target_column), std::nullopt,
                     did_you_mean(*target_column, names));
        e.add_note("its columns are " + quoted_list(names));
        throw e;
    }
    const auto target = static_cast<std::size_t>(named - names.begin());
    Dataset d;
    d.target_name = names[target];
    for (std::size_t j = 0; j < names.size(); ++j)
        if (j != target) d.feature_names.push_back(names[j]);

    // X is written in place: the lines bound the rows, and more than kMaxCells / columns
    // rows are an error anyway.
    const std::size_t columns = names.size();
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + (text.ends_with('\n') ? 0 : 1);
    const auto bound = static_cast<Eigen::Index>(std::min(lines - 1, kMaxCells / columns + 1));
    d.X.resize(bound, static_cast<Eigen::Index>(columns - 1));
    TargetCells cells;
    cells.value.reserve(static_cast<std::size_t>(bound));
    cells.field.reserve(static_cast<std::size_t>(bound));
    std::vector<Field> fields;
    std::string scratch;
    std::optional<std::size_t> blank_line;  // blank lines are allowed only at the end
    Eigen::Index rows = 0;
    while (!reader.done()) {
        const std::size_t line_begin = reader.position();
        const std::size_t line_end = reader.next(fields, columns, "this row has more fields than the header's {}");
        if (blank(fields)) {
            blank_line = blank_line.value_or(line_begin);
            continue;
        }
        if (blank_line)
            throw InputError("a blank line between rows; only blank lines at the end are ignored",
                             SourceRange{*blank_line, *blank_line});
        if (fields.size() < columns)
            throw InputError(fmt::format("this row has {} field{}, but the header has {} columns", fields.size(),
                                         fields.size() == 1 ? "" : "s", columns),
                             SourceRange{line_end, line_end});
        if (static_cast<std::size_t>(rows + 1) * columns > kMaxCells)
            throw InputError(fmt::format("the file has more than {} cells (rows × columns), the limit", kMaxCells),
                             SourceRange{line_begin, line_end});
        for (std::size_t j = 0, feature = 0; j < columns; ++j) {
            const Field& f = fields[j];
            const std::string_view cell = content(text, f, scratch);
            const Number v = parse_number(cell);
            if (v.kind == Number::Bad)  // a number gone wrong, not a class label
                throw InputError("this number is not finite or is out of the range of a double (±1.8e308)", f.range());
            if (j != target) {
                if (v.kind != Number::Finite) bad_feature(cell, f, names[j], target_column.has_value());
                d.X(rows, static_cast<Eigen::Index>(feature++)) = v.value;
                continue;
            }
            if (cell.empty())
                throw InputError(fmt::format("this cell of the target column '{}' is empty", d.target_name), f.range(),
                                 {"missing values are not supported"});
            if (v.kind == Number::Text && !cells.first_text) cells.first_text = cells.field.size();
            cells.value.push_back(v.value);
            cells.field.push_back(f);
        }
        ++rows;
    }
    if (rows == 0) throw InputError("the file has a header but no data rows");
    if (rows < bound) d.X.conservativeResize(rows, d.X.cols());
    build_target(d, text, cells, targets);
    return d;
}

std::vector<Record> read_records(const Source& csv) {
    if (csv.text.size() > kMaxCsvBytes)
        throw InputError(fmt::format("the file is larger than the limit of {} MiB", kMaxCsvBytes >> 20));
    CsvReader reader(csv.text);
    std::vector<Record> records;
    std::vector<Field> fields;
    std::string scratch;
    while (!reader.done()) {
        const std::size_t start = reader.position();
        reader.next(fields, kMaxColumns, "a line has more than {} fields, the limit");
        if (blank(fields)) continue;
        Record r;
        r.line = line_column(csv.text, start).line;
        for (const Field& f : fields) {
            r.fields.emplace_back(content(csv.text, f, scratch));
            r.ranges.push_back(f.range());
        }
        records.push_back(std::move(r));
    }
    return records;
}

}  // namespace matcalc::data
