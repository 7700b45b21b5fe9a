// DirectProber against a real helloworld-server on loopback, through real libcurl.
#include "transport/direct_prober.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "fakes/loopback_server.h"
#include "transport/system_clock.h"

namespace meshverify {
namespace {

using std::chrono::milliseconds;

struct Collected {
  std::vector<ProbeRecord> records;
  RecordSink sink() {
    return [this](ProbeRecord&& r) { records.push_back(std::move(r)); };
  }
};

class DirectProberTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ready()) << MESHVERIFY_HELLOWORLD_SERVER; }

  ProbeSpec Spec(uint64_t requests, int concurrency, double rate = 0) const {
    ProbeSpec s;
    s.url = server_.url();
    s.requests = requests;
    s.concurrency = concurrency;
    s.rate = rate;
    s.timeout = milliseconds(5000);
    s.deadline = milliseconds(60000);
    return s;
  }

  testing::LoopbackServer server_{MESHVERIFY_HELLOWORLD_SERVER, "v1", "helloworld-v1-test"};
  SystemClock clock_;
  DirectProber prober_{clock_};
  ProbeSource source_{"cluster1", "direct", "", "", "", ""};
};

TEST_F(DirectProberTest, ClosedLoopReusesConnectionsAndReturnsEveryBody) {
  Collected got;
  ProbeSpec spec = Spec(2000, 4);
  spec.first_seq = 100;
  ProbeOutcome o = prober_.Probe(source_, spec, nullptr, got.sink());
  EXPECT_EQ(o.requests, 2000u);
  EXPECT_EQ(o.lost, 0u);
  EXPECT_EQ(o.not_issued, 0u);
  ASSERT_EQ(got.records.size(), 2000u);
  std::set<uint64_t> seqs, conns;
  int fresh = 0;
  for (const ProbeRecord& r : got.records) {
    seqs.insert(r.seq);
    conns.insert(r.connection);
    fresh += r.new_connection;
    EXPECT_EQ(r.http_code, 200);
    EXPECT_EQ(r.curl_exit, 0);
    EXPECT_EQ(r.body, "Hello version: v1, instance: helloworld-v1-test\n");
    EXPECT_EQ(r.source_cluster, "cluster1");
    EXPECT_EQ(r.source_pod, "direct");
    EXPECT_EQ(r.intended_ms, r.sent_ms);  // closed loop
    EXPECT_FALSE(r.late);
    EXPECT_GE(r.total_ms, 0);
    EXPECT_EQ(r.peer, "127.0.0.1:" + std::to_string(server_.port()));
  }
  EXPECT_EQ(seqs.size(), 2000u);
  EXPECT_EQ(*seqs.begin(), 100u);
  EXPECT_EQ(*seqs.rbegin(), 2099u);
  EXPECT_LE(conns.size(), 4u);  // kept alive: at most one connection per slot
  EXPECT_EQ(static_cast<size_t>(fresh), conns.size());
  EXPECT_EQ(conns.count(0), 0u);
}

TEST_F(DirectProberTest, OpenLoopFollowsTheGlobalSchedule) {
  Collected got;
  ProbeOutcome o = prober_.Probe(source_, Spec(200, 8, 400), nullptr, got.sink());
  ASSERT_EQ(o.requests, 200u);
  uint64_t late = 0;
  for (const ProbeRecord& r : got.records) {
    EXPECT_NEAR(r.intended_ms, 2.5 * static_cast<double>(r.seq), 1e-6);  // t_i = i / R
    EXPECT_GE(r.sent_ms, r.intended_ms);  // never sent ahead of the schedule
    EXPECT_EQ(r.late, r.sent_ms - r.intended_ms > 1.0);
    late += r.late;
  }
  EXPECT_EQ(late, o.late);
  EXPECT_GE(got.records.back().intended_ms, 199 * 2.5 - 1e-6);
}

TEST_F(DirectProberTest, StalledServerMakesLateSendsMeasuredFromTheirIntendedTime) {
  Collected got;
  std::thread staller([this] {
    std::this_thread::sleep_for(milliseconds(200));
    server_.Stop();
    std::this_thread::sleep_for(milliseconds(300));
    server_.Continue();
  });
  ProbeOutcome o = prober_.Probe(source_, Spec(200, 2, 200), nullptr, got.sink());
  staller.join();
  ASSERT_EQ(o.requests, 200u);
  EXPECT_EQ(o.lost, 0u);
  // About 60 requests were due during the stall; two were in flight, the rest waited.
  EXPECT_GE(o.late, 20u);
  double worst_wait = 0;
  for (const ProbeRecord& r : got.records) {
    EXPECT_EQ(r.http_code, 200);
    worst_wait = std::max(worst_wait, r.sent_ms - r.intended_ms);
  }
  EXPECT_GT(worst_wait, 100);  // the intended-time latency carries the stall
}

