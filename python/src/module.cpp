// matcalc._matcalc: the compiled half of `import matcalc`. It converts between Python and
// the plain C++ of session.hpp and nothing more: the API that people use, with its
// docstrings and reprs, is python/matcalc/__init__.py. Every engine call runs on a thread
// with a large stack and without the interpreter's lock (big_stack.hpp); an input error
// comes back as matcalc.InputError with the compiler-form message, line and column.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "big_stack.hpp"
#include "session.hpp"

#include "matcalc/io/number_text.hpp"
#include "matcalc/version.hpp"

namespace py = pybind11;
using namespace matcalc::python;

namespace {

// Runs the engine call `body` off the interpreter's lock on a big stack.
template <class Body>
auto engine(Body&& body) -> decltype(body()) {
    py::gil_scoped_release unlocked;
    return on_big_stack(std::forward<Body>(body));
}

// Text for Python, an invalid UTF-8 sequence (a model given as bytes, quoted in a
// diagnostic) as U+FFFD rather than a UnicodeDecodeError in place of the answer.
py::str text(const std::string& s) {
    PyObject* decoded = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (!decoded) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(decoded);
}

py::object shape_dim(const ShapeDim& d) {
    if (const auto* n = std::get_if<std::int64_t>(&d)) return py::int_(*n);
    return py::str(std::get<std::string>(d));
}

// A value in its values-format form: a float, a 1-D array (vec order) or a 2-D array.
py::object to_python(const Value& v) {
    switch (v.form) {
    case Form::Number: return py::float_(v.matrix(0, 0));
    case Form::List: {
        py::array_t<double> a(v.matrix.size());
        std::copy(v.matrix.data(), v.matrix.data() + v.matrix.size(), a.mutable_data());
        return a;
    }
    case Form::Rows: return py::cast(v.matrix);
    }
    return py::none();
}

std::optional<ValuesText> values_text(const std::optional<std::pair<std::string, std::string>>& at) {
    if (!at) return std::nullopt;
    return ValuesText{at->first, at->second};
}

// A table of numbers (samples as rows) as CSV text under the given header, the numbers
// written so that they read back as the same doubles: the trainer then reads an array
// exactly as it reads a file (targets, one-hot classes, checks).
std::string csv_text(const Eigen::MatrixXd& table, const std::vector<std::string>& header) {
    std::string out;
    for (std::size_t j = 0; j < header.size(); ++j) out += (j ? "," : "") + header[j];
    out += '\n';
    for (Eigen::Index i = 0; i < table.rows(); ++i) {
        for (Eigen::Index j = 0; j < table.cols(); ++j) {
            if (j) out += ',';
            out += matcalc::shortest_double(table(i, j));
        }
        out += '\n';
    }
    return out;
}

py::dict check_dict(const CheckSummary& c) {
    py::dict d;
    d["wrt"] = text(c.wrt);
    d["ok"] = c.ok;
    d["max_error"] = c.max_error;
    d["tolerance"] = c.tolerance;
    d["points"] = c.points;
    d["point"] = c.point;
    d["row"] = c.row;
    d["col"] = c.col;
    d["symbolic"] = c.symbolic;
    d["numeric"] = c.numeric;
    d["absolute_error"] = c.absolute_error;
    d["relative_error"] = c.relative_error;
    return d;
}

py::dict train_dict(const TrainOutcome& t) {
    py::dict parameters;
    for (const auto& [name, value] : t.parameters) parameters[text(name)] = to_python(value);
    py::list log;
    for (const EpochRecord& e : t.log)
        log.append(py::make_tuple(e.epoch, e.loss, e.accuracy ? py::object(py::float_(*e.accuracy)) : py::none()));
    py::dict d;
    d["parameters"] = parameters;
    d["log"] = log;
    d["test_loss"] = t.test_loss ? py::object(py::float_(*t.test_loss)) : py::none();
    d["test_accuracy"] = t.test_accuracy ? py::object(py::float_(*t.test_accuracy)) : py::none();
    d["lifted"] = t.lifted;
    return d;
}

// Raises an instance of matcalc's Python exception class `name` built from `args`.
void raise_python(const char* name, const py::tuple& args) {
    py::object cls = py::module_::import("matcalc._errors").attr(name);
    py::object error = cls(*args);
    PyErr_SetObject(cls.ptr(), error.ptr());
}

py::object optional_size(const std::optional<std::size_t>& n) { return n ? py::object(py::int_(*n)) : py::none(); }

}  // namespace

