import { For, Show } from 'solid-js';
import type { TemplateItem } from './insert-source';
import { optionId, type InsertOption, type InsertOptionGroup } from './insert-options';
import { OptionContent } from './OptionContent';

/** The Insert menu's options in their groups: a listbox the search input drives (aria-activedescendant). */
export function InsertOptionList(props: {
  groups: InsertOptionGroup[];
  activeOption: InsertOption | undefined;
  /** The tab's name, for the listbox. */
  label: string;
  listboxRef(el: HTMLDivElement): void;
  onHover(option: InsertOption): void;
  /** asLink: send a FAQ entry as a link to its page. */
  onPick(option: InsertOption, asLink: boolean): void;
  onToggleFavourite(item: TemplateItem): void;
}) {
  return (
    <div id="insert-listbox" ref={props.listboxRef} role="listbox" aria-label={props.label} class="insert-list">
      <For each={props.groups}>
        {(group) => (
          <div role="group" aria-label={group.label} class="insert-group">
            <div class="insert-group-label" aria-hidden="true">
              {group.label}
            </div>
            <For each={group.options}>
              {(option) => (
                // biome-ignore lint/a11y/useKeyWithClickEvents: a combobox option: the search input keeps focus and handles the keys (aria-activedescendant)
                <div
                  id={optionId(option)}
                  role="option"
                  class="insert-option"
                  aria-selected={props.activeOption === option}
                  onMouseMove={() => props.onHover(option)}
                  onClick={() => props.onPick(option, false)}
                >
                  <OptionContent option={option} />
                  <Show when={option.kind === 'template'}>
                    <button
                      type="button"
                      class="icon-button star"
                      classList={{ 'is-on': (option.item as TemplateItem).isFavourite }}
                      aria-label={
                        (option.item as TemplateItem).isFavourite
                          ? `Remove ${(option.item as TemplateItem).name} from favourites`
                          : `Add ${(option.item as TemplateItem).name} to favourites`
                      }
                      aria-pressed={(option.item as TemplateItem).isFavourite}
                      tabindex="-1"
                      onClick={(e) => {
                        e.stopPropagation();
                        props.onToggleFavourite(option.item as TemplateItem);
                      }}
                    >
                      {(option.item as TemplateItem).isFavourite ? '★' : '☆'}
                    </button>
                  </Show>
                  <Show when={option.kind === 'faq'}>
                    <button
                      type="button"
                      class="button button-small button-ghost"
                      tabindex="-1"
                      title="Send the question with a link to its FAQ page (Alt+Enter)"
                      onClick={(e) => {
                        e.stopPropagation();
                        props.onPick(option, true);
                      }}
                    >
                      Send link
                    </button>
                  </Show>
                </div>
              )}
            </For>
          </div>
        )}
      </For>
    </div>
  );
}
