// test_engine.cpp: event ordering, tie-breaks, run-until, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "engine/random.hpp"
#include "engine/simulator.hpp"
#include "model/steps.hpp"

using ipistorm::engine::Action;
using ipistorm::engine::SimTime;
using ipistorm::engine::Simulator;

namespace {

struct Recorder {
  Simulator* sim;
  std::vector<std::pair<SimTime, std::int64_t>> seen;
  void on(std::int64_t id) { seen.emplace_back(sim->now(), id); }
  // Schedules two more events when id is even: a chain, to check ordering of
  // events created while running.
  void chain(std::int64_t id) {
    seen.emplace_back(sim->now(), id);
    if (id < 6) {
      sim->after(5, Action::bind<&Recorder::chain>(this, id + 2));
      sim->after(0, Action::bind<&Recorder::on>(this, 100 + id));
    }
  }
};

TEST(Engine, RunsEventsInTimeOrder) {
  Simulator sim;
  Recorder r{&sim, {}};
  sim.at(30, Action::bind<&Recorder::on>(&r, 3));
  sim.at(10, Action::bind<&Recorder::on>(&r, 1));
  sim.at(20, Action::bind<&Recorder::on>(&r, 2));
  EXPECT_EQ(sim.run(), 3u);
  ASSERT_EQ(r.seen.size(), 3u);
  EXPECT_EQ(r.seen[0], std::make_pair(SimTime{10}, std::int64_t{1}));
  EXPECT_EQ(r.seen[1], std::make_pair(SimTime{20}, std::int64_t{2}));
  EXPECT_EQ(r.seen[2], std::make_pair(SimTime{30}, std::int64_t{3}));
  EXPECT_EQ(sim.now(), 30);
}

TEST(Engine, SameTimeEventsRunInSchedulingOrder) {
  Simulator sim;
  Recorder r{&sim, {}};
  for (int i = 0; i < 50; ++i) sim.at(7, Action::bind<&Recorder::on>(&r, i));
  sim.run();
  ASSERT_EQ(r.seen.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(r.seen[static_cast<std::size_t>(i)].second, i);
}

TEST(Engine, EventsScheduledWhileRunningKeepOrder) {
  Simulator sim;
  Recorder r{&sim, {}};
  sim.at(0, Action::bind<&Recorder::chain>(&r, 0));
  sim.run();
  // 0@0, then 100@0 (after(0) runs before the +5 chain), 2@5, 102@5, 4@10, 104@10, 6@15
  std::vector<std::pair<SimTime, std::int64_t>> want = {{0, 0},  {0, 100},  {5, 2}, {5, 102},
                                                        {10, 4}, {10, 104}, {15, 6}};
  EXPECT_EQ(r.seen, want);
}

// Many pending events with random times, rescheduled from inside actions and
// with ties: the run order must be exactly (time, scheduling order), checked
// against a sort of every scheduled event.
struct Churn {
  explicit Churn(Simulator* s) : sim(s) {}
  Simulator* sim;
  ipistorm::engine::RandomStream rng{7, 0};
  std::int64_t next_id = 0;
  std::vector<std::pair<SimTime, std::int64_t>> scheduled, seen;
  void schedule(SimTime t) {
    scheduled.emplace_back(t, next_id);
    sim->at(t, Action::bind<&Churn::on>(this, next_id++));
  }
  void on(std::int64_t id) {
    seen.emplace_back(sim->now(), id);
    const std::uint64_t fanout = rng.below(3);  // 0, 1 or 2 new events
    for (std::uint64_t k = 0; k < fanout && next_id < 20000; ++k)
      schedule(sim->now() + static_cast<SimTime>(rng.below(50)));
  }
};

TEST(Engine, MatchesASortOfEveryScheduledEvent) {
  Simulator sim;
  Churn c(&sim);
  for (int i = 0; i < 3000; ++i) c.schedule(static_cast<SimTime>(c.rng.below(100)));
  sim.run();
  std::vector<std::pair<SimTime, std::int64_t>> want = c.scheduled;
  std::stable_sort(want.begin(), want.end());  // ids grow with scheduling order
  EXPECT_EQ(c.seen, want);
  EXPECT_EQ(sim.pending(), 0u);
}

// advance() moves the clock only when no event lies at or before the
// target time, so inline work runs exactly where its event would have.
struct Stepper {
  Simulator* sim;
  std::vector<std::pair<SimTime, std::int64_t>> seen;
  void on(std::int64_t id) { seen.emplace_back(sim->now(), id); }
  void step(std::int64_t id) {
    seen.emplace_back(sim->now(), id);
    // Three inline steps of 4 ns each when nothing is in the way.
    for (int k = 0; k < 3; ++k) {
      if (!sim->advance(sim->now() + 4)) {
        sim->after(4, Action::bind<&Stepper::step>(this, id + 1));
        return;
      }
      seen.emplace_back(sim->now(), ++id);
    }
  }
};

TEST(Engine, AdvanceStopsAtThePendingEvent) {
  Simulator sim;
  Stepper s{&sim, {}};
  sim.at(0, Action::bind<&Stepper::step>(&s, 0));
  sim.at(8, Action::bind<&Stepper::on>(&s, 100));  // in the way at t = 8 (tie: it runs first)
  sim.run();
  std::vector<std::pair<SimTime, std::int64_t>> want = {{0, 0},  {4, 1},  {8, 100}, {8, 2},
                                                        {12, 3}, {16, 4}, {20, 5}};
  EXPECT_EQ(s.seen, want);
  EXPECT_EQ(sim.events_processed(), 3u);  // the inline steps are not events
}

// continue_after() runs its action inline where advance() allows, as an
// event otherwise, and bounds the nesting: a chain of 1000 steps of 1 ns
// with nothing in the way gives the same times as 1000 events, in far
// fewer events and without exhausting the stack.
struct Chain {
  Simulator* sim;
  int left;
  std::vector<SimTime> seen;
  void step(std::int64_t) {
    seen.push_back(sim->now());
    if (--left > 0) sim->continue_after(1, Action::bind<&Chain::step>(this));
  }
};

TEST(Engine, ContinueAfterInlinesWhatNothingCanObserve) {
  Simulator sim;
  Chain c{&sim, 1000, {}};
  sim.at(0, Action::bind<&Chain::step>(&c));
  sim.run();
  ASSERT_EQ(c.seen.size(), 1000u);
  for (std::size_t i = 0; i < c.seen.size(); ++i) EXPECT_EQ(c.seen[i], static_cast<SimTime>(i));
  EXPECT_LT(sim.events_processed(), 100u);
  EXPECT_GT(sim.events_processed(), 1u);  // the nesting bound turned some steps into events

  // Another event at t = 5 (scheduled first: it wins the tie) is not jumped over.
  Simulator sim2;
  Chain d{&sim2, 10, {}};
  Recorder r{&sim2, {}};
  sim2.at(0, Action::bind<&Chain::step>(&d));
  sim2.at(5, Action::bind<&Recorder::on>(&r, 7));
  sim2.run();
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].first, 5);
  EXPECT_EQ(d.seen.back(), 9);
  EXPECT_EQ(sim2.events_processed(), 3u);  // the first step, the recorder, the step at 5
}

