import { For } from 'solid-js';
import type { Strings } from './i18n';
import type { FaqSuggestion } from './visitor-forms';

export interface FaqSuggestionsProps {
  t: Strings;
  suggestions: FaqSuggestion[];
  busy: boolean;
  /** The visitor wants to talk to someone after all. */
  onStartAnyway: () => void;
  onSolved: () => void;
}

/** The FAQ entries that may answer the visitor's question, before a chat starts. */
export function FaqSuggestions(props: FaqSuggestionsProps) {
  return (
    <div class="faq">
      <p>{props.t.faqIntro}</p>
      <For each={props.suggestions}>
        {(entry) => (
          <details>
            <summary>{entry.question}</summary>
            <p class="answer">{entry.answer}</p>
          </details>
        )}
      </For>
      <div class="actions">
        <button type="button" class="primary" disabled={props.busy} on:click={() => props.onStartAnyway()}>
          {props.t.faqAnyway}
        </button>
        <button type="button" on:click={() => props.onSolved()}>
          {props.t.faqSolved}
        </button>
      </div>
    </div>
  );
}