TEST_F(DirectProberTest, LanesSplitOneScheduleAndKeepSeqsAndConnectionsUnique) {
  DirectProber two(clock_, 2);
  std::thread::id caller = std::this_thread::get_id();
  Collected closed;
  bool on_caller = true;
  ProbeOutcome c = two.Probe(source_, Spec(1001, 5), nullptr, [&](ProbeRecord&& r) {
    on_caller = on_caller && std::this_thread::get_id() == caller;
    closed.records.push_back(std::move(r));
  });
  EXPECT_TRUE(on_caller);  // the sink runs on the thread that called Probe
  EXPECT_EQ(c.requests, 1001u);
  EXPECT_EQ(c.attempts, 2);
  std::set<uint64_t> seqs, conns;
  for (const ProbeRecord& r : closed.records) {
    seqs.insert(r.seq);
    conns.insert(r.connection);
    EXPECT_EQ(r.http_code, 200);
  }
  EXPECT_EQ(seqs.size(), 1001u);
  EXPECT_EQ(*seqs.rbegin(), 1000u);
  EXPECT_LE(conns.size(), 5u);  // 3 + 2 slots, one connection each
  EXPECT_EQ(conns.count(0), 0u);

  Collected open;
  ProbeSpec spec = Spec(1000, 8, 1000);
  spec.duration = milliseconds(101);
  ProbeOutcome o = two.Probe(source_, spec, nullptr, open.sink());
  EXPECT_EQ(o.requests, 101u);  // due at 0, 1, ..., 100 ms, all before the end at 101 ms
  EXPECT_EQ(o.requests + o.not_issued, 1000u);
  for (const ProbeRecord& r : open.records) {
    EXPECT_NEAR(r.intended_ms, static_cast<double>(r.seq), 1e-6);
    EXPECT_GE(r.sent_ms, r.intended_ms);
  }
}

TEST_F(DirectProberTest, ASinkThatOnlyReadsGetsEveryBodyWholeOnOneLaneAndOnTwo) {
  // The lane reuses a body's buffer when the sink leaves it in the record: no record may
  // carry a byte of the one before.
  DirectProber two(clock_, 2);
  for (DirectProber* p : {&prober_, &two}) {
    uint64_t n = 0, whole = 0;
    ProbeOutcome o = p->Probe(source_, Spec(600, 4), nullptr, [&](ProbeRecord&& r) {
      ++n;
      whole += r.body == "Hello version: v1, instance: helloworld-v1-test\n";
    });
    EXPECT_EQ(o.requests, 600u);
    EXPECT_EQ(n, 600u);
    EXPECT_EQ(whole, 600u);
  }
}

// A server that closes every connection after its third answer ("Connection: close"), one
// thread per connection: curl opens new connections on socket numbers just freed.
class ClosingServer {
 public:
  ClosingServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(listen_fd_, 16);
    acceptor_ = std::thread([this] {
      for (;;) {
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;  // shut down
        connections_.emplace_back([fd] { Serve(fd); });
      }
    });
  }
  ~ClosingServer() {
    shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    close(listen_fd_);
    for (std::thread& t : connections_) t.join();
  }
  std::string peer() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + peer() + "/hello"; }

 private:
  static void Serve(int fd) {
    std::string in;
    char buf[4096];
    for (int answered = 0; answered < 3;) {
      const size_t end = in.find("\r\n\r\n");
      if (end == std::string::npos) {
        const ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        continue;
      }
      in.erase(0, end + 4);
      ++answered;
      const std::string answer = std::string("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n") +
                                 (answered == 3 ? "Connection: close\r\n" : "") + "\r\nok\n";
      if (write(fd, answer.data(), answer.size()) != static_cast<ssize_t>(answer.size())) break;
    }
    close(fd);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // the acceptor's until it is joined
};