// advance() remembers how far the clock may move without a look at the
// queue (up to the next pending event): an event scheduled after that look,
// inside that stretch, still stops it, as does stop().
struct Clearance {
  Simulator* sim;
  std::vector<bool> moved;
  void probe(std::int64_t) {
    moved.push_back(sim->advance(sim->now() + 10));  // nothing until 100: clear to 99
    sim->at(sim->now() + 30, Action::bind<&Clearance::noop>(this));
    moved.push_back(sim->advance(sim->now() + 10));  // to 20: before the new one at 40
    moved.push_back(sim->advance(sim->now() + 25));  // to 45: past it
    moved.push_back(sim->advance(sim->now() + 20));  // to 40: onto it (ties go to the event)
    moved.push_back(sim->advance(sim->now() + 19));  // to 39
    sim->stop();
    moved.push_back(sim->advance(sim->now() + 0));
  }
  void noop(std::int64_t) {}
};

TEST(Engine, AdvanceSeesEventsScheduledSinceItsLastLook) {
  Simulator sim;
  Clearance c{&sim, {}};
  sim.at(0, Action::bind<&Clearance::probe>(&c));
  sim.at(100, Action::bind<&Clearance::noop>(&c));
  sim.run();
  EXPECT_EQ(c.moved, (std::vector<bool>{true, true, false, false, true, false}));
  EXPECT_EQ(sim.now(), 39);  // stopped: the events at 40 and 100 did not run
  EXPECT_EQ(sim.pending(), 2u);
}

