/** Light or dark, following the system unless the reader chose: kept in localStorage. */
const KEY = 'lc.theme';

type Theme = 'light' | 'dark';

/** The choice when localStorage is unavailable (private mode): it lasts as long as the page. */
let chosen: Theme | undefined;

function stored(): Theme | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : chosen;
  } catch {
    return chosen;
  }
}

/** The theme in force: the reader's choice, else the system's. */
function current(): Theme {
  return stored() ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

function apply(button: HTMLButtonElement | null): void {
  const choice = stored();
  if (choice) document.documentElement.dataset.theme = choice;
  else delete document.documentElement.dataset.theme;
  if (!button) return;
  const dark = current() === 'dark';
  button.setAttribute('aria-pressed', String(dark));
  button.textContent = dark ? '☾' : '☀';
  button.title = dark ? 'Dark theme (click for light)' : 'Light theme (click for dark)';
}

/** Applies the stored theme and wires the page's `#theme` toggle, if it has one. */
export function setUpTheme(): void {
  const button = document.getElementById('theme') as HTMLButtonElement | null;
  apply(button);
  button?.addEventListener('click', function toggleTheme() {
    chosen = current() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, chosen);
    } catch {
      // Private mode: `chosen` holds it.
    }
    apply(button);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(button));
}
