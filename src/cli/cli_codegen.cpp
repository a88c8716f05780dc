// `matcalc codegen` (README, Commands): the model's function and its gradients or Jacobians
// as a self-contained C++ header (--lang cpp) or Python module (--lang numpy, --lang torch) on stdout
// (codegen.hpp). Input errors are rendered against the model here, as train does.
#include <fmt/format.h>

#include "cli_options.hpp"
#include "matcalc/cli/cli.hpp"
#include "matcalc/codegen/codegen.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/io/output_file.hpp"

namespace matcalc::cli {

std::string assumption_note(const Model& model) {
    std::string list;
    for (const std::string& a : model.assumed()) list += (list.empty() ? "" : "; ") + a;
    return "matcalc: note: --infer assumed " + list;
}

int codegen(const Options& o, std::ostream& out, std::ostream& err) {
    if (o.save) check_output_target(*o.save);  // before any work
    Source source = o.model_text ? Source{"-e", *o.model_text} : read_source(*o.model_file, kMaxInputBytes);
    try {
        BindOptions binding;
        binding.infer = o.infer;
        Model model = load_model(source, binding);
        if (!model.assumed().empty()) err << assumption_note(model) << "\n";
        CodegenOptions options;
        options.source_name = o.model_text ? "-e text" : *o.model_file;
        options.expand = o.expand;
        options.hessian = o.hessian;
        // cli_options.cpp accepts no other language.
        const auto generate = o.lang == "numpy" ? generate_numpy : o.lang == "torch" ? generate_torch : generate_cpp;
        std::string code = generate(model, model.function(o.of), o.wrt, options);
        // Code is text for a compiler, and is held to the limit of numbers written (README, Limits).
        if (code.size() > o.max_output)
            throw InputError(fmt::format("the generated code would be {:.1f} MiB, more than the limit of {} MiB of output "
                                         "(--max-output)",
                                         double(code.size()) / double(1 << 20), o.max_output >> 20),
                             std::nullopt, {"--max-output MIB allows more; --expand off (the default) names definitions "
                                            "once instead of writing them out"});
        if (o.save) write_file_atomically(*o.save, code);
        else out << code;
        return kExitOk;
    } catch (const InputError& e) {
        err << render_error(source, e);
        return kExitBadInput;
    }
}

}  // namespace matcalc::cli
