import { createSignal, For, Show } from 'solid-js';
import type { ChatStore, WidgetChannel } from './chat-store';
import { fieldError } from './form-validation';
import { fill, type Strings } from './i18n';

export interface PostChatProps {
  store: ChatStore;
  config: WidgetChannel;
  t: Strings;
  email: string;
  describeError: (error: unknown) => string;
  onReturn: () => void;
  onNewChat: () => void;
}

/** After the chat: a 1–5 rating with a comment, the transcript by email, and the way back into the chat. */
export function PostChat(props: PostChatProps) {
  const t = () => props.t;
  const [rating, setRating] = createSignal(0);
  const [comment, setComment] = createSignal('');
  const [email, setEmail] = createSignal(props.email);
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [ratingError, setRatingError] = createSignal<string | null>(null);
  const [transcriptError, setTranscriptError] = createSignal<string | null>(null);

  const attempt = async (action: () => Promise<void>, setError: (message: string | null) => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (error) {
      setError(props.describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="post">
      <Show when={props.config.postchatRating}>
        <Show
          when={!props.store.rated()}
          fallback={
            <p class="done" role="status">
              {t().rated}
            </p>
          }
        >
          <form
            class="form"
            on:submit={(event) => {
              event.preventDefault();
              if (rating()) void attempt(() => props.store.rate(rating(), comment()), setRatingError);
            }}
          >
            <fieldset class="stars">
              <legend>{t().rateTitle}</legend>
              <For each={[1, 2, 3, 4, 5]}>
                {(n) => (
                  <label class={n <= rating() ? 'star on' : 'star'}>
                    <input type="radio" name="rating" value={n} checked={rating() === n} aria-label={fill(t().stars, { n })} on:change={() => setRating(n)} />
                    <span aria-hidden="true">★</span>
                  </label>
                )}
              </For>
            </fieldset>
            <div class="field">
              <label for="rating-comment">{t().comment}</label>
              <textarea id="rating-comment" rows="2" maxLength={1000} value={comment()} on:input={(event) => setComment(event.currentTarget.value)} />
            </div>
            <Show when={ratingError()}>
              <p class="error" role="alert">
                {ratingError()}
              </p>
            </Show>
            <button type="submit" class="primary" disabled={!rating() || busy()}>
              {t().sendRating}
            </button>
          </form>
        </Show>
      </Show>
      <Show when={props.config.postchatTranscript}>
        <Show
          when={!sentTo()}
          fallback={
            <p class="done" role="status">
              {fill(t().transcriptSent, { email: sentTo()! })}
            </p>
          }
        >
          <form
            class="form inline"
            novalidate
            on:submit={(event) => {
              event.preventDefault();
              const problem = fieldError('email', email(), true, t());
              if (problem) return setTranscriptError(problem);
              void attempt(async () => void setSentTo(await props.store.transcript(email().trim())), setTranscriptError);
            }}
          >
            <label for="transcript-email">{t().transcript}</label>
            <div class="row">
              <input
                id="transcript-email"
                type="email"
                autocomplete="email"
                value={email()}
                aria-invalid={!!transcriptError()}
                aria-describedby={transcriptError() ? 'transcript-error' : undefined}
                on:input={(event) => {
                  setEmail(event.currentTarget.value);
                  setTranscriptError(null);
                }}
              />
              <button type="submit" disabled={busy()}>
                {t().send}
              </button>
            </div>
            <Show when={transcriptError()}>
              <p id="transcript-error" class="error" role="alert">
                {transcriptError()}
              </p>
            </Show>
          </form>
        </Show>
      </Show>
      <div class="actions">
        <button type="button" on:click={() => props.onReturn()}>
          {t().returnToChat}
        </button>
        <button type="button" on:click={() => props.onNewChat()}>
          {t().newChat}
        </button>
      </div>
    </div>
  );
}
