// An embedder that brings its own state store: built against the installed
// tree with libsift alone (find_package(Sift) or pkg-config sift), it
// compiles a script, checks that its bytecode loads again, and runs it twice
// on one message, so that `duplicate` goes through the store it implements;
// then twice with libsift's memory store, which needs libsift-store no more.
// It takes the envelope recipient apart with the public address parser, as
// a milter would (sift/address.hpp).
//
//     consumer SCRIPT MESSAGE
//
// Prints one line per action of each run; tests/install/run-install-test
// compares that with what the script must do.
#include <sift/address.hpp>
#include <sift/script.hpp>
#include <sift/store.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read ") + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The host's own store: a map without expiry, enough for one process.
class map_store : public sift::store::store {
public:
    map_store() : sift::store::store("consumer:") {}
    std::size_t purge_expired() override { return 0; }
    std::string describe() const override { return "map"; }

protected:
    std::optional<std::string> do_get(std::string_view key) override {
        auto it = data_.find(std::string(key));
        if (it == data_.end()) return std::nullopt;
        return it->second;
    }
    void do_put(std::string_view key, std::string_view value, std::chrono::seconds) override {
        data_[std::string(key)] = value;
    }
    bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds) override {
        return data_.emplace(std::string(key), std::string(value)).second;
    }
    bool do_erase(std::string_view key) override { return data_.erase(std::string(key)) > 0; }

private:
    std::map<std::string, std::string> data_;
};

std::string describe(const sift::result& r) {
    std::ostringstream out;
    for (const auto& a : r.actions) {
        out << sift::name(a);
        if (const auto* keep = std::get_if<sift::keep_action>(&a)) {
            out << ' ' << keep->mailbox;
            for (const auto& flag : keep->flags) out << ' ' << flag;
        }
        if (const auto* filed = std::get_if<sift::fileinto_action>(&a)) {
            out << ' ' << filed->mailbox;
            for (const auto& flag : filed->flags) out << ' ' << flag;
        }
        out << '\n';
    }
    for (const auto& e : r.errors) out << "error: " << e << '\n';
    return out.str();
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 3) {
        std::cerr << "usage: consumer SCRIPT MESSAGE\n";
        return 2;
    }
    auto compiled = sift::script::compile(read_file(argv[1]), argv[1]);
    if (!compiled.ok()) {
        std::cerr << sift::format(compiled.errors());
        return 1;
    }
    auto bytecode = compiled.save();
    if (!sift::is_bytecode(bytecode)) throw std::runtime_error("save() did not give bytecode");
    auto loaded = sift::script::load(bytecode);
    if (!loaded.ok()) {
        std::cerr << sift::format(loaded.errors());
        return 1;
    }

    auto broken = sift::script::compile("fileinto \"x\";", "broken.sieve");
    std::cout << "broken.sieve: " << (broken.ok() ? "compiled" : "refused") << ", first error on line "
              << (broken.errors().empty() ? 0 : broken.errors().front().line) << '\n';

    auto rcpt = sift::parse_envelope_path("<bob+lists@example.net>");
    if (!rcpt || !rcpt->valid || !rcpt->detail) throw std::runtime_error("parse_envelope_path failed");
    std::cout << "rcpt: user " << rcpt->user << ", detail " << *rcpt->detail << ", domain " << rcpt->domain
              << '\n';

    map_store state;
    sift::basic_host host;
    host.set_state(&state);
    auto msg = sift::message::from_raw(read_file(argv[2]));
    sift::envelope env{"alice@example.org", "bob@example.net", {}, {}};
    for (int run = 1; run <= 2; ++run) {
        std::cout << "run " << run << ":\n" << describe(loaded.run(msg, env, {.host = &host}));
    }
    // libsift's own memory store does the same, still without libsift-store.
    sift::store::store_config config;
    config.clock = host.clock();
    auto memory = sift::store::open_memory_store(config);
    host.set_state(memory.get());
    for (int run = 3; run <= 4; ++run) {
        std::cout << "run " << run << " (" << memory->describe() << "):\n"
                  << describe(loaded.run(msg, env, {.host = &host}));
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << '\n';
    return 1;
}
