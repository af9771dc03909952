// sift-milter's metrics (milter/metrics.hpp) in the Prometheus text
// exposition format, and the loopback endpoint (milter/control.hpp) that
// serves them and POST /reload. The expected lines are written by hand
// from the format's rules (name{label="value"} value, _bucket with le,
// cumulative, +Inf, _sum, _count).
#include "metrics.hpp"
#include "control.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sift::milter {
namespace {

namespace fs = std::filesystem;

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, CountsInTheTextFormat) {
    metrics m;
    m.message("accept", 0.0003);
    m.message("accept", 0.002);
    m.message("refuse", 0.00004);
    m.recipient("deliver");
    m.recipient("deliver");
    m.recipient("refuse");
    m.early("rcpt", false);
    m.early("rcpt", true);
    m.early("helo", false);
    m.tempfail("internal_error");
    m.reload(true, 2);
    m.reload(false, 2);
    auto t = m.exposition(7);
    for (const char* line : {
             "# TYPE sift_milter_messages_total counter",
             "sift_milter_messages_total{verdict=\"accept\"} 2",
             "sift_milter_messages_total{verdict=\"refuse\"} 1",
             "sift_milter_messages_total{verdict=\"tempfail\"} 0",
             "sift_milter_messages_total{verdict=\"discard\"} 0",
             "sift_milter_recipients_total{verdict=\"deliver\"} 2",
             "sift_milter_recipients_total{verdict=\"refuse\"} 1",
             "sift_milter_early_replies_total{reply=\"refuse\",stage=\"rcpt\"} 1",
             "sift_milter_early_replies_total{reply=\"tempfail\",stage=\"rcpt\"} 1",
             "sift_milter_early_replies_total{reply=\"refuse\",stage=\"helo\"} 1",
             "sift_milter_tempfails_total{cause=\"internal_error\"} 1",
             "sift_milter_tempfails_total{cause=\"policy\"} 0",
             "sift_milter_reloads_total{result=\"ok\"} 1",
             "sift_milter_reloads_total{result=\"failed\"} 1",
             "# TYPE sift_milter_snapshot_generation gauge",
             "sift_milter_snapshot_generation 2",
             "sift_milter_outbox_queued 7",
             "# TYPE sift_milter_eom_seconds histogram",
             // Cumulative: 40 µs is in every bucket from 50 µs on, 300 µs
             // from 500 µs on, 2 ms from 2.5 ms on.
             "sift_milter_eom_seconds_bucket{le=\"5e-05\"} 1",
             "sift_milter_eom_seconds_bucket{le=\"0.00025\"} 1",
             "sift_milter_eom_seconds_bucket{le=\"0.0005\"} 2",
             "sift_milter_eom_seconds_bucket{le=\"0.001\"} 2",
             "sift_milter_eom_seconds_bucket{le=\"0.0025\"} 3",
             "sift_milter_eom_seconds_bucket{le=\"+Inf\"} 3",
             "sift_milter_eom_seconds_count 3",
         })
        EXPECT_TRUE(has_line(t, line)) << line << "\nnot in:\n" << t;
    // _sum: 0.0003 + 0.002 + 0.00004 = 0.00234
    auto at = t.find("\nsift_milter_eom_seconds_sum ");
    ASSERT_NE(at, std::string::npos) << t;
    EXPECT_NEAR(std::stod(t.substr(at + 29)), 0.00234, 1e-12);
}

TEST(MetricsAddress, LoopbackOnlyUnlessAllowed) {
    auto a = parse_metrics_address("127.0.0.1:9155", false);
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_EQ(a.port, 9155);
    EXPECT_FALSE(a.v6);
    auto b = parse_metrics_address("[::1]:0", false);
    EXPECT_TRUE(b.v6);
    EXPECT_EQ(b.host, "::1");
    EXPECT_EQ(parse_metrics_address("127.0.0.53:80", false).port, 80);
    for (const char* bad : {"0.0.0.0:9155", "192.0.2.1:9155", "[::]:9155", "[2001:db8::1]:1"}) {
        try {
            parse_metrics_address(bad, false);
            ADD_FAILURE() << bad << " accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("not a loopback address"), std::string::npos) << e.what();
        }
        EXPECT_NO_THROW(parse_metrics_address(bad, true)) << bad;
    }
    for (const char* bad :
         {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "localhost:80", "[::1]80", "::1:80", "127.0.0.1:8x"})
        EXPECT_THROW(parse_metrics_address(bad, false), std::invalid_argument) << bad;
}

// One HTTP/1.0 exchange with the endpoint: the whole answer.
std::string http(std::uint16_t port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return "";
    }
    ::send(fd, request.data(), request.size(), 0);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, std::size_t(n));
    ::close(fd);
    return out;
}

TEST(MetricsServer, ServesMetricsAndReloads) {
    char tmpl[] = "/tmp/sift-metrics-XXXXXX";
    fs::path d = ::mkdtemp(tmpl);
    fs::create_directories(d / "pol");
    std::ofstream(d / "pol/before.sieve") << "keep;\n";
    settings s;
    s.policy = (d / "pol").string();
    {
        engine e(s, [](const std::string&) {});
        metrics_server server(e, parse_metrics_address("127.0.0.1:0", false));
        ASSERT_NE(server.port(), 0);
        e.stats().message("accept", 0.0001);
        auto got = http(server.port(), "GET /metrics HTTP/1.0\r\n\r\n");
        EXPECT_TRUE(got.starts_with("HTTP/1.0 200 OK\r\n")) << got;
        EXPECT_NE(got.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << got;
        EXPECT_NE(got.find("\nsift_milter_messages_total{verdict=\"accept\"} 1\n"), std::string::npos) << got;

        got = http(server.port(), "POST /reload HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
        EXPECT_TRUE(got.starts_with("HTTP/1.0 200 OK\r\n")) << got;
        EXPECT_NE(got.find("{\"reload\":\"ok\",\"trigger\":\"http\",\"generation\":2"), std::string::npos)
            << got;
        EXPECT_EQ(e.current()->generation, 2u);

        std::ofstream(d / "pol/before.sieve", std::ios::trunc) << "keep\n";
        got = http(server.port(), "POST /reload HTTP/1.0\r\n\r\n");
        EXPECT_TRUE(got.starts_with("HTTP/1.0 422 ")) << got;
        EXPECT_NE(got.find("\"reload\":\"failed\""), std::string::npos) << got;
        EXPECT_NE(got.find("pol/before.sieve:1:5: error:"), std::string::npos) << got;
        EXPECT_EQ(e.current()->generation, 2u);

        got = http(server.port(), "GET /metrics HTTP/1.0\r\n\r\n");
        EXPECT_NE(got.find("\nsift_milter_reloads_total{result=\"failed\"} 1\n"), std::string::npos) << got;
        EXPECT_NE(got.find("\nsift_milter_snapshot_generation 2\n"), std::string::npos) << got;
        EXPECT_TRUE(http(server.port(), "GET /reload HTTP/1.0\r\n\r\n").starts_with("HTTP/1.0 405 "));
        EXPECT_TRUE(http(server.port(), "GET / HTTP/1.0\r\n\r\n").starts_with("HTTP/1.0 404 "));
        EXPECT_TRUE(http(server.port(), "garbage\r\n\r\n").starts_with("HTTP/1.0 400 "));
    }
    fs::remove_all(d);
}

}  // namespace
}  // namespace sift::milter
