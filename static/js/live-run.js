// The run of show's server events (DESIGN.md §9), applied to a LiveClient's store: a changed
// role (`me`). Each one is shown as the server sends it; no rule is repeated here.

/** Listen on `socket` for the run-of-show events and apply them to `client`'s store. */
export function wireRunOfShow(client, socket) {
  // My role changed (by me on another screen, or by a facilitator).
  socket.on("me", (me) => {
    client.applyMe(me);
  });
}
