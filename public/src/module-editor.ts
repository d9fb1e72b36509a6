// The module editor's helpers: a live preview under each step text (rendered by the server with
// the trainee page's own Markdown renderer and sanitiser) and autosave of the draft a moment after
// typing stops. Without this script the editor works by its buttons alone.
const form = document.querySelector<HTMLFormElement>('form.module-editor');
const autosaveStatus = document.querySelector<HTMLElement>('[data-autosave-status]');

const post = (url: string, body: URLSearchParams) =>
  fetch(url, { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'same-origin' });

function debounce(fn: () => void, ms: number) {
  let timer: number | undefined;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, ms);
  };
}

if (form) {
  const token = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
  const markdownUrl = form.dataset.markdownUrl ?? '';
  for (const preview of form.querySelectorAll<HTMLElement>('[data-preview-for]')) {
    const area = document.getElementById(preview.dataset.previewFor ?? '') as HTMLTextAreaElement | null;
    if (!area) continue;
    const render = async () => {
      const response = await post(markdownUrl, new URLSearchParams({ _csrf: token, markdown: area.value }));
      if (!response.ok) return;
      const { title, html } = (await response.json()) as { title: string; html: string };
      // The server's sanitised output, the same HTML a trainee gets.
      const body = preview.querySelector<HTMLElement>('[data-preview-body]');
      if (!body) return;
      const heading = document.createElement('p');
      heading.className = 'preview-title';
      heading.textContent = title;
      body.innerHTML = html;
      body.prepend(heading);
      preview.hidden = false;
    };
    area.addEventListener(
      'input',
      debounce(() => void render(), 400),
    );
    void render();
  }
  const save = debounce(async () => {
    const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    body.set('action', 'save');
    const response = await post(form.action, body);
    if (autosaveStatus)
      autosaveStatus.textContent = response.ok
        ? (form.dataset.saved ?? '').replace('{time}', new Date().toLocaleTimeString(document.documentElement.lang))
        : (form.dataset.saveFailed ?? '');
  }, 2000);
  form.addEventListener('input', save);
  form.addEventListener('change', save);
}
