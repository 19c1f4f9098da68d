// Sign-in page: asks for an API key and validates it with GET /api/v1/me.

import { fetchMe, type Me } from '../api';
import { h } from '../dom';
import { describeError } from '../form';
import { t } from '../i18n';
import { languageSwitch } from './shell';

export function renderSignIn(onSignedIn: (key: string, me: Me) => void, notice?: string): HTMLElement {
  const input = h('input', {
    id: 'signin-key', name: 'key', type: 'password', testid: 'signin-key',
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'signin-hint signin-error', required: true,
  });
  const error = h('p', { class: 'form-message error', id: 'signin-error', testid: 'signin-error', role: 'alert', hidden: !notice },
    notice ?? '');
  const submit = h('button', { type: 'submit', class: 'btn primary wide', testid: 'signin-submit' }, t('signin.submit'));

  const form = h('form', { class: 'signin-form', testid: 'signin-form', novalidate: true },
    h('label', { for: 'signin-key' }, t('signin.key')),
    input,
    h('p', { class: 'hint', id: 'signin-hint' }, t('signin.keyHint')),
    error,
    submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    error.hidden = true;
    if (!key) {
      error.textContent = t('signin.empty');
      error.hidden = false;
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin.checking');
    try {
      const me = await fetchMe(key);
      onSignedIn(key, me);
    } catch (err) {
      error.textContent = describeError(err);
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = t('signin.submit');
      input.select();
    }
  });

  const page = h('main', { class: 'signin', testid: 'signin-page' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'signin-top' }, h('span', { class: 'logo' }, t('app.brand')), languageSwitch()),
      h('h1', {}, t('signin.title')),
      h('p', { class: 'muted' }, t('signin.lead')),
      form));
  queueMicrotask(() => input.focus());
  return page;
}
