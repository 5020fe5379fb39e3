import { createSignal, createUniqueId, onCleanup } from 'solid-js';
import { copyText } from './clipboard';

interface CopyableCodeProps {
  /** Names the code for the copy button and screen readers, e.g. "Embed snippet". */
  label: string;
  value: string;
  /** Wraps long single lines instead of scrolling. */
  wrap?: boolean;
}

/** Read-only code (an embed snippet, a new API token) with a copy button that says when it worked. */
export function CopyableCode(props: CopyableCodeProps) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  const codeId = createUniqueId();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  let code!: HTMLElement;

  async function copy() {
    const ok = await copyText(props.value);
    setState(ok ? 'copied' : 'failed');
    if (!ok) {
      // Let the person copy it by hand: select the text.
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    }
    clearTimeout(timer);
    timer = setTimeout(() => setState('idle'), 4000);
  }

  return (
    <div class="copyable">
      <pre class="copyable-code" classList={{ 'is-wrapped': !!props.wrap }} tabindex="0" role="region" aria-label={props.label}>
        <code id={codeId} ref={code}>
          {props.value}
        </code>
      </pre>
      <div class="copyable-actions">
        <button type="button" class="button button-small" aria-describedby={codeId} onClick={() => void copy()}>
          {state() === 'copied' ? 'Copied' : `Copy ${props.label.toLowerCase()}`}
        </button>
        <span class="copy-status" role="status" aria-live="polite">
          {state() === 'copied' ? 'Copied to the clipboard.' : state() === 'failed' ? 'Copying is blocked here: the text is selected, press Ctrl+C (⌘C).' : ''}
        </span>
      </div>
    </div>
  );
}
