#include "commands.hpp"

#include "envelope_defaults.hpp"
#include "json.hpp"
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

void write_action(json_writer& j, const action& a) {
    j.begin_object();
    j.key("action").value(name(a.kind));
    switch (a.kind) {
        case action_kind::keep:
        case action_kind::fileinto:
            j.key("mailbox").value(a.mailbox);
            j.key("flags").begin_array();
            for (const auto& f : a.flags) j.value(f);
            j.end_array();
            break;
        case action_kind::redirect:
            j.key("address").value(a.address);
            break;
        case action_kind::reject:
        case action_kind::ereject:
            j.key("reason").value(a.reason);
            break;
        case action_kind::discard:
            break;
        case action_kind::vacation:
        case action_kind::notify:
            j.key(a.kind == action_kind::notify ? "method" : "recipient").value(a.recipient);
            j.key("subject").value(a.subject);
            j.key("body").value(a.body);
            if (a.kind == action_kind::vacation && !a.outgoing)
                j.key("not_sent").value(a.reason);  // why no reply
            if (a.outgoing) {
                j.key("message").begin_object();
                j.key("envelope_from").value(a.outgoing->envelope_from);
                j.key("recipients").begin_array();
                for (const auto& r : a.outgoing->recipients) j.value(r);
                j.end_array();
                j.key("data").value(a.outgoing->data);
                j.end_object();
            }
            break;
    }
    j.key("copy").value(a.copy);
    if (a.create) j.key("create").value(true);
    if (!a.special_use.empty()) j.key("specialuse").value(a.special_use);
    if (!a.mailbox_id.empty()) j.key("mailboxid").value(a.mailbox_id);
    if (a.fcc) {
        j.key("fcc").begin_object();
        j.key("mailbox").value(a.fcc->mailbox);
        j.key("flags").begin_array();
        for (const auto& f : a.fcc->flags) j.value(f);
        j.end_array();
        if (!a.fcc->special_use.empty()) j.key("specialuse").value(a.fcc->special_use);
        j.key("create").value(a.fcc->create);
        j.end_object();
    }
    j.key("implicit").value(a.implicit);
    j.key("line").value(std::uint64_t(a.line));
    j.end_object();
}

void print_json(const script& s, const result* r) {
    json_writer j;
    j.begin_object();
    j.key("status").value(!s.ok() ? "compile_error" : r->ok() ? "ok" : "runtime_error");
    j.key("actions").begin_array();
    if (r)
        for (const auto& a : r->actions) write_action(j, a);
    j.end_array();
    j.key("errors").begin_array();
    if (r)
        for (const auto& e : r->errors) j.value(e);
    j.end_array();
    j.key("header_edits").begin_array();
    if (r)
        for (const auto& e : r->header_edits) {
            j.begin_object();
            j.key("edit").value(e.what == header_edit::kind::add ? "addheader" : "deleteheader");
            j.key("name").value(e.name);
            j.key("value").value(e.value);
            if (e.what == header_edit::kind::add)
                j.key("last").value(e.last);
            else
                j.key("occurrence").value(std::uint64_t(e.occurrence));
            j.end_object();
        }
    j.end_array();
    // replace / enclose (RFC 5703 §5-6): each change, then the new message.
    j.key("message_edits").begin_array();
    if (r)
        for (const auto& e : r->message_edits) {
            j.begin_object();
            j.key("edit").value(e.what == message_edit::kind::replace ? "replace" : "enclose");
            j.key("line").value(std::uint64_t(e.line));
            j.key("after_header_edits").value(std::uint64_t(e.after_header_edits));
            if (e.what == message_edit::kind::replace) j.key("whole_message").value(e.whole_message);
            j.end_object();
        }
    j.end_array();
    auto write_message = [&](std::string_view key, const std::optional<rewritten_message>& m) {
        if (!m) return;
        j.key(key).begin_object();
        j.key("header").value(m->header());
        j.key("body").value(m->body());
        j.end_object();
    };
    if (r) {
        write_message("message", r->message);
        write_message("redirect_message", r->redirect_message);
    }
    j.key("compile_errors").begin_array();
    for (const auto& d : s.errors()) {
        j.begin_object();
        j.key("line").value(std::uint64_t(d.line));
        j.key("column").value(std::uint64_t(d.column));
        j.key("message").value(d.message);
        j.end_object();
    }
    j.end_array();
    j.end_object();
    std::cout << j.str() << "\n";
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
