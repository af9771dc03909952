// A test driver for milter/srs.hpp: reads "F ADDRESS" (forward) and
// "R ADDRESS" (reverse) lines on stdin and answers each with one line,
// "200 RESULT" or "500 ERROR", as postsrsd's lookup tables do, so that
// tests/milter/srs_postsrsd.py can hold the two side by side.
//   srs_tool --domain D --secret S [--separator C] [--now UNIX-SECONDS]
#include "srs.hpp"

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    sift::milter::srs::config c;
    std::time_t now = std::time(nullptr);
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i], value = argv[i + 1];
        if (opt == "--domain")
            c.domain = value;
        else if (opt == "--secret")
            c.secrets.push_back(value);
        else if (opt == "--separator" && value.size() == 1)
            c.separator = value[0];
        else if (opt == "--now")
            now = static_cast<std::time_t>(std::stoll(value));
        else {
            std::cerr << "srs_tool: unknown option " << opt << "\n";
            return 2;
        }
    }
    sift::milter::srs::check(c);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.size() < 2 || (line[0] != 'F' && line[0] != 'R') || line[1] != ' ') {
            std::cout << "500 bad request\n";
            continue;
        }
        auto address = line.substr(2);
        if (line[0] == 'F') {
            auto r = sift::milter::srs::forward(c, address, now);
            if (r.outcome == sift::milter::srs::forward_outcome::invalid)
                std::cout << "500 " << r.error << "\n";
            else if (r.outcome == sift::milter::srs::forward_outcome::unchanged_ours)
                std::cout << "500 ours\n";
            else
                std::cout << "200 " << r.address << "\n";
        } else {
            auto r = sift::milter::srs::reverse(c, address, now);
            std::cout << (r.ok ? "200 " + r.address : "500 " + r.error) << "\n";
        }
    }
    return 0;
}
