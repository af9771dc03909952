#include "commands.hpp"

#include <sift/json.hpp>

#include "envelope_defaults.hpp"
#include "state_store.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace sift::cli {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {
std::string global_dir;  // --global-dir: where `include :global` looks (RFC 6609)
}

void set_global_dir(std::string dir) {
    global_dir = std::move(dir);
}

sift::script compile_script(const std::string& source, const std::string& path) {
    // `include :personal` looks beside the including script.
    auto slash = path.rfind('/');
    directory_script_source scripts(slash == std::string::npos ? "." : path.substr(0, slash), global_dir);
    return script::compile(source, path, {}, &scripts);
}

sift::script load_script(const std::string& path) {
    std::string bytes = read_file(path);
    return is_bytecode(bytes) ? script::load(bytes, path) : compile_script(bytes, path);
}

namespace {

// Pulls "--flag VALUE" and "--switch" options out of `args`; what is left
// are the positional arguments.
struct options {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::string> switches;

    options(const std::vector<std::string>& args, std::initializer_list<std::string_view> with_value,
            std::initializer_list<std::string_view> flags) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const auto& a = args[i];
            if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
                if (i + 1 == args.size()) throw usage_error(a + " needs a value");
                values.emplace_back(a, args[++i]);
            } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
                switches.push_back(a);
            } else if (a.size() > 1 && a[0] == '-') {
                throw usage_error("unknown option " + a);
            } else {
                positional.push_back(a);
            }
        }
    }
    bool has(std::string_view s) const {
        return std::find(switches.begin(), switches.end(), s) != switches.end();
    }
    std::optional<std::string> value(std::string_view k) const {
        for (const auto& [key, v] : values)
            if (key == k) return v;
        return std::nullopt;
    }
};

void print_json(const script& s, const result* r) {
    std::cout << json::report(s, r) << "\n";
}

}  // namespace

std::string describe(const result& r) {
    std::string out;
    for (const auto& a : r.actions) {
        if (!out.empty()) out += "; ";
        out += name(a.kind);
        if (a.kind == action_kind::fileinto) out += " \"" + a.mailbox + "\"";
        if (a.kind == action_kind::redirect) out += " <" + a.address + ">";
        if (a.kind == action_kind::reject || a.kind == action_kind::ereject) out += " \"" + a.reason + "\"";
        if (a.implicit) out += " (implicit)";
    }
    if (!r.ok()) out += "  [runtime error: " + (r.errors.empty() ? std::string() : r.errors.front()) + "]";
    return out;
}

int cmd_check(const std::vector<std::string>& args) {
    options o(args, {}, {});
    if (o.positional.empty()) throw usage_error("no script given");
    int status = 0;
    for (const auto& path : o.positional) {
        auto s = compile_script(read_file(path), path);
        std::cerr << format(s.warnings());
        if (!s.ok()) {
            std::cerr << format(s.errors());
            status = 1;
        }
    }
    return status;
}

int cmd_compile(const std::vector<std::string>& args) {
    options o(args, {"-o"}, {});
    if (o.positional.size() != 1) throw usage_error("compile takes one script");
    const auto& path = o.positional[0];
    auto s = compile_script(read_file(path), path);
    if (!s.ok()) {
        std::cerr << format(s.errors());
        return 1;
    }
    auto out_path = o.value("-o").value_or(path + ".svbin");
    std::ofstream out(out_path, std::ios::binary);
    out << s.save();
    if (!out) throw std::runtime_error(out_path + ": cannot write");
    return 0;
}

int cmd_dump(const std::vector<std::string>& args) {
    options o(args, {}, {});
    if (o.positional.size() != 1) throw usage_error("dump takes one script");
    auto s = load_script(o.positional[0]);
    if (!s.ok()) {
        std::cerr << format(s.errors());
        return 1;
    }
    std::cout << s.dump();
    return 0;
}

int cmd_run(const std::vector<std::string>& args) {
    options o(args, {"--from", "--to", "--store", "--lists"}, {"--json"});
    if (o.positional.size() != 2) throw usage_error("run takes a script and a message");
    auto s = load_script(o.positional[0]);
    bool json = o.has("--json");
    if (!s.ok()) {
        if (json)
            print_json(s, nullptr);
        else
            std::cerr << format(s.errors());
        return 1;
    }
    auto msg = message::from_raw(read_file(o.positional[1]));
    auto env = envelope_for(msg, o.value("--from"), o.value("--to"));
    auto state = open_state_store(o.value("--store"));  // vacation, duplicate; default memory
    services svc;
    svc.state = state.get();
    std::unique_ptr<list_provider> lists;  // extlists (RFC 6134): --lists DIR, a file per list
    if (auto dir = o.value("--lists")) lists = file_list_provider(*dir);
    svc.lists = lists.get();
    auto r = s.run(msg, env, {}, &svc);
    if (json) {
        print_json(s, &r);
    } else {
        for (const auto& a : r.actions) {
            std::cout << name(a.kind);
            if (a.kind == action_kind::keep || a.kind == action_kind::fileinto)
                std::cout << " \"" << a.mailbox << "\"";
            if (a.kind == action_kind::redirect) std::cout << " <" << a.address << ">";
            if (a.implicit)
                std::cout << "  (implicit keep)";
            else
                std::cout << "  (line " << a.line << ")";
            std::cout << "\n";
        }
        for (const auto& e : r.message_edits)
            std::cout << (e.what == message_edit::kind::replace ? "replace" : "enclose") << "  (line "
                      << e.line << ")\n";
        for (const auto& e : r.errors) std::cerr << o.positional[0] << ": runtime error: " << e << "\n";
    }
    return r.ok() ? 0 : 3;
}

}  // namespace sift::cli
