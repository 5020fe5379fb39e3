import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { createFollowUp, createSale } from './contact-data';

// The small forms under the contact's sales and follow-ups.

export function NewFollowUpForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [open, setOpen] = createSignal(false);
  const [title, setTitle] = createSignal('');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const [due, setDue] = createSignal(tomorrow);
  const [error, setError] = createSignal<string | null>(null);
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="button button-small" onClick={() => setOpen(true)}>
          + Follow-up
        </button>
      }
    >
      <form
        class="stack inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await createFollowUp(client, { contactId: props.contactId, title: title().trim(), dueAt: new Date(`${due()}T09:00:00`).toISOString() });
            setOpen(false);
            setTitle('');
            props.onCreated();
          } catch (caught) {
            setError(errorMessage(caught));
          }
        }}
      >
        <label class="field">
          <span>What to do</span>
          <input required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Due</span>
          <input type="date" required value={due()} onInput={(e) => setDue(e.currentTarget.value)} />
        </label>
        <ErrorNotice error={error()} />
        <div class="row">
          <button class="button button-primary button-small" type="submit" disabled={!title().trim()}>
            Add follow-up
          </button>
          <button class="button button-small" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}

export function NewSaleForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [open, setOpen] = createSignal(false);
  const [title, setTitle] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [currency, setCurrency] = createSignal('EUR');
  const [error, setError] = createSignal<string | null>(null);
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="button button-small" onClick={() => setOpen(true)}>
          + Sale
        </button>
      }
    >
      <form
        class="stack inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await createSale(client, {
              contactId: props.contactId,
              title: title().trim(),
              amount: amount().trim() || null,
              currency: currency().trim().toUpperCase() || null,
            });
            setOpen(false);
            setTitle('');
            setAmount('');
            props.onCreated();
          } catch (caught) {
            setError(errorMessage(caught));
          }
        }}
      >
        <label class="field">
          <span>What is being sold</span>
          <input required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>Amount</span>
            <input inputMode="decimal" placeholder="1499.50" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Currency</span>
            <input maxLength={3} value={currency()} onInput={(e) => setCurrency(e.currentTarget.value)} />
          </label>
        </div>
        <ErrorNotice error={error()} />
        <div class="row">
          <button class="button button-primary button-small" type="submit" disabled={!title().trim()}>
            Add sale
          </button>
          <button class="button button-small" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}
