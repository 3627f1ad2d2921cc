/// <reference lib="dom" />
/**
 * "Are you sure?" for every action that changes the farm: a native modal <dialog> (focus moves
 * into it, Esc cancels, focus returns to the button that opened it).
 */
export function confirmAction(title: string, detail: string, confirmLabel: string): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  const dialog = document.createElement("dialog");
  dialog.className = "confirm";
  dialog.setAttribute("aria-labelledby", "confirm-title");
  dialog.setAttribute("aria-describedby", "confirm-detail");
  const h = Object.assign(document.createElement("h2"), { id: "confirm-title", textContent: title });
  const p = Object.assign(document.createElement("p"), { id: "confirm-detail", textContent: detail });
  const form = Object.assign(document.createElement("form"), { method: "dialog" });
  const cancel = Object.assign(document.createElement("button"), { value: "cancel", textContent: "Cancel", className: "secondary" });
  const ok = Object.assign(document.createElement("button"), { value: "ok", textContent: confirmLabel });
  form.append(cancel, ok);
  dialog.append(h, p, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
      opener?.focus();
    });
    dialog.showModal();
    cancel.focus();
  });
}
