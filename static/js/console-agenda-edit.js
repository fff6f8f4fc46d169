// Editing the agenda from the console (agenda:edit): earlier/later, minutes and remove on
// each segment the server marks `editable`, and a form to add one. The server decides what
// may change and says why when it refuses; this module only offers what it marks.

import { h } from "./live-client.js";

/** Wire the agenda's edit controls; returns `controls(li, segment)` for each rendered item. */
export function setupAgendaEdits({ t, store, $, act, limits, canControl }) {
  const form = $("#pt-agenda-add");

  async function edit(payload) {
    const ack = await act("agenda:edit", payload);
    if (ack?.agenda) store.agenda = ack.agenda;
    return ack;
  }

  function build(li) {
    const box = h("div", { class: "pt-agenda__edit" });
    const earlier = h("button", { type: "button", class: "pt-link-button", dataset: { edit: "earlier" } });
    const later = h("button", { type: "button", class: "pt-link-button", dataset: { edit: "later" } });
    const minutes = h("input", {
      class: "govuk-input govuk-input--width-3 pt-agenda__minutes",
      type: "number",
      inputmode: "numeric",
      min: limits.segment_min_minutes,
      max: limits.segment_max_minutes,
    });
    const save = h("button", { type: "button", class: "pt-link-button", dataset: { edit: "minutes" } });
    const remove = h("button", { type: "button", class: "pt-link-button", dataset: { edit: "remove" } });
    box.append(earlier, later, minutes, save, remove);
    box.addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-edit]");
      if (!button) return;
      const index = Number(li.dataset.index);
      const kind = button.dataset.edit;
      if (kind === "earlier") await edit({ op: "move", index, to: index - 1 });
      else if (kind === "later") await edit({ op: "move", index, to: index + 1 });
      else if (kind === "remove") await edit({ op: "remove", index });
      else await edit({ op: "minutes", index, minutes: Number(minutes.value) });
    });
    li.append(box);
    return box;
  }

  /** Show (or hide) the controls of one agenda item, labelled with its title. */
  function controls(li, segment, first) {
    if (!canControl) return;
    const box = li.querySelector(".pt-agenda__edit") || build(li);
    li.dataset.index = String(segment.index);
    box.hidden = !segment.editable;
    if (!segment.editable) return;
    const title = segment.title;
    const [earlier, later, minutes, save, remove] = box.children;
    earlier.textContent = t("move_earlier");
    earlier.setAttribute("aria-label", t("move_earlier_named", { title }));
    earlier.hidden = segment.index === first;
    later.textContent = t("move_later");
    later.setAttribute("aria-label", t("move_later_named", { title }));
    later.hidden = segment.index === (store.agenda?.segments?.length ?? 0) - 1;
    minutes.setAttribute("aria-label", t("minutes_for", { title }));
    if (document.activeElement !== minutes) minutes.value = String(segment.minutes);
    save.textContent = t("set_minutes");
    save.setAttribute("aria-label", t("set_minutes_named", { title }));
    remove.textContent = t("remove");
    remove.setAttribute("aria-label", t("remove_named", { title }));
  }

  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const segments = store.agenda?.segments || [];
    const at = data.get("at") === "end" ? segments.length : Number(data.get("at"));
    const ack = await edit({
      op: "insert",
      at,
      title: String(data.get("title") || ""),
      minutes: Number(data.get("minutes")),
      kind: String(data.get("kind")),
    });
    if (ack) form.reset();
  });

  /** The add form's places: before each segment still to come, or at the end. */
  function renderForm() {
    if (!form) return;
    const place = form.querySelector("[name=at]");
    const segments = store.agenda?.segments || [];
    form.hidden = store.session?.status === "finished";
    if (document.activeElement === place) return;
    const chosen = place.value;
    place.replaceChildren(
      ...segments
        .filter((segment) => segment.editable)
        .map((segment) => h("option", { value: String(segment.index), text: t("before", { title: segment.title }) })),
      h("option", { value: "end", text: t("at_the_end") }),
    );
    if ([...place.options].some((option) => option.value === chosen)) place.value = chosen;
    else place.value = "end";
  }

  return { controls, renderForm };
}
