// The pre-chat and offline forms' logic: which fields they show, what they send, and how a refusal reads.
import { ApiError } from '@livechat/chat-client/errors';
import { type Accessor, createSignal, type Setter } from 'solid-js';
import type { ChatStore, WidgetChannel } from './chat-store';
import type { VisitorPrefill } from './embed-options';
import { FIELD_KEYS, type FieldKey, type VisitorField } from './form-validation';
import type { ResultOf } from './graphql';
import { fill, type Strings } from './i18n';
import type { FAQ_SUGGESTIONS } from './operations';
import type { FormValues } from './VisitorForm';

/** What the widget shows outside a chat. */
export type Screen = 'form' | 'faq' | 'solved' | 'offline' | 'offlineDone';

export type FaqSuggestion = ResultOf<typeof FAQ_SUGGESTIONS>['faqSuggestions'][number];

// FIELD_KEYS lists the fields in the order the forms show them.
const FIELD_ORDER = Object.keys(FIELD_KEYS) as VisitorField[];

export interface VisitorFormsOptions {
  store: ChatStore;
  config: Accessor<WidgetChannel | undefined>;
  setConfig: Setter<WidgetChannel | undefined>;
  setScreen: (screen: Screen) => void;
  t: Accessor<Strings>;
  /** What the page told about the visitor (data- attributes, `ChatWidget.identify()`). */
  prefill: Accessor<VisitorPrefill>;
  /** The signature of `prefill`'s email the page gave, if any. */
  emailSignature: Accessor<string | undefined>;
}

/** The state and the actions of the visitor's forms. Must be created under a Solid owner. */
export function createVisitorForms(options: VisitorFormsOptions) {
  const { store, t, prefill } = options;
  const [busy, setBusy] = createSignal(false);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [serverErrors, setServerErrors] = createSignal<FormValues>({});
  const [draft, setDraft] = createSignal<FormValues>({});
  const [suggestions, setSuggestions] = createSignal<FaqSuggestion[]>([]);
  const [requestNumber, setRequestNumber] = createSignal<string | null>(null);
  let pendingStart: Record<string, unknown> | null = null;

  // A signature the server refused (made with a rotated secret, say) is not sent again: the visitor goes on unverified.
  const [refusedSignature, setRefusedSignature] = createSignal<string>();
  const signature = () => (options.emailSignature() === refusedSignature() ? undefined : options.emailSignature());
  const emailLocked = () => !!signature() && !!prefill().email;

  function formFields(required: VisitorField[], always: VisitorField[] = []): VisitorField[] {
    return FIELD_ORDER.filter((field) => required.includes(field) || always.includes(field) || prefill()[FIELD_KEYS[field] as keyof VisitorPrefill]);
  }

  function describeError(error: unknown): string {
    const e = error instanceof ApiError ? error : null;
    if (e?.code === 'RATE_LIMITED') return fill(t().rateLimited, { seconds: e.retryAfter ?? 30 });
    if (e?.field === 'emailSignature') return t().signatureInvalid;
    if (e?.code === 'IDENTITY_NOT_VERIFIED') return t().identity;
    if (e?.code === 'VALIDATION') return e.message.replace(/^\w+: /, '');
    return t().error;
  }

  /** Shows a server refusal under the field it names, or above the form. */
  function showError(error: unknown) {
    const e = error instanceof ApiError ? error : null;
    const field = e?.field as FieldKey | 'emailSignature' | undefined;
    if (field === 'emailSignature') setRefusedSignature(options.emailSignature());
    if (e && field && field !== 'emailSignature' && (e.code === 'VALIDATION' || e.code === 'IDENTITY_NOT_VERIFIED'))
      setServerErrors({ [field]: describeError(e) });
    else setFormError(describeError(error));
  }

  function contactInput(values: Record<string, string>) {
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) if (value) input[key] = value;
    if (signature() && values.email && values.email.toLowerCase() === prefill().email?.toLowerCase()) input.emailSignature = signature();
    return input;
  }

  async function attempt(action: () => Promise<void>) {
    setBusy(true);
    setFormError(null);
    setServerErrors({});
    try {
      await action();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CHANNEL_OFFLINE') {
        // Outside hours, nobody Present, or the queue is past the channel's limits: the offline form takes over, keeping what was typed.
        options.setConfig(
          (c) => c && { ...c, availability: { online: false, reason: String(error.extensions.reason ?? '') as WidgetChannel['availability']['reason'] } },
        );
        options.setScreen('form');
      } else showError(error);
    } finally {
      setBusy(false);
    }
  }

  const startChat = (input: Record<string, unknown>) =>
    attempt(async () => {
      await store.start(input);
      options.setScreen('form');
    });

  return {
    busy,
    formError,
    setFormError,
    serverErrors,
    draft,
    setDraft,
    suggestions,
    requestNumber,
    emailLocked,
    formFields,
    describeError,
    /** "Start the chat anyway" after the FAQ's suggestions. */
    startPending: () => pendingStart && void startChat(pendingStart),
    submitPrechat(values: Record<FieldKey, string>) {
      setDraft(values);
      const input = contactInput(values);
      if (!options.config()!.faqSuggestionsEnabled) return startChat(input);
      return attempt(async () => {
        const found = await store.faq(values.message);
        if (found.length === 0) return store.start(input);
        pendingStart = input;
        setSuggestions(found);
        options.setScreen('faq');
      });
    },
    submitOffline: (values: Record<FieldKey, string>) =>
      attempt(async () => {
        setDraft(values);
        setRequestNumber(await store.submitOffline(contactInput(values)));
        options.setScreen('offlineDone');
      }),
  };
}

export type VisitorForms = ReturnType<typeof createVisitorForms>;
