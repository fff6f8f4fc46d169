// The console's "Who is online": participants by role, staff connected, and (for a
// facilitator) a form to give someone another role (me:role), since a wrong role spoils
// the handoff map.

import { h } from "./live-client.js";

/** Wire the presence block; `page` carries the console's t, client, store, $ and act. */
export function setupPeople({ t, store, $, roleLabel, act, showDone, canControl }) {
  const form = $("#pt-role-form");
  const person = $("#pt-role-person");
  const newRole = $("#pt-role-new");

  function renderNames() {
    const presence = store.presence;
    const online = presence.online || 0;
    $("#pt-online").textContent = online === 0 ? t("nobody_online") : t.count("online", online);
    const byRole = new Map();
    for (const role of store.session?.role_keys || []) byRole.set(role, []);
    for (const someone of presence.people || []) {
      if (!byRole.has(someone.role)) byRole.set(someone.role, []);
      byRole.get(someone.role).push(someone.display_name);
    }
    const blocks = [];
    for (const [role, names] of byRole) {
      if (!names.length) continue;
      blocks.push(
        h("h3", {
          class: "govuk-heading-s govuk-!-margin-bottom-1",
          text: `${roleLabel(role)} (${names.length})`,
        }),
        h("ul", { class: "govuk-list pt-people" }, names.map((name) => h("li", { text: name }))),
      );
    }
    $("#pt-people").replaceChildren(...blocks);
    $("#pt-staff").textContent = t("staff_n", { n: presence.staff || 0 });
  }

  /** The people online, as options; the one chosen stays chosen across updates. */
  function renderForm() {
    if (!form) return;
    const everyone = store.presence.people || [];
    form.hidden = !canControl || everyone.length === 0 || store.session?.status === "finished";
    if (!form.hidden && document.activeElement !== person) {
      const chosen = person.value;
      person.replaceChildren(
        ...everyone.map((someone) =>
          h("option", {
            value: String(someone.participant_id),
            text: `${someone.display_name} (${roleLabel(someone.role)})`,
          }),
        ),
      );
      if ([...person.options].some((option) => option.value === chosen)) person.value = chosen;
    }
    if (!newRole.options.length) {
      const keys = store.session?.role_keys || [];
      newRole.replaceChildren(...keys.map((key) => h("option", { value: key, text: roleLabel(key) })));
    }
  }

  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await act("me:role", { participant_id: Number(person.value), role: newRole.value });
    if (ack) showDone(t("role_changed", { name: ack.me.display_name, role: roleLabel(ack.me.role) }));
  });

  return {
    render() {
      renderNames();
      renderForm();
    },
  };
}
