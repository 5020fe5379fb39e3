import { createSignal, Show, type JSX } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { createFollowUp, createSale } from './contact-data';

// The small forms under the contact's sales and follow-ups.

export function NewFollowUpForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [title, setTitle] = createSignal('');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const [due, setDue] = createSignal(tomorrow);
  return (
    <InlineRecordForm
      openLabel="+ Follow-up"
      submitLabel="Add follow-up"
      canSubmit={!!title().trim()}
      save={() => createFollowUp(client, { contactId: props.contactId, title: title().trim(), dueAt: new Date(`${due()}T09:00:00`).toISOString() })}
      onSaved={() => {
        setTitle('');
        props.onCreated();
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
    </InlineRecordForm>
  );
}

export function NewSaleForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [title, setTitle] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [currency, setCurrency] = createSignal('EUR');
  return (
    <InlineRecordForm
      openLabel="+ Sale"
      submitLabel="Add sale"
      canSubmit={!!title().trim()}
      save={() =>
        createSale(client, {
          contactId: props.contactId,
          title: title().trim(),
          amount: amount().trim() || null,
          currency: currency().trim().toUpperCase() || null,
        })
      }
      onSaved={() => {
        setTitle('');
        setAmount('');
        props.onCreated();
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
    </InlineRecordForm>
  );
}

/** A "+ …" button that opens a small form: saving closes it, a failure is shown in it. */
function InlineRecordForm(props: {
  openLabel: string;
  submitLabel: string;
  canSubmit: boolean;
  save(): Promise<void>;
  /** After a save, once the form is closed. */
  onSaved(): void;
  children: JSX.Element;
}) {
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="button button-small" onClick={() => setOpen(true)}>
          {props.openLabel}
        </button>
      }
    >
      <form
        class="stack inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await props.save();
            setOpen(false);
            props.onSaved();
          } catch (caught) {
            setError(errorMessage(caught));
          }
        }}
      >
        {props.children}
        <ErrorNotice error={error()} />
        <div class="row">
          <button class="button button-primary button-small" type="submit" disabled={!props.canSubmit}>
            {props.submitLabel}
          </button>
          <button class="button button-small" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}
