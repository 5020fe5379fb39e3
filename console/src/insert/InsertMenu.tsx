import { createEffect, createMemo, createResource, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { showToast } from '../ui/toasts';
import { createInsertSource, groupByFolder, type InsertSearchResults, type InsertSource, type TemplateItem } from './insert-source';
import { QuickReplyManager } from './QuickReplyManager';
import { ErrorNotice } from '../ui/ErrorNotice';
import { InsertOptionList } from './InsertOptionList';
import {
  emptyText,
  faqOption,
  nextTab,
  optionId,
  otherTabsHint,
  quickOption,
  tabLabels,
  templateOption,
  type InsertOption,
  type InsertOptionGroup,
  type InsertTab,
} from './insert-options';

interface InsertMenuProps {
  sessionId: string;
  /** Text for the reply box (a filled-in template, a FAQ answer, a quick reply). */
  onInsertText(text: string): void;
  /** Something was sent to the chat directly (a FAQ link). */
  onSent(): void;
  onClose(): void;
  /** Defaults to the API; tests may hand in the same source over another client. */
  source?: InsertSource;
}

/**
 * Reply templates, FAQ entries and my quick replies, searchable as you type (the server ranks
 * matches), browsable by folder, with favourites and recently used templates first. Arrow keys
 * move through the list, Enter inserts, Escape closes.
 */
export function InsertMenu(props: InsertMenuProps) {
  const source = props.source ?? createInsertSource(useRuntime().client);
  const [tab, setTab] = createSignal<InsertTab>('templates');
  const [query, setQuery] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const [active, setActive] = createSignal(0);
  const [managing, setManaging] = createSignal(false);
  const [working, setWorking] = createSignal(false);
  let searchInput!: HTMLInputElement;
  let listbox: HTMLDivElement | undefined;
  let root!: HTMLDivElement;

  const [library, { refetch: reloadLibrary, mutate: setLibrary }] = createResource(() => source.library());

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(query, (value) => {
      clearTimeout(timer);
      timer = setTimeout(() => setDebounced(value.trim()), 150);
    }),
  );
  onCleanup(() => clearTimeout(timer));

  // The newest search wins; an answer to an older query is dropped.
  const [results] = createResource(
    () => debounced() || false,
    async (q): Promise<InsertSearchResults & { query: string }> => ({ ...(await source.search(q)), query: q }),
  );

  const searching = () => debounced().length > 0;
  let pendingPick: { asLink: boolean } | null = null;
  createEffect(() => {
    const r = results.latest;
    if (!pendingPick || results.loading || (searching() && r?.query !== debounced())) return;
    const { asLink } = pendingPick;
    pendingPick = null;
    void pick(options()[0], asLink);
  });

  const groups = createMemo<InsertOptionGroup[]>(() => {
    const lib = library();
    if (searching()) {
      const r = results.latest;
      if (!r) return [];
      if (tab() === 'templates') return [{ label: 'Matching templates', options: r.templates.map((t) => templateOption(t)) }];
      if (tab() === 'faq') return [{ label: 'Matching FAQ entries', options: r.faq.map(faqOption) }];
      return [{ label: 'Matching quick replies', options: r.quickReplies.map(quickOption) }];
    }
    if (!lib) return [];
    if (tab() === 'templates') {
      const list: InsertOptionGroup[] = [];
      if (lib.favourites.length) list.push({ label: 'Favourites', options: lib.favourites.map((t) => templateOption(t, 'fav')) });
      if (lib.recent.length) list.push({ label: 'Recently used', options: lib.recent.map((t) => templateOption(t, 'recent')) });
      for (const group of groupByFolder(lib.templates, lib.templateFolders))
        list.push({ label: group.label, options: group.items.map((t) => templateOption(t)) });
      return list;
    }
    if (tab() === 'faq') return groupByFolder(lib.faq, lib.faqFolders).map((g) => ({ label: g.label, options: g.items.map(faqOption) }));
    return [{ label: 'My quick replies', options: lib.quickReplies.map(quickOption) }];
  });
  const options = createMemo(() => groups().flatMap((g) => g.options));
  const counts = () => {
    const r = results.latest;
    return searching() && r ? { templates: r.templates.length, faq: r.faq.length, quick: r.quickReplies.length } : null;
  };

  createEffect(on([tab, debounced], () => setActive(0)));
  createEffect(() => {
    const option = options()[active()];
    if (option && listbox) document.getElementById(optionId(option))?.scrollIntoView?.({ block: 'nearest' });
  });

  onMount(() => searchInput.focus());
  const onDocumentPointer = (event: PointerEvent) => {
    if (!root.contains(event.target as Node) && !(event.target as HTMLElement).closest?.('[aria-haspopup="dialog"]')) props.onClose();
  };
  document.addEventListener('pointerdown', onDocumentPointer);
  onCleanup(() => document.removeEventListener('pointerdown', onDocumentPointer));

  async function pick(option: InsertOption | undefined, asLink = false) {
    if (!option || working()) return;
    setWorking(true);
    try {
      if (option.kind === 'template') {
        const rendered = await source.useTemplate(option.item.id, props.sessionId);
        if (rendered.unresolvedVariables.length)
          showToast({
            tone: 'info',
            message: `Fill in ${rendered.unresolvedVariables.map((v) => `{{${v}}}`).join(', ')} before sending: this chat has no value for it yet.`,
          });
        props.onInsertText(rendered.text);
      } else if (option.kind === 'faq') {
        if (asLink) {
          await source.sendFaqLink(props.sessionId, option.item.id);
          showToast({ tone: 'success', message: `Sent the link to “${option.item.question}”.` });
          props.onSent();
        } else props.onInsertText(`${option.item.question}\n${option.item.answer}`);
      } else props.onInsertText(option.item.content);
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    } finally {
      setWorking(false);
    }
  }

  async function toggleFavourite(item: TemplateItem) {
    try {
      await source.setFavourite(item.id, !item.isFavourite);
      await reloadLibrary();
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    const count = options().length;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (count) setActive((active() + 1) % count);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (count) setActive((active() - 1 + count) % count);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Typed faster than the search: search now and take the best match once it is in.
      if (query().trim() !== debounced() || results.loading) {
        pendingPick = { asLink: event.altKey };
        clearTimeout(timer);
        setDebounced(query().trim());
      } else void pick(options()[active()], event.altKey);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose();
    } else if (event.key === 'ArrowRight' && event.ctrlKey) {
      event.preventDefault();
      setTab(nextTab(tab(), 1));
    } else if (event.key === 'ArrowLeft' && event.ctrlKey) {
      event.preventDefault();
      setTab(nextTab(tab(), -1));
    }
  }

  const activeOption = () => options()[active()];

  return (
    <div class="insert-menu popover" ref={root} role="dialog" aria-label="Insert a template, FAQ entry or quick reply">
      <div class="insert-search">
        <label class="sr-only" for="insert-search-input">
          Search templates, FAQ and quick replies
        </label>
        <input
          id="insert-search-input"
          ref={searchInput}
          type="search"
          placeholder="Search templates, FAQ and quick replies…"
          autocomplete="off"
          role="combobox"
          aria-expanded="true"
          aria-controls="insert-listbox"
          aria-activedescendant={activeOption() ? optionId(activeOption()!) : undefined}
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <Show when={results.loading}>
          <span class="spinner spinner-small" role="status" aria-label="Searching" />
        </Show>
      </div>
      <div class="tabs" role="tablist" aria-label="What to insert">
        <For each={Object.keys(tabLabels) as InsertTab[]}>
          {(key) => (
            <button
              type="button"
              role="tab"
              id={`insert-tab-${key}`}
              class="tab"
              aria-selected={tab() === key}
              aria-controls="insert-panel"
              tabindex={tab() === key ? 0 : -1}
              onClick={() => {
                setTab(key);
                setManaging(false);
                searchInput.focus();
              }}
            >
              {tabLabels[key]}
              <Show when={counts()}>{(c) => <span class="tab-count">{c()[key]}</span>}</Show>
            </button>
          )}
        </For>
      </div>
      <div id="insert-panel" class="insert-panel" role="tabpanel" aria-labelledby={`insert-tab-${tab()}`}>
        <Switch>
          <Match when={library.error && !searching()}>
            <ErrorNotice error={library.error} />
          </Match>
          <Match when={results.error && searching()}>
            <ErrorNotice error={results.error} />
          </Match>
          <Match when={tab() === 'quick' && managing()}>
            <QuickReplyManager
              source={source}
              quickReplies={library()?.quickReplies ?? []}
              onChanged={(list) => {
                const lib = library();
                if (lib) setLibrary({ ...lib, quickReplies: list });
              }}
              onDone={() => {
                setManaging(false);
                searchInput.focus();
              }}
            />
          </Match>
          <Match when={(library.loading && !searching()) || (searching() && !results.latest)}>
            <div class="list-skeleton" role="status" aria-label="Loading">
              <div class="skeleton-row" />
              <div class="skeleton-row" />
            </div>
          </Match>
          <Match when={options().length === 0}>
            <div class="empty-list">
              <strong>{searching() ? `Nothing matches “${debounced()}”` : emptyText(tab())}</strong>
              <Show when={searching() && counts()}>
                <span class="muted">{otherTabsHint(counts()!, tab())}</span>
              </Show>
            </div>
          </Match>
          <Match when={true}>
            <InsertOptionList
              groups={groups()}
              activeOption={activeOption()}
              label={tabLabels[tab()]}
              listboxRef={(el) => (listbox = el)}
              onHover={(option) => setActive(options().indexOf(option))}
              onPick={(option, asLink) => void pick(option, asLink)}
              onToggleFavourite={(item) => void toggleFavourite(item)}
            />
          </Match>
        </Switch>
      </div>
      <footer class="insert-footer">
        <span class="muted small">↑↓ to choose · Enter to insert{tab() === 'faq' ? ' · Alt+Enter sends a link' : ''} · Ctrl+←→ switches tabs · Esc closes</span>
        <Show when={tab() === 'quick' && !managing()}>
          <button type="button" class="button button-small" onClick={() => setManaging(true)}>
            Manage quick replies
          </button>
        </Show>
      </footer>
    </div>
  );
}
