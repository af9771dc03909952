// A memory state store and a host whose frozen clock both the extensions
// and the store read (moved by hand), and a store that always fails: for
// the vacation and duplicate tests.
#pragma once

#include "test_support.hpp"

#include <sift/host.hpp>
#include <sift/store.hpp>

#include <chrono>
#include <memory>

namespace sift::testing {

struct state_fixture : ::testing::Test {
    basic_host host;
    run_options options{.host = &host};
    std::unique_ptr<store::store> state;

    void SetUp() override {
        host.freeze(std::chrono::system_clock::time_point(std::chrono::hours(480000)));
        store::store_config config;
        config.kind = store::store_kind::memory;
        config.clock = host.clock();
        state = store::open_store(config);
        host.set_state(state.get());
    }

    result run_with(std::string_view source, std::string raw, const envelope& env) {
        auto s = compiled(source);
        auto m = message::from_raw(std::move(raw));
        return s.run(m, env, options);
    }
};

// Every operation fails, as a Redis that is down would.
class failing_store : public store::store {
public:
    failing_store() : store::store("") {}
    std::size_t purge_expired() override { return 0; }
    std::string describe() const override { return "redis 127.0.0.1:1"; }

protected:
    [[noreturn]] static void fail() {
        throw sift::store::store_error("redis 127.0.0.1:1: connect: Connection refused");
    }
    std::optional<std::string> do_get(std::string_view) override { fail(); }
    void do_put(std::string_view, std::string_view, std::chrono::seconds) override { fail(); }
    bool do_put_if_absent(std::string_view, std::string_view, std::chrono::seconds) override { fail(); }
    bool do_erase(std::string_view) override { fail(); }
};

}  // namespace sift::testing
