// One-shot notice carried across a navigation (e.g. "Created." after a create
// form sends the user to the new record's page).

let pending: string | null = null;

export function setFlash(text: string): void {
  pending = text;
}

export function takeFlash(): string | null {
  const text = pending;
  pending = null;
  return text;
}
