import { createSignal, type ComponentProps, Match, onMount, Switch } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { loadConversation } from './chat-data';
import { ConversationView } from './ConversationView';
import type { Loaded } from './operations';

type ConversationProps = Omit<ComponentProps<typeof ConversationView>, 'initial'>;

/** Loads a chat (or starts listening to it) and shows it; a failure offers to try again. */
export function Conversation(props: ConversationProps) {
  const { client } = useRuntime();
  const [loaded, setLoaded] = createSignal<Loaded>();
  const [error, setError] = createSignal<string | null>(null);

  async function load() {
    setError(null);
    try {
      setLoaded(await loadConversation(client, props.sessionId, props.listen));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }
  onMount(() => void load());

  return (
    <Switch>
      <Match when={error()}>
        <div class="conversation-empty" role="alert">
          <h2>Could not open this chat</h2>
          <p class="muted">{error()}</p>
          <button type="button" class="button button-primary" onClick={load}>
            Try again
          </button>
        </div>
      </Match>
      <Match when={loaded()}>{(data) => <ConversationView {...props} initial={data()} />}</Match>
      <Match when={true}>
        <div class="conversation-empty" aria-busy="true">
          <div class="spinner" role="status" aria-label="Loading the conversation" />
        </div>
      </Match>
    </Switch>
  );
}