PYBIND11_MODULE(_matcalc, m) {
    m.doc() = "The compiled engine of matcalc; use the package `matcalc`, not this module.";
    m.attr("__version__") = std::string(matcalc::kVersion);

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const BindingInputError& e) {
            raise_python("InputError", py::make_tuple(text(e.what()), optional_size(e.line), optional_size(e.column)));
        } catch (const BindingInterrupted&) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        } catch (const BindingDiverged& e) {
            raise_python("TrainingDiverged", py::make_tuple(text(e.what()), e.epoch, text(e.parameter)));
        } catch (const std::bad_alloc&) {
            raise_python("InputError", py::make_tuple("error: out of memory (the input is too large)\n", py::none(),
                                                      py::none()));
        } catch (const std::exception& e) {
            // Not an input problem: a fault of the engine, reported as such (never a crash).
            raise_python("InternalError", py::make_tuple(text(std::string("matcalc: internal error: ") + e.what())));
        }
    });

    m.def("csv_text", &csv_text, py::arg("table"), py::arg("header"));

    using OptName = std::optional<std::string>;
    using OptValues = std::optional<std::pair<std::string, std::string>>;
    py::class_<Session>(m, "Session")
        .def(py::init([](std::string text, std::string name, bool from_file) {
                 return engine([&] { return std::make_unique<Session>(std::move(text), std::move(name), from_file); });
             }),
             py::arg("text"), py::arg("name"), py::arg("from_file"))
        .def_property_readonly("text", [](const Session& s) { return text(s.text()); })
        .def_property_readonly("name", [](const Session& s) { return text(s.name()); })
        .def("symbols",
             [](const Session& s) {
                 auto symbols = engine([&] { return s.symbols(); });
                 py::list out;
                 for (const auto& sym : symbols)
                     out.append(py::make_tuple(text(sym.name), sym.kind, sym.role,
                                               py::make_tuple(shape_dim(sym.rows), shape_dim(sym.cols))));
                 return out;
             })
        .def("function_name", [](const Session& s, OptName of) { return text(engine([&] { return s.function_name(of); })); },
             py::arg("of"))
        .def("derive",
             [](const Session& s, const std::vector<std::string>& wrt, OptName of, bool expand) {
                 auto results = engine([&] { return s.derive(wrt, of, expand); });
                 py::list out;
                 for (const DerivativeText& d : results) {
                     py::dict r;
                     r["of"] = text(d.of);
                     r["wrt"] = text(d.wrt);
                     r["latex_header"] = text(d.latex_header);
                     r["text"] = text(d.text);
                     r["unicode"] = text(d.unicode);
                     r["latex"] = text(d.latex);
                     r["shape"] = py::make_tuple(shape_dim(d.rows), shape_dim(d.cols));
                     out.append(r);
                 }
                 return out;
             },
             py::arg("wrt"), py::arg("of"), py::arg("expand"))
        .def("value",
             [](const Session& s, const std::pair<std::string, std::string>& at, OptName of) {
                 return to_python(engine([&] { return s.value({at.first, at.second}, of); }));
             },
             py::arg("at"), py::arg("of"))
        .def("jacobian",
             [](const Session& s, const std::string& wrt, const std::pair<std::string, std::string>& at, OptName of) {
                 return py::cast(engine([&] { return s.jacobian(wrt, {at.first, at.second}, of); }));
             },
             py::arg("wrt"), py::arg("at"), py::arg("of"))
        .def("gradient",
             [](const Session& s, const std::string& wrt, const std::pair<std::string, std::string>& at, OptName of) {
                 return to_python(engine([&] { return s.gradient(wrt, {at.first, at.second}, of); }));
             },
             py::arg("wrt"), py::arg("at"), py::arg("of"))
        .def("hessian",
             [](const Session& s, const std::string& wrt, const std::pair<std::string, std::string>& at, OptName of) {
                 return py::cast(engine([&] { return s.hessian(wrt, {at.first, at.second}, of); }));
             },
             py::arg("wrt"), py::arg("at"), py::arg("of"))
        .def("check",
             [](const Session& s, const std::vector<std::string>& wrt, int points, std::uint64_t seed, double tolerance,
                bool hessian, OptValues at, OptName of) {
                 CheckSettings settings{points, seed, tolerance, hessian};
                 auto results = engine([&] { return s.check(wrt, settings, values_text(at), of); });
                 py::list out;
                 for (const CheckSummary& c : results) out.append(check_dict(c));
                 return out;
             },
             py::arg("wrt"), py::arg("points"), py::arg("seed"), py::arg("tolerance"), py::arg("hessian"),
             py::arg("at"), py::arg("of"))
        .def("compare",
             [](const Session& s, const std::string& wrt, const std::string& claim, int points, std::uint64_t seed,
                double tolerance, OptName of) {
                 CheckSettings settings{points, seed, tolerance, false};
                 CompareSummary c = engine([&] { return s.compare(wrt, claim, settings, of); });
                 py::dict d;
                 d["equal"] = c.equal;
                 d["compared_as"] = text(c.compared_as);
                 d["diagnosis"] = c.diagnosis ? py::object(text(*c.diagnosis)) : py::object(py::none());
                 d["max_error"] = c.max_error;
                 d["symbolic"] = c.symbolic;
                 d["points"] = c.points;
                 return d;
             },
             py::arg("wrt"), py::arg("claim"), py::arg("points"), py::arg("seed"), py::arg("tolerance"), py::arg("of"))
        .def("codegen",
             [](const Session& s, const std::vector<std::string>& wrt, const std::string& lang, OptName of,
                bool expand) { return text(engine([&] { return s.codegen(wrt, lang, of, expand); })); },
             py::arg("wrt"), py::arg("lang"), py::arg("of"), py::arg("expand"))
        .def("train",
             [](const Session& s, std::string data_name, std::optional<std::string> data_csv, OptName target,
                OptName output, OptValues init, OptName test_name, OptName test_csv, int epochs, Eigen::Index batch,
                Eigen::Index samples, double noise, double lr, std::string optimizer, std::string precision,
                std::uint64_t seed, OptName of) {
                 TrainSettings t;
                 t.data_name = std::move(data_name);
                 t.data_csv = std::move(data_csv);
                 t.target = std::move(target);
                 t.output = std::move(output);
                 t.init = values_text(init);
                 t.test_name = std::move(test_name);
                 t.test_csv = std::move(test_csv);
                 t.epochs = epochs;
                 t.batch = batch;
                 t.samples = samples;
                 t.noise = noise;
                 t.lr = lr;
                 t.optimizer = std::move(optimizer);
                 t.precision = std::move(precision);
                 t.seed = seed;
                 // Whether SIGINT arrived (the flag is cleared: KeyboardInterrupt is raised
                 // once the engine has returned). No Python code runs here.
                 t.interrupted = [] {
                     py::gil_scoped_acquire locked;
                     return PyOS_InterruptOccurred() != 0;
                 };
                 return train_dict(engine([&] { return s.train(t, of); }));
             },
             py::arg("data_name"), py::arg("data_csv"), py::arg("target"), py::arg("output"), py::arg("init"),
             py::arg("test_name"), py::arg("test_csv"), py::arg("epochs"), py::arg("batch"), py::arg("samples"),
             py::arg("noise"), py::arg("lr"), py::arg("optimizer"), py::arg("precision"), py::arg("seed"),
             py::arg("of"));
}
