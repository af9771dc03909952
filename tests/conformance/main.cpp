// sift-conformance: runs Dovecot Pigeonhole's test suite against Sift.
//
//   sift-conformance [--expect LIST] [--examples DIR] TESTS_DIR
//   sift-conformance --one FILE.svtest     (in-process, for a debugger)
//
// Runs every TESTS_DIR/**/*.svtest (each in a child process, so a crash
// fails one file, not the run) and prints `PASS path` or `FAIL path:
// reason` per file, then `N passed, M failed`. Files under failures/ must
// fail. With --examples, also compiles every DIR/*.sieve (reported as
// examples/NAME). With --expect, LIST names the files known not to pass
// yet (`path  reason` per line): the exit status is then 1 only for a
// regression (a failing file not listed) or a listed file that passes.
#include "api/compile.hpp"
#include "host.hpp"
#include "testsuite.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace sift;

namespace {

bool verbose = false;  // --one: every failure of the file on stderr

struct file_result {
    bool passed = false;
    std::string reason;
    unsigned wording_skipped = 0;
    std::set<std::string> unknown_settings;
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

// Runs one .svtest in this process.
file_result run_svtest(const fs::path& path) {
    file_result r;
    conformance::set_test_path(path.parent_path().string());
    conformance::testsuite_host host(path.parent_path().string());
    auto c = api::compile(read_all(path), path.filename().string(), conformance::testsuite_registry(), {},
                          host.scripts());
    if (!c.ok()) {
        const auto& d = c.errors.front();
        r.reason = "does not compile: line " + std::to_string(d.line) + ": " + d.message;
        return r;
    }
    auto result = vm::run(*c.program, host.message(), host.env(), host.options(), &host, host.client());
    auto& out = host.result();
    r.wording_skipped = out.wording_checks_skipped;
    r.unknown_settings = out.unknown_settings;
    if (verbose) {
        for (const auto& m : out.debug_log) std::cerr << "  debug: " << m << "\n";
        for (const auto& f : out.failures) std::cerr << "  " << f << "\n";
    }
    if (!out.failures.empty()) {
        r.reason = out.failures.front();
        if (out.failures.size() > 1)
            r.reason += " (and " + std::to_string(out.failures.size() - 1) + " more)";
    } else if (!result.ok()) {
        r.reason = "runtime error: " + (result.errors.empty() ? std::string("?") : result.errors.front());
    } else {
        r.passed = true;
    }
    return r;
}

// Runs one .svtest in a child process; its verdict comes back as lines.
file_result run_isolated(const fs::path& path) {
    int fds[2];
    if (pipe(fds) != 0) return run_svtest(path);
    std::cout.flush();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(60);
        file_result r;
        try {
            r = run_svtest(path);
        } catch (const std::exception& e) {
            r.reason = std::string("internal error: ") + e.what();
        }
        std::string msg = (r.passed ? "P\n" : "F " + one_line(r.reason) + "\n") + "W " +
                          std::to_string(r.wording_skipped) + "\n";
        for (const auto& u : r.unknown_settings) msg += "U " + u + "\n";
        for (std::size_t at = 0; at < msg.size();) {
            auto n = write(fds[1], msg.data() + at, msg.size() - at);
            if (n <= 0) break;
            at += std::size_t(n);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, std::size_t(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    file_result r;
    if (WIFSIGNALED(status)) {
        r.reason = WTERMSIG(status) == SIGALRM ? "timed out"
                                               : "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
        return r;
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line == "P") r.passed = true;
        if (line.rfind("F ", 0) == 0) r.reason = line.substr(2);
        if (line.rfind("W ", 0) == 0) r.wording_skipped = unsigned(std::stoul(line.substr(2)));
        if (line.rfind("U ", 0) == 0) r.unknown_settings.insert(line.substr(2));
    }
    if (!r.passed && r.reason.empty()) r.reason = "no verdict";
    return r;
}

file_result compile_example(const fs::path& path) {
    file_result r;
    auto c = api::compile(read_all(path), path.filename().string(), validate::registry::standard());
    r.passed = c.ok();
    if (!r.passed) {
        const auto& d = c.errors.front();
        r.reason = "does not compile: line " + std::to_string(d.line) + ": " + d.message;
    }
    return r;
}

// `path  reason` per line; '#' starts a comment.
std::map<std::string, std::string> read_expectations(const fs::path& list, bool& ok) {
    std::map<std::string, std::string> out;
    std::ifstream in(list);
    ok = bool(in);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        auto space = line.find_first_of(" \t");
        auto reason =
            space == std::string::npos ? std::string() : line.substr(line.find_first_not_of(" \t", space));
        if (space == std::string::npos || reason.empty()) {
            std::cerr << list.string() << ": entry without a reason: " << line << "\n";
            ok = false;
            continue;
        }
        out[line.substr(0, space)] = reason;
    }
    return out;
}

int usage() {
    std::cerr << "usage: sift-conformance [--expect LIST] [--examples DIR] TESTS_DIR\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string expect, examples, tests;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--one" && i + 1 < argc) {  // one file, in this process (for a debugger)
            verbose = true;
            auto r = run_svtest(argv[++i]);
            std::cout << (r.passed ? "PASS" : "FAIL: " + r.reason) << "\n";
            return r.passed ? 0 : 1;
        }
        if (a == "--expect" && i + 1 < argc)
            expect = argv[++i];
        else if (a == "--examples" && i + 1 < argc)
            examples = argv[++i];
        else if (!a.empty() && a[0] != '-' && tests.empty())
            tests = a;
        else
            return usage();
    }
    if (tests.empty() || !fs::is_directory(tests)) return usage();

