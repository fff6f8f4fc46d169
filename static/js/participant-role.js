// "Picked the wrong role?": a participant changes their own role (me:role). The server
// answers with the new `me`; cases they open from now on carry the new role.

/** Wire the role form (`page` as in participant.js); returns `render()` for store changes. */
export function setupRole(page) {
  const { root, t, client, store, roleLabel, showProblem } = page;
  const form = root.querySelector("#pt-role-form");
  const choice = root.querySelector("#pt-role-choice");
  const status = root.querySelector("#pt-role-status");

  function render() {
    if (!form) return;
    const finished = store.session?.status === "finished";
    for (const control of form.elements) control.disabled = finished || !store.connected;
    if (store.me?.role && document.activeElement !== choice) choice.value = store.me.role;
  }

  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await client.request("me:role", { role: choice.value });
    if (!ack?.ok) {
      showProblem(ack?.error?.message || t("offline"));
      return;
    }
    client.applyMe(ack.me);
    status.textContent = t("role_changed", { role: roleLabel(ack.me.role) });
  });

  return { render };
}
