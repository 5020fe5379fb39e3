import { Match, Switch } from 'solid-js';
import type { FaqItem, QuickReplyItem, TemplateItem } from './insert-source';
import type { InsertOption } from './insert-options';

export function OptionContent(props: { option: InsertOption }) {
  return (
    <span class="insert-option-text">
      <Switch>
        <Match when={props.option.kind === 'template' && (props.option.item as TemplateItem)}>
          {(t) => (
            <>
              <span class="insert-option-title">{t().name}</span>
              <span class="insert-option-preview">{t().body}</span>
            </>
          )}
        </Match>
        <Match when={props.option.kind === 'faq' && (props.option.item as FaqItem)}>
          {(f) => (
            <>
              <span class="insert-option-title">{f().question}</span>
              <span class="insert-option-preview">{f().answer}</span>
            </>
          )}
        </Match>
        <Match when={props.option.kind === 'quick' && (props.option.item as QuickReplyItem)}>
          {(q) => (
            <>
              <span class="insert-option-title">{q().name}</span>
              <span class="insert-option-preview">{q().content}</span>
            </>
          )}
        </Match>
      </Switch>
    </span>
  );
}
