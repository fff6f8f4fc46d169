// The countdown every live view shows: `m:ss`, `-m:ss` in overtime, counted locally from
// `ends_at` on the server's clock (corrected by `server_now`), never from a server tick.

import assert from "node:assert/strict";
import { test } from "node:test";

import { formatClock, LiveClient } from "../../static/js/live-client.js";

test("the clock reads m:ss and shows a started second as still to come", () => {
  assert.equal(formatClock(1200), "20:00");
  assert.equal(formatClock(1199.2), "20:00");
  assert.equal(formatClock(600.5), "10:01");
  assert.equal(formatClock(59.01), "1:00");
  assert.equal(formatClock(9), "0:09");
  assert.equal(formatClock(0.4), "0:01");
  assert.equal(formatClock(0), "0:00");
});

test("overtime reads -m:ss, from the first whole second past zero", () => {
  assert.equal(formatClock(-0.5), "0:00");
  assert.equal(formatClock(-1), "-0:01");
  assert.equal(formatClock(-61.9), "-1:01");
  assert.equal(formatClock(-600), "-10:00");
});

test("a clock with nothing to show reads 0:00", () => {
  for (const nothing of [null, undefined, Number.NaN]) assert.equal(formatClock(nothing), "0:00");
});

function runningTimer(serverNow, endsAt) {
  return { segment_index: 0, status: "running", server_now: serverNow, ends_at: endsAt, remaining_s: 600 };
}

test("the countdown runs on the server's clock, whatever this device's clock says", (t) => {
  // This phone's clock is 42 s behind the server's.
  let deviceNow = Date.parse("2026-03-02T10:00:00.000Z");
  t.mock.method(Date, "now", () => deviceNow);
  const client = new LiveClient({ auth: {} });
  client.setTimer(runningTimer("2026-03-02T10:00:42.000Z", "2026-03-02T10:10:42.000Z"));

  assert.equal(client.remaining(), 600);
  deviceNow += 90_000;
  assert.equal(client.remaining(), 510);
  assert.equal(formatClock(client.remaining()), "8:30");
  deviceNow += 600_000;
  assert.equal(formatClock(client.remaining()), "-1:30");
});

test("a device whose clock runs ahead of the server's counts the same", (t) => {
  let deviceNow = Date.parse("2026-03-02T10:05:00.000Z");
  t.mock.method(Date, "now", () => deviceNow);
  const client = new LiveClient({ auth: {} });
  client.setTimer(runningTimer("2026-03-02T10:00:00.000Z", "2026-03-02T10:01:00.000Z"));

  assert.equal(formatClock(client.remaining()), "1:00");
  deviceNow += 59_500;
  assert.equal(formatClock(client.remaining()), "0:01");
});

test("a paused or not yet started clock shows the time the server froze", (t) => {
  let deviceNow = Date.parse("2026-03-02T10:00:00.000Z");
  t.mock.method(Date, "now", () => deviceNow);
  const client = new LiveClient({ auth: {} });
  for (const status of ["paused", "not_started"]) {
    client.setTimer({ segment_index: 1, status, server_now: "2026-03-02T10:00:00.000Z", ends_at: null, remaining_s: 754.2 });
    deviceNow += 30_000;
    assert.equal(formatClock(client.remaining()), "12:35", status);
  }
});

test("a new timer event moves the end and keeps the session's status in step", (t) => {
  t.mock.method(Date, "now", () => Date.parse("2026-03-02T10:00:00.000Z"));
  const client = new LiveClient({ auth: {} });
  client.store.session = { status: "running" };
  client.setTimer(runningTimer("2026-03-02T10:00:00.000Z", "2026-03-02T10:01:00.000Z"));
  client.setTimer(runningTimer("2026-03-02T10:00:00.000Z", "2026-03-02T10:06:00.000Z"));
  assert.equal(formatClock(client.remaining()), "6:00");
  client.setTimer({ ...runningTimer("2026-03-02T10:00:00.000Z", null), status: "paused", remaining_s: 360 });
  assert.equal(client.store.session.status, "paused");
});

test("before any timer arrives there is no remaining time", () => {
  assert.equal(new LiveClient({ auth: {} }).remaining(), null);
});
