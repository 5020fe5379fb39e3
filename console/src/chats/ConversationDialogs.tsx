import { Show } from 'solid-js';
import { CreateRequestDialog } from './CreateRequestDialog';
import { EndChatDialog } from './EndChatDialog';
import type { ConversationDialog } from './conversation-state';
import type { ConversationSession } from './operations';
import { TransferDialog } from './TransferDialog';

/** The open conversation's dialogs: transfer, create a request, end the chat. */
export function ConversationDialogs(props: {
  open: ConversationDialog | null;
  sessionId: string;
  session: ConversationSession;
  visitorName: string;
  firstVisitorMessage: string;
  busy: boolean;
  onClose(): void;
  onTransferred(): void;
  /** The request was created; `readyMessage` tells the visitor about it. */
  onRequestCreated(readyMessage: string): void;
  onEnd(): void;
}) {
  return (
    <>
      <Show when={props.open === 'transfer'}>
        <TransferDialog sessionId={props.sessionId} visitorName={props.visitorName} onClose={props.onClose} onTransferred={props.onTransferred} />
      </Show>
      <Show when={props.open === 'request'}>
        <CreateRequestDialog
          sessionId={props.sessionId}
          session={props.session}
          firstVisitorMessage={props.firstVisitorMessage}
          onClose={props.onClose}
          onCreated={props.onRequestCreated}
        />
      </Show>
      <Show when={props.open === 'end'}>
        <EndChatDialog visitorName={props.visitorName} busy={props.busy} onClose={props.onClose} onEnd={props.onEnd} />
      </Show>
    </>
  );
}
