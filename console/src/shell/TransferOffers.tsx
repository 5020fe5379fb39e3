import { useLocation, useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import type { ChatListItem } from '../workspace-operations';
import { TransferIcon } from '../ui/icons';
import { acceptTransfer, rejectTransfer } from './shell-data';

/** Transfers offered to me, wherever I am in the console: accept or reject in one click. */
export function TransferOffers() {
  const workspace = useWorkspace();
  const location = useLocation();
  // The open conversation shows its own offer banner; the card is for chats elsewhere.
  const openChatId = () => /\/chats\/([^/?#]+)/.exec(location.pathname)?.[1];
  const offers = () =>
    workspace.myChats().filter((chat) => chat.pendingTransfer && chat.pendingTransfer.toAgent.id === workspace.me()?.id && chat.id !== openChatId());
  return (
    <Show when={offers().length > 0}>
      <div class="transfer-offers">
        <For each={offers()}>{(chat) => <TransferOfferCard chat={chat} />}</For>
      </div>
    </Show>
  );
}

function TransferOfferCard(props: { chat: ChatListItem }) {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const transfer = () => props.chat.pendingTransfer!;
  const titleId = () => `transfer-offer-${transfer().id}`;

  async function answer(accept: boolean) {
    setBusy(true);
    try {
      if (accept) {
        await acceptTransfer(client, transfer().id);
        showToast({ tone: 'success', message: `You now handle the chat with ${visitorLabel(props.chat.visitor)}.` });
        navigate(`/chats/${props.chat.id}`);
      } else {
        await rejectTransfer(client, transfer().id);
        showToast({ tone: 'info', message: `Transfer declined; the chat stays with ${transfer().fromAgent.name}.` });
      }
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    } finally {
      setBusy(false);
      void workspace.refreshMyChats();
    }
  }

  return (
    <section class="transfer-offer" role="alertdialog" aria-labelledby={titleId()} aria-describedby={`${titleId()}-text`}>
      <span class="transfer-offer-icon" aria-hidden="true">
        <TransferIcon />
      </span>
      <div class="transfer-offer-body">
        <h2 id={titleId()}>Transfer request</h2>
        <p id={`${titleId()}-text`}>
          <strong>{transfer().fromAgent.name}</strong> wants to hand you the chat with <strong>{visitorLabel(props.chat.visitor)}</strong> in{' '}
          {props.chat.channel.name}.
        </p>
        <Show when={transfer().note}>
          <blockquote class="transfer-note">“{transfer().note}”</blockquote>
        </Show>
        <div class="row">
          <button type="button" class="button button-primary" disabled={busy()} onClick={() => answer(true)}>
            Accept
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => answer(false)}>
            Reject
          </button>
          <button type="button" class="button button-ghost" onClick={() => navigate(`/chats/${props.chat.id}`)}>
            Preview
          </button>
        </div>
      </div>
    </section>
  );
}