TEST(Engine, AdvanceRespectsTheRunHorizon) {
  Simulator sim;
  Stepper s{&sim, {}};
  sim.at(0, Action::bind<&Stepper::step>(&s, 0));
  sim.run(5);
  EXPECT_EQ(sim.now(), 4);  // 8 lies beyond the horizon: scheduled, not run
  EXPECT_EQ(sim.pending(), 1u);
}

TEST(Engine, RunUntilStopsBeforeLaterEvents) {
  Simulator sim;
  Recorder r{&sim, {}};
  sim.at(10, Action::bind<&Recorder::on>(&r, 1));
  sim.at(20, Action::bind<&Recorder::on>(&r, 2));
  EXPECT_EQ(sim.run(15), 1u);
  EXPECT_EQ(sim.pending(), 1u);
  EXPECT_EQ(sim.run(), 1u);
  EXPECT_EQ(sim.events_processed(), 2u);
}

TEST(Engine, RefusesEventsInThePast) {
  Simulator sim;
  Recorder r{&sim, {}};
  sim.at(10, Action::bind<&Recorder::on>(&r, 1));
  sim.run();
  EXPECT_THROW(sim.at(5, Action::bind<&Recorder::on>(&r, 2)), std::logic_error);
}

TEST(Engine, UsRoundsToNearestNanosecond) {
  EXPECT_EQ(ipistorm::engine::us(1.0), 1000);
  EXPECT_EQ(ipistorm::engine::us(0.0004), 0);
  EXPECT_EQ(ipistorm::engine::us(0.0006), 1);
  EXPECT_EQ(ipistorm::engine::us(3.5), 3500);
}

// model::Steps: a list of asynchronous steps runs in order, each step
// continuing when its own work is done (inline or from an event), a step may
// skip itself, and the continuation after the last step may start the next
// list on the same Steps (a strategy's next hypercall).
struct StepsOwner {
  Simulator* sim;
  ipistorm::model::Steps<StepsOwner> steps;
  std::vector<std::pair<char, SimTime>> log;
  int lists_left = 2;
  bool skip_b = false;
  void a(Action next) {
    log.emplace_back('a', sim->now());
    sim->after(5, next);  // done 5 ns later, from an event
  }
  void b(Action next) {
    if (skip_b) {
      next();
      return;
    }
    log.emplace_back('b', sim->now());
    sim->continue_after(2, next);  // inline: nothing else is pending
  }
  void c(Action next) {
    log.emplace_back('c', sim->now());
    next();
  }
  static constexpr ipistorm::model::Steps<StepsOwner>::Step kList[] = {
      &StepsOwner::a, &StepsOwner::b, &StepsOwner::c};
  void start(std::int64_t) { steps.run(*this, kList, Action::bind<&StepsOwner::done>(this)); }
  void done(std::int64_t) {
    log.emplace_back('.', sim->now());
    skip_b = true;
    if (--lists_left > 0) start(0);
  }
};

TEST(Steps, RunInOrderEachWhenTheOneBeforeIsDoneAndTheNextListMayStartFromTheLast) {
  Simulator sim;
  StepsOwner o{&sim, {}, {}};
  sim.at(10, Action::bind<&StepsOwner::start>(&o));
  sim.run();
  const std::vector<std::pair<char, SimTime>> want = {{'a', 10}, {'b', 15}, {'c', 17}, {'.', 17},
                                                      {'a', 17}, {'c', 22}, {'.', 22}};
  EXPECT_EQ(o.log, want);
  EXPECT_EQ(sim.events_processed(), 3u);  // the start and the two ends of `a`
}

}  // namespace