    std::vector<std::pair<std::string, fs::path>> files;  // (shown name, path)
    for (const auto& e : fs::recursive_directory_iterator(tests))
        if (e.is_regular_file() && e.path().extension() == ".svtest")
            files.emplace_back(fs::relative(e.path(), tests).generic_string(), e.path());
    std::sort(files.begin(), files.end());

    std::map<std::string, file_result> results;
    std::map<std::string, std::pair<unsigned, unsigned>> folders;  // passed, total
    unsigned passed = 0, failed = 0, wording = 0;
    std::set<std::string> unknown;
    auto report = [&](const std::string& name, file_result r) {
        std::cout << (r.passed ? "PASS " + name : "FAIL " + name + ": " + r.reason) << "\n";
        (r.passed ? passed : failed)++;
        auto slash = name.rfind('/');
        auto& f = folders[slash == std::string::npos ? "." : name.substr(0, slash)];
        f.first += r.passed;
        ++f.second;
        results[name] = std::move(r);
    };
    for (const auto& [name, path] : files) {
        auto r = run_isolated(path);
        wording += r.wording_skipped;
        unknown.insert(r.unknown_settings.begin(), r.unknown_settings.end());
        if (name.rfind("failures/", 0) == 0) {
            // Expected to fail: any failure (compile, runtime, a test) passes.
            r.passed = !r.passed;
            r.reason = r.passed ? "" : "expected to fail, but passed";
        }
        report(name, std::move(r));
    }
    unsigned tests_passed = passed, tests_failed = failed;
    if (!examples.empty()) {
        std::vector<fs::path> scripts;
        for (const auto& e : fs::directory_iterator(examples))
            if (e.is_regular_file() && e.path().extension() == ".sieve") scripts.push_back(e.path());
        std::sort(scripts.begin(), scripts.end());
        for (const auto& p : scripts) report("examples/" + p.filename().string(), compile_example(p));
    }
    std::cout << passed << " passed, " << failed << " failed\n";

    std::cerr << "svtest files: " << tests_passed << " of " << tests_passed + tests_failed << " pass\n";
    if (!examples.empty())
        std::cerr << "examples: " << passed - tests_passed << " of "
                  << passed + failed - tests_passed - tests_failed << " compile\n";
    std::cerr << "per folder (passed/total):\n";
    for (const auto& [folder, counts] : folders)
        std::cerr << "  " << folder << " " << counts.first << "/" << counts.second << "\n";
    std::cerr << "test_error wording checks not reproduced (counted, not failed): " << wording << "\n";
    for (const auto& u : unknown) std::cerr << "unknown setting: " << u << "\n";

    if (expect.empty()) return failed == 0 ? 0 : 1;
    bool ok = false;
    auto listed = read_expectations(expect, ok);
    int problems = ok ? 0 : 1;
    for (const auto& [name, r] : results) {
        bool is_listed = listed.count(name) > 0;
        if (!r.passed && !is_listed) {
            std::cout << "REGRESSION " << name << ": " << r.reason << " (not in " << expect << ")\n";
            ++problems;
        }
        if (r.passed && is_listed) {
            std::cout << "NOW PASSING " << name << ": remove it from " << expect << "\n";
            ++problems;
        }
    }
    for (const auto& [name, reason] : listed)
        if (!results.count(name)) {
            std::cout << "STALE " << name << ": listed in " << expect << " but not found; remove it\n";
            ++problems;
        }
    std::cout << (problems ? "conformance: " + std::to_string(problems) + " problem(s) against the list\n"
                           : "conformance: as expected\n");
    return problems ? 1 : 0;
}