// Connection ids stay one per connection when connections close and their socket numbers come
// back (a request on a kept-alive connection is found by its socket): no connection answers
// more than three requests, only the first on it is fresh, and only a slot's last one (the run
// ends) answers fewer.
TEST_F(DirectProberTest, ConnectionsClosedByTheServerGetNewIdsOnTheirReusedSockets) {
  for (int lanes : {1, 2}) {
    SCOPED_TRACE(lanes);
    ClosingServer closing;
    DirectProber prober(clock_, lanes);
    Collected got;
    ProbeSpec spec = Spec(60, 4);
    spec.url = closing.url();
    ProbeOutcome o = prober.Probe(source_, spec, nullptr, got.sink());
    EXPECT_EQ(o.requests, 60u);
    ASSERT_EQ(got.records.size(), 60u);
    std::map<uint64_t, std::vector<const ProbeRecord*>> by_conn;
    for (const ProbeRecord& r : got.records) {
      EXPECT_EQ(r.curl_exit, 0);
      EXPECT_EQ(r.body, "ok\n");
      EXPECT_EQ(r.peer, closing.peer());
      by_conn[r.connection].push_back(&r);
    }
    EXPECT_EQ(by_conn.count(0), 0u);
    size_t partial = 0;  // at most one per slot: its last connection, when the run ends
    for (const auto& [id, rs] : by_conn) {
      ASSERT_LE(rs.size(), 3u) << "connection " << id;
      partial += rs.size() < 3;
      for (size_t i = 0; i < rs.size(); ++i) {
        EXPECT_EQ(rs[i]->new_connection, i == 0) << "connection " << id << ", answer " << i;
      }
    }
    EXPECT_LE(partial, 4u);
    EXPECT_GE(by_conn.size(), 20u);
  }
}

TEST_F(DirectProberTest, AUrlCurlCannotParseMakesEveryRequestARecordWithCurlsCode) {
  Collected got;
  ProbeSpec spec = Spec(6, 2);
  spec.url = "http://bad host/hello";
  ProbeOutcome o = prober_.Probe(source_, spec, nullptr, got.sink());
  EXPECT_EQ(o.requests, 6u);
  ASSERT_EQ(got.records.size(), 6u);
  for (const ProbeRecord& r : got.records) {
    EXPECT_EQ(r.curl_exit, 3);  // CURLE_URL_MALFORMAT
    EXPECT_EQ(r.http_code, 0);
  }
}

TEST_F(DirectProberTest, RefusedConnectionsAreRecordsWithCurlsCode) {
  Collected got;
  ProbeSpec spec = Spec(20, 2);
  spec.url = "http://127.0.0.1:" + std::to_string(testing::LoopbackServer::FreePort()) + "/hello";
  ProbeOutcome o = prober_.Probe(source_, spec, nullptr, got.sink());
  EXPECT_EQ(o.requests, 20u);
  ASSERT_EQ(got.records.size(), 20u);
  for (const ProbeRecord& r : got.records) {
    EXPECT_EQ(r.curl_exit, 7);  // CURLE_COULDNT_CONNECT, as curl's exit code
    EXPECT_EQ(r.http_code, 0);
  }
  EXPECT_FALSE(o.last_error.empty());
}

TEST_F(DirectProberTest, BodiesAreCutAtTheCap) {
  Collected got;
  ProbeSpec spec = Spec(3, 1);
  spec.max_body_bytes = 5;
  prober_.Probe(source_, spec, nullptr, got.sink());
  ASSERT_EQ(got.records.size(), 3u);
  EXPECT_EQ(got.records[0].body, "Hello");
}

TEST_F(DirectProberTest, DurationAndCancelLeaveTheRestNotIssued) {
  Collected got;
  ProbeSpec spec = Spec(1000000, 2, 100);
  spec.duration = milliseconds(300);
  ProbeOutcome o = prober_.Probe(source_, spec, nullptr, got.sink());
  EXPECT_EQ(o.requests, 30u);  // due at 0, 10, ..., 290 ms
  EXPECT_EQ(o.requests + o.not_issued, spec.requests);

  std::atomic<bool> cancel{false};
  Collected more;
  uint64_t seen = 0;
  ProbeOutcome c = prober_.Probe(source_, Spec(1000000, 4), &cancel, [&](ProbeRecord&&) {
    if (++seen == 500) cancel = true;
  });
  EXPECT_TRUE(c.interrupted);
  EXPECT_GE(c.requests, 500u);
  EXPECT_LT(c.requests, 1000u);
  EXPECT_EQ(c.requests + c.not_issued, 1000000u);
}

TEST_F(DirectProberTest, DeadlineTurnsRequestsInFlightIntoLostRecords) {
  Collected got;
  server_.Stop();
  ProbeSpec spec = Spec(10, 3);
  spec.deadline = milliseconds(300);
  ProbeOutcome o = prober_.Probe(source_, spec, nullptr, got.sink());
  server_.Continue();
  EXPECT_TRUE(o.deadline_reached);
  EXPECT_EQ(o.lost, 3u);
  EXPECT_EQ(o.requests, 3u);
  EXPECT_EQ(o.not_issued, 7u);
  ASSERT_EQ(got.records.size(), 3u);
  EXPECT_EQ(got.records[0].error, "deadline reached with the request in flight");
  EXPECT_EQ(got.records[0].http_code, 0);
}

}  // namespace
}  // namespace meshverify
