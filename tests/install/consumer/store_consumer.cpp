// An embedder that uses the library's stores: built with libsift-store
// (Sift::sift_store or pkg-config sift-store), it opens an LMDB file in DIR
// with sift::store::open_store, runs a duplicate script twice on one message
// with it, and catches the store_error that a path in a missing directory
// gives (thrown in libsift-store, caught here: its type must be exported).
//
//     store_consumer DIR
#include <sift/script.hpp>
#include <sift/store.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) try {
    if (argc != 2) {
        std::cerr << "usage: store_consumer DIR\n";
        return 2;
    }
    sift::store::store_config config;
    config.kind = sift::store::store_kind::lmdb;
    config.path = std::string(argv[1]) + "/state.mdb";
    auto state = sift::store::open_store(config);
    std::cout << "opened " << state->describe().substr(0, 4) << '\n';

    auto s = sift::script::compile(R"(require ["duplicate", "fileinto"];
if duplicate { fileinto "Duplicates"; })");
    if (!s.ok()) {
        std::cerr << sift::format(s.errors());
        return 1;
    }
    sift::basic_host host;
    host.set_state(state.get());
    auto msg = sift::message::from_raw(
        "From: alice@example.org\r\nTo: bob@example.net\r\nMessage-ID: <1@example.org>\r\n"
        "Subject: hello\r\n\r\nHello.\r\n");
    sift::envelope env{"alice@example.org", "bob@example.net", {}, {}};
    for (int run = 1; run <= 2; ++run) {
        auto r = s.run(msg, env, {.host = &host});
        const auto& first = r.actions.at(0);
        const auto* filed = std::get_if<sift::fileinto_action>(&first);
        const auto* kept = std::get_if<sift::keep_action>(&first);
        std::cout << "run " << run << ": " << sift::name(first) << ' '
                  << (filed  ? filed->mailbox
                      : kept ? kept->mailbox
                             : "")
                  << '\n';
    }

    config.path = std::string(argv[1]) + "/missing/state.mdb";
    try {
        sift::store::open_store(config);
        std::cout << "opened a store in a missing directory\n";
    } catch (const sift::store::store_error&) {
        std::cout << "store_error for a missing directory\n";
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "store_consumer: " << e.what() << '\n';
    return 1;
}
