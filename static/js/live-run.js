// The run of show's server events (DESIGN.md §9), applied to a LiveClient's store: a changed
// role (`me`) and an edited agenda (`agenda`). Each one is shown as the server sends it; no
// rule is repeated here.

/** The run of show's part of a `state`: the open ready check and, for staff, its counts. */
export function applyRunState(client, state) {
  client.store.readyCheck = state.ready || null;
  client.store.readyProgress = state.ready_progress || null;
}

/** Listen on `socket` for the run-of-show events and apply them to `client`'s store. */
export function wireRunOfShow(client, socket) {
  // My role changed (by me on another screen, or by a facilitator).
  socket.on("me", (me) => {
    client.applyMe(me);
  });
  // The facilitator asks who is done: a check for this segment (the timer's index tells
  // whether it still stands), and how many said so (staff only).
  socket.on("ready:asked", (check) => {
    client.store.readyCheck = { ...check, ready: false };
    client.changed("ready");
  });
  socket.on("ready:progress", (progress) => {
    client.store.readyProgress = progress;
    client.changed("ready");
  });
  // After-ratings are open: everyone is asked for them.
  socket.on("ratings:open", () => {
    if (client.store.session) client.store.session.after_open = true;
    client.changed("ratings");
  });
  // The agenda was edited. The room's copy is in the round's language and without staff
  // details: staff wait for their own copy; other screens keep their own language's texts
  // of the playbook's segments (matched by key).
  socket.on("agenda", (agenda) => {
    const staffCopy = agenda.segments?.some((segment) => "editable" in segment);
    if (client.staff !== Boolean(staffCopy)) return;
    const mine = new Map((client.store.agenda?.segments || []).map((segment) => [segment.key, segment]));
    const segments = (agenda.segments || []).map((segment) => {
      const known = mine.get(segment.key);
      if (!known || segment.original_min === null) return segment;
      return { ...segment, title: known.title, prompt_html: known.prompt_html, notes_html: known.notes_html };
    });
    client.store.agenda = { ...client.store.agenda, ...agenda, segments };
    client.changed("agenda");
  });
}
