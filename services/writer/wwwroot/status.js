// The page's status line (announced to screen readers) and its confirmation dialog.
import { $ } from './dom.js';

export function say(message) {
  // Re-set even when equal, so a repeated message is announced again.
  $('status').textContent = '';
  setTimeout(() => { $('status').textContent = message; }, 50);
}

export function confirmAction(title, text, okLabel) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      $('confirm-ok').removeEventListener('click', ok);
      $('confirm-cancel').removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const ok = () => finish(true);
    const cancel = (e) => { e?.preventDefault?.(); finish(false); };
    $('confirm-ok').addEventListener('click', ok);
    $('confirm-cancel').addEventListener('click', cancel);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    $('confirm-cancel').focus(); // the safe choice has the focus
  });
}
